//! Logs, traces and metrics of the process.
//!
//! - Logs go to stderr (stdout belongs to command output such as `--json`), level from
//!   `RUST_LOG`, JSON lines when `log_format` is `json`.
//! - Traces: spans become OpenTelemetry spans, exported over OTLP/gRPC when an endpoint is
//!   given (`OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`; the exporter
//!   reads the other standard `OTEL_EXPORTER_OTLP_*` variables itself). Without one, spans
//!   still get trace ids, so that log lines carry them, but nothing is exported. W3C trace
//!   context is the propagation format.
//! - Metrics: one Prometheus registry per process, rendered on `/metrics` of the metrics
//!   listener (`metrics_addr`).

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::sync::OnceLock;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer as _};

/// How to set up telemetry; `main` fills it from the settings and the standard variables.
#[derive(Debug, Clone)]
pub struct TelemetryConfig {
    /// `text` or `json`.
    pub log_format: String,
    /// Applies when `RUST_LOG` is unset: servers say `info`, operator commands `warn` (their
    /// output is the point).
    pub default_level: String,
    /// OTLP/gRPC endpoint of a collector; `None` exports nothing.
    pub otlp_endpoint: Option<String>,
    /// `service.name` of the spans.
    pub service_name: String,
}

/// Keeps the trace pipeline alive; [`Telemetry::shutdown`] flushes what is buffered.
#[derive(Debug)]
pub struct Telemetry {
    provider: SdkTracerProvider,
}

impl Telemetry {
    /// Exports buffered spans and stops the exporter.
    pub fn shutdown(&self) {
        if let Err(e) = self.provider.force_flush() {
            tracing::warn!(error = %e, "Cannot flush the trace exporter.");
        }
        let _ = self.provider.shutdown();
    }

    /// Exports buffered spans now (tests wait for them).
    pub fn flush(&self) {
        let _ = self.provider.force_flush();
    }
}

/// Installs the subscriber (once per process: a second call leaves the first in place) and
/// the trace pipeline.
pub fn init(config: &TelemetryConfig) -> Telemetry {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let mut builder = SdkTracerProvider::builder().with_resource(
        Resource::builder()
            .with_service_name(config.service_name.clone())
            .build(),
    );
    if let Some(endpoint) = &config.otlp_endpoint {
        use opentelemetry_otlp::WithExportConfig as _;
        match opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .with_endpoint(endpoint.clone())
            .build()
        {
            Ok(exporter) => builder = builder.with_batch_exporter(exporter),
            Err(e) => eprintln!("roster: traces are not exported: {e}"),
        }
    }
    let provider = builder.build();
    opentelemetry::global::set_tracer_provider(provider.clone());
    let otel = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("roster"))
        .with_filter(LevelFilter::INFO);
    let filter = || {
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.default_level))
    };
    let json = config.log_format.eq_ignore_ascii_case("json");
    let text_logs = (!json).then(|| tracing_subscriber::fmt::layer().with_writer(std::io::stderr));
    let json_logs = json.then(|| {
        tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_writer(std::io::stderr)
    });
    // try_init: a second initialisation (tests) is not an error.
    let _ = tracing_subscriber::registry()
        .with(text_logs.with_filter(filter()))
        .with(json_logs.with_filter(filter()))
        .with(otel)
        .try_init();
    Telemetry { provider }
}

/// Latency buckets, in seconds: from a cached token check to a slow batch.
const BUCKETS: [f64; 14] = [
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's Prometheus registry, installed as the global metrics recorder on first use.
/// `None` when another recorder was installed first.
pub fn metrics() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets(&BUCKETS)
                .ok()?
                .install_recorder()
                .ok()?;
            metrics::gauge!("roster_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
            Some(handle)
        })
        .clone()
}

/// Renders the registry, after reading the gauges that are sampled rather than counted.
pub fn render(handle: &PrometheusHandle, store: Option<&roster_storage::Store>) -> String {
    if let Some(store) = store {
        let p = store.pool_stats();
        let in_use = p.open.saturating_sub(p.idle);
        metrics::gauge!("roster_db_pool_connections", "state" => "idle").set(f64::from(p.idle));
        metrics::gauge!("roster_db_pool_connections", "state" => "in_use").set(f64::from(in_use));
        metrics::gauge!("roster_db_pool_max_connections").set(f64::from(p.max));
    }
    handle.render()
}

/// Histograms keep samples until drained: drain them every few seconds even when nobody
/// scrapes, so that memory stays flat.
pub async fn upkeep(handle: PrometheusHandle, stop: impl std::future::Future<Output = ()>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = tick.tick() => handle.run_upkeep(),
        }
    }
}

/// `/metrics` on a listener of its own (`metrics_addr`), for every serving command: the REST
/// port never shows them. `store` is the database pool of the process, if it has one.
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    handle: PrometheusHandle,
    store: Option<roster_storage::Store>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let body = render(&handle, store.as_ref());
            async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4",
                    )],
                    body,
                )
            }
        }),
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await
}
