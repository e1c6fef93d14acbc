//! `/healthz` (the process is up) and `/readyz` (the user service answers, and the gateway
//! is not shutting down), plus the `connection: close` a draining gateway adds to answers.

use crate::AppState;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub(crate) async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if state.draining.load(Ordering::Relaxed) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "draining" })),
        );
    }
    if state.upstream.ready(Duration::from_secs(2)).await {
        (StatusCode::OK, Json(json!({ "status": "ready" })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "user service unavailable" })),
        )
    }
}

/// While draining, asks HTTP/1 clients to close their keep-alive connection after this answer:
/// a load balancer only steers new connections away from a pod that is going, so reused ones
/// would otherwise keep coming here until the listener closes.
pub(crate) async fn close_while_draining(
    State(draining): State<Arc<AtomicBool>>,
    req: Request,
    next: Next,
) -> Response {
    let http1 = req.version() <= axum::http::Version::HTTP_11;
    let mut res = next.run(req).await;
    if http1 && draining.load(Ordering::Relaxed) {
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    res
}
