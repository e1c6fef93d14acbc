//! The channel to the user service, with a `grpc.client` span around every call and the
//! span's W3C trace context sent along as `traceparent`, so that the user service's span
//! joins the request's trace.

use crate::upstream::{BoxError, CoreService};
use opentelemetry_http::HeaderInjector;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tonic::body::Body;
use tower::Service;
use tracing::Instrument as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

#[derive(Debug, Clone)]
pub struct TracedChannel {
    inner: CoreService,
}

impl TracedChannel {
    pub fn new(inner: CoreService) -> Self {
        Self { inner }
    }
}

type Fut = Pin<Box<dyn Future<Output = Result<http::Response<Body>, BoxError>> + Send>>;

impl Service<http::Request<Body>> for TracedChannel {
    type Response = http::Response<Body>;
    type Error = BoxError;
    type Future = Fut;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: http::Request<Body>) -> Self::Future {
        let path = req.uri().path().trim_start_matches('/').to_owned();
        let (service, method) = path.split_once('/').unwrap_or((&path, ""));
        let span = tracing::info_span!(
            "grpc.client",
            otel.name = %path,
            otel.kind = "client",
            rpc.system = "grpc",
            rpc.service = %service,
            rpc.method = %method,
            rpc.grpc.status_code = tracing::field::Empty,
        );
        let cx = span.context();
        opentelemetry::global::get_text_map_propagator(|p| {
            p.inject_context(&cx, &mut HeaderInjector(req.headers_mut()));
        });
        let with_token = req.headers().contains_key(http::header::AUTHORIZATION);
        // A channel is a buffer: the instance that was polled ready must take the call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let fut = inner.call(req);
        Box::pin(async move {
            let res = fut.instrument(span.clone()).await;
            if let Ok(r) = &res {
                // Errors come trailers-only, with the status in the headers.
                let code = r
                    .headers()
                    .get("grpc-status")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<i32>().ok())
                    .unwrap_or(0);
                span.record("rpc.grpc.status_code", code);
                if with_token && code == tonic::Code::Unauthenticated as i32 {
                    crate::session::replay::mark_refused();
                }
            }
            res
        })
    }
}
