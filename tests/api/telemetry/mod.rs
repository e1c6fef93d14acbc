//! What operators see: traces exported over OTLP, Prometheus metrics, request log lines.

mod logs;
mod metrics;
mod traces;
