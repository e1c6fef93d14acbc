//! Every gRPC call the user service answers: a `grpc.server` span that continues the caller's
//! W3C trace context (`traceparent` in the metadata, as the gateway and any internal caller
//! sends it), and the `roster_grpc_requests_total` / `roster_grpc_request_duration_seconds`
//! metrics by method and status code.
//!
//! A tower layer rather than an interceptor, because interceptors see neither the response
//! nor how long the call took.

use opentelemetry_http::HeaderExtractor;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;
use tracing::Instrument as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

/// Wraps the server's services in [`Traced`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TelemetryLayer;

impl<S> tower::Layer<S> for TelemetryLayer {
    type Service = Traced<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Traced { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Traced<S> {
    inner: S,
}

/// `(service, method)` of a gRPC path `/roster.v1.UserService/GetUser`.
fn rpc_of(path: &str) -> (&str, &str) {
    let path = path.trim_start_matches('/');
    path.split_once('/').unwrap_or((path, ""))
}

/// The gRPC status of a unary response: errors come "trailers-only", with `grpc-status` in
/// the headers; a success carries it in the trailers, which only a body wrapper would see.
fn status_code<B>(res: &http::Response<B>) -> i32 {
    res.headers()
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Canonical name of a gRPC status code, as metric label.
pub fn code_name(code: i32) -> &'static str {
    match tonic::Code::from_i32(code) {
        tonic::Code::Ok => "OK",
        tonic::Code::Cancelled => "CANCELLED",
        tonic::Code::Unknown => "UNKNOWN",
        tonic::Code::InvalidArgument => "INVALID_ARGUMENT",
        tonic::Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        tonic::Code::NotFound => "NOT_FOUND",
        tonic::Code::AlreadyExists => "ALREADY_EXISTS",
        tonic::Code::PermissionDenied => "PERMISSION_DENIED",
        tonic::Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        tonic::Code::FailedPrecondition => "FAILED_PRECONDITION",
        tonic::Code::Aborted => "ABORTED",
        tonic::Code::OutOfRange => "OUT_OF_RANGE",
        tonic::Code::Unimplemented => "UNIMPLEMENTED",
        tonic::Code::Internal => "INTERNAL",
        tonic::Code::Unavailable => "UNAVAILABLE",
        tonic::Code::DataLoss => "DATA_LOSS",
        tonic::Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

impl<S, B, R> tower::Service<http::Request<B>> for Traced<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let path = req.uri().path().to_owned();
        let (service, method) = rpc_of(&path);
        let span = tracing::info_span!(
            "grpc.server",
            otel.name = %path.trim_start_matches('/'),
            otel.kind = "server",
            rpc.system = "grpc",
            rpc.service = %service,
            rpc.method = %method,
            rpc.grpc.status_code = tracing::field::Empty,
        );
        let parent = opentelemetry::global::get_text_map_propagator(|p| {
            p.extract(&HeaderExtractor(req.headers()))
        });
        let _ = span.set_parent(parent);
        // The clone that was polled ready serves this call; the fresh one waits for the next.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let start = Instant::now();
        let fut = span.in_scope(|| inner.call(req));
        Box::pin(async move {
            let res = fut.instrument(span.clone()).await;
            // Unknown methods are one label, so that callers cannot grow the metric at will.
            let code = res.as_ref().map_or(2, status_code);
            let method = if code == tonic::Code::Unimplemented as i32 {
                "unknown".to_owned()
            } else {
                path
            };
            span.record("rpc.grpc.status_code", code);
            metrics::counter!(
                "roster_grpc_requests_total",
                "method" => method.clone(),
                "code" => code_name(code),
            )
            .increment(1);
            metrics::histogram!("roster_grpc_request_duration_seconds", "method" => method)
                .record(start.elapsed().as_secs_f64());
            res
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_service_and_method() {
        assert_eq!(
            rpc_of("/roster.v1.UserService/GetUser"),
            ("roster.v1.UserService", "GetUser")
        );
        assert_eq!(rpc_of("/odd"), ("odd", ""));
    }

    #[test]
    fn errors_are_read_from_trailers_only_headers() {
        let ok = http::Response::new(());
        assert_eq!(status_code(&ok), 0);
        let mut err = http::Response::new(());
        err.headers_mut()
            .insert("grpc-status", http::HeaderValue::from_static("5"));
        assert_eq!(status_code(&err), 5);
        assert_eq!(code_name(5), "NOT_FOUND");
    }
}
