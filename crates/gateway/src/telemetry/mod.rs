//! What operators see of the gateway: one `http` span per request (continuing a client's
//! `traceparent`), the request metrics, one log line per request with its trace id, and a
//! `grpc.client` span around every call to the core. The metrics themselves are served by the
//! binary on a listener of their own, never on the REST port.

mod grpc_client;
mod http_server;

pub use grpc_client::TracedChannel;
pub use http_server::observe;
