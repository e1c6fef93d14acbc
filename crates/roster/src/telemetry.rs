//! Logs: to stderr (stdout belongs to command output such as `--json`), level from
//! `RUST_LOG`, JSON lines when `log_format` is `json`.

use tracing_subscriber::EnvFilter;

/// `default_level` applies when `RUST_LOG` is unset: servers say `info`, operator commands
/// `warn` (their output is the point).
pub fn init(format: &str, default_level: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // try_init: a second initialisation (tests) is not an error.
    let _ = if format.eq_ignore_ascii_case("json") {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}
