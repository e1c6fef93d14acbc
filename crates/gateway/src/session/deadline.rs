//! Each request's time budget (`upstream_timeout`), counted from its arrival: every call it
//! makes to the core carries what is left as its gRPC deadline (`grpc-timeout`, see
//! [`super::Core`]), so the user service stops working for a client that has stopped
//! waiting, and the calls of one request (authentication, then the operation, or a SCIM
//! `/Bulk`'s many) never take longer together than the budget.
//!
//! Bulk routes (a SureCloud PATCH of thousands of users, a SCIM `/Bulk`) have a budget of
//! their own, `upstream_bulk_timeout`, from the same arrival: their work grows with the
//! request, and a slow database must not turn a large batch into a 503 at the ordinary wall.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::time::{Duration, Instant};

/// When the request's calls to the core must be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Deadline(pub(crate) Instant);

/// When the request arrived at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Arrival(Instant);

/// Middleware: the request's deadline is its arrival plus `budget`.
pub(crate) async fn assign(
    State(budget): State<Duration>,
    mut req: Request,
    next: Next,
) -> Response {
    let now = Instant::now();
    req.extensions_mut().insert(Arrival(now));
    if let Some(at) = now.checked_add(budget) {
        req.extensions_mut().insert(Deadline(at));
    }
    next.run(req).await
}

/// Route layer of a bulk route: its deadline is its arrival plus the bulk `budget`.
pub(crate) async fn bulk(State(budget): State<Duration>, mut req: Request, next: Next) -> Response {
    let arrival = req.extensions().get::<Arrival>().map(|a| a.0);
    if let Some(at) = arrival.and_then(|a| a.checked_add(budget)) {
        req.extensions_mut().insert(Deadline(at));
    }
    next.run(req).await
}
