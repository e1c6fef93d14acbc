//! Each request's time budget (`upstream_timeout`), counted from its arrival: every call it
//! makes to the core carries what is left as its gRPC deadline (`grpc-timeout`, see
//! [`super::Core`]), so the user service stops working for a client that has stopped
//! waiting, and the calls of one request (authentication, then the operation, or a SCIM
//! `/Bulk`'s many) never take longer together than the budget.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::time::{Duration, Instant};

/// When the request's calls to the core must be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Deadline(pub(crate) Instant);

/// Middleware: the request's deadline is its arrival plus `budget`.
pub(crate) async fn assign(
    State(budget): State<Duration>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(at) = Instant::now().checked_add(budget) {
        req.extensions_mut().insert(Deadline(at));
    }
    next.run(req).await
}
