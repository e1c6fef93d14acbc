//! What every dialect shares between the wire and the core: the request id, the client's
//! address, the request's deadline, the body reader, the exchange of a credential for a
//! cached core token, the client that carries that token (and what is left of the deadline)
//! to the core, the replay of a request whose cached token the core refused, conditional
//! writes (`ETag` / `If-Match`), and idempotent retries (`Idempotency-Key`).

pub(crate) mod body;
mod client;
pub mod client_address;
pub(crate) mod deadline;
pub(crate) mod idempotency;
pub(crate) mod preconditions;
pub(crate) mod replay;
pub mod request_id;
pub mod token_cache;

pub(crate) use client::Core;
pub use client_address::ClientAddress;
pub(crate) use deadline::Deadline;
pub use request_id::RequestId;
pub use token_cache::{CachedToken, TokenCache, credential_key};

/// Whether this request must authenticate afresh rather than use a cached token: it is the
/// replay of a request whose cached token the core refused.
pub(crate) fn wants_fresh(parts: &http::request::Parts) -> bool {
    parts.extensions.get::<replay::FreshToken>().is_some()
}
