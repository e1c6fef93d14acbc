//! The middleware around every REST request: span, metrics and the request's log line.

use crate::RequestId;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use opentelemetry::trace::TraceContextExt as _;
use opentelemetry_http::HeaderExtractor;
use std::time::Instant;
use tracing::Instrument as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

/// Runs the request inside an `http` span and records what came of it. The route is the
/// matched template (`/{account}/users/{user}`), never the raw path, so that metric labels
/// stay few; the span carries no query string, because some dialects put credentials there.
pub async fn observe(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_owned();
    let dialect = crate::dialects::dialect_of(req.uri().path());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or_default();
    let span = tracing::info_span!(
        "http",
        otel.name = %format_args!("{method} {route}"),
        otel.kind = "server",
        http.request.method = %method,
        http.route = %route,
        url.path = %req.uri().path(),
        roster.dialect = dialect,
        request_id = %request_id,
        http.response.status_code = tracing::field::Empty,
    );
    let parent = opentelemetry::global::get_text_map_propagator(|p| {
        p.extract(&HeaderExtractor(req.headers()))
    });
    let _ = span.set_parent(parent);
    let res = next.run(req).instrument(span.clone()).await;
    let status = res.status().as_u16();
    let elapsed = start.elapsed();
    span.record("http.response.status_code", status);
    metrics::counter!(
        "roster_http_requests_total",
        "dialect" => dialect,
        "route" => route.clone(),
        "method" => method.clone(),
        "status" => status.to_string(),
    )
    .increment(1);
    metrics::histogram!(
        "roster_http_request_duration_seconds",
        "dialect" => dialect,
        "route" => route.clone(),
        "method" => method.clone(),
    )
    .record(elapsed.as_secs_f64());
    let trace_id = span.context().span().span_context().trace_id();
    span.in_scope(|| {
        tracing::info!(
            dialect,
            method = %method,
            route = %route,
            status,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            request_id = %request_id,
            trace_id = %trace_id,
            "Request handled."
        );
    });
    res
}
