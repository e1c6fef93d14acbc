//! What operators see of the gateway: one `http` span per request (continuing a client's
//! `traceparent`), the request metrics, one log line per request with its trace id, a
//! `grpc.client` span around every call to the core, and `/metrics`.

mod grpc_client;
mod http_server;

pub use grpc_client::TracedChannel;
pub use http_server::observe;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Renders the process's metrics in the Prometheus text format; the binary owns the
/// registry, the gateway only serves it.
#[derive(Clone)]
pub struct MetricsRender(Arc<dyn Fn() -> String + Send + Sync>);

impl MetricsRender {
    pub fn new(render: impl Fn() -> String + Send + Sync + 'static) -> Self {
        Self(Arc::new(render))
    }

    pub fn render(&self) -> String {
        (self.0)()
    }
}

impl std::fmt::Debug for MetricsRender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsRender(..)")
    }
}

/// `GET /metrics`.
pub(crate) async fn metrics(State(state): State<crate::AppState>) -> Response {
    match &state.metrics {
        Some(m) => (
            [(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            m.render(),
        )
            .into_response(),
        None => http::StatusCode::NOT_FOUND.into_response(),
    }
}
