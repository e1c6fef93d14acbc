//! Cached tokens that the core refuses.
//!
//! Dialects exchange a client's credential for a core token once and reuse it from a cache.
//! The core judges every token on the store as it is now, so a cached token stops working
//! the moment what it was minted on changes (a password, a role, a disabled user, a removed
//! key). That must end stale access, not a legitimate client's next request: when a call
//! made with a cached token is refused as unauthenticated, the request is run once more with
//! a token fetched afresh from the credential it carries. If the credential itself no longer
//! holds, that second run is refused the dialect's usual way.
//!
//! The refusal is noticed where every call to the core passes ([`mark_refused`], called by
//! the traced channel) and the request is replayed here, so no dialect handler knows about
//! it. Only the first call of a handler can be refused this way (the token check comes
//! before anything is done), so the replay repeats no work.

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

tokio::task_local! {
    static REFUSED: Arc<AtomicBool>;
}

/// Request extension on a replayed request: authenticate anew, do not use a cached token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FreshToken;

/// Records that the core refused the token of a call made for the current request.
pub(crate) fn mark_refused() {
    let _ = REFUSED.try_with(|flag| flag.store(true, Ordering::Relaxed));
}

/// Bodies up to this size are kept for a replay; larger ones are never replayed.
const MAX_REPLAY_BYTES_USIZE: usize = 1024 * 1024;
const MAX_REPLAY_BYTES: u64 = MAX_REPLAY_BYTES_USIZE as u64;

/// Middleware: runs the request, and once more with [`FreshToken`] when a call it made was
/// refused for its token. Only dialects whose cached tokens come from a credential the
/// request itself carries take part (`replayable`), and CloudAPI writes never do: each of
/// their signatures may be used once, so a write always authenticates afresh anyway.
pub(crate) async fn replay_refused(req: Request, next: Next) -> Response {
    if !replayable(&req) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    // The length was announced and is small: a body that cannot be read is a broken
    // connection, with nobody left to read a dialect's error body.
    let Ok(bytes) = axum::body::to_bytes(body, MAX_REPLAY_BYTES_USIZE).await else {
        return axum::response::IntoResponse::into_response(http::StatusCode::BAD_REQUEST);
    };
    let mut again = http::Request::builder()
        .method(parts.method.clone())
        .uri(parts.uri.clone())
        .version(parts.version)
        .body(Body::from(bytes.clone()))
        .unwrap_or_default();
    *again.headers_mut() = parts.headers.clone();
    *again.extensions_mut() = parts.extensions.clone();
    again.extensions_mut().insert(FreshToken);
    let refused = Arc::new(AtomicBool::new(false));
    let first = REFUSED
        .scope(
            Arc::clone(&refused),
            next.clone()
                .run(Request::from_parts(parts, Body::from(bytes))),
        )
        .await;
    if refused.load(Ordering::Relaxed) {
        next.run(again).await
    } else {
        first
    }
}

/// Requests that may be replayed: those of the dialects that cache tokens for credentials
/// carried by every request, whose body length is known and small.
fn replayable(req: &Request) -> bool {
    let dialect = crate::dialects::dialect_of(req.uri().path());
    let read = matches!(*req.method(), http::Method::GET | http::Method::HEAD);
    let small = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(read, |n| n <= MAX_REPLAY_BYTES);
    small
        && match dialect {
            // Forms On Fire's integration tokens name no user: nothing can make them stale
            // short of the tenant going away.
            "elements" => true,
            "cloudapi" => read,
            _ => false,
        }
}
