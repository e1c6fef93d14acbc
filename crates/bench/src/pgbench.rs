//! PostgreSQL's own read-only throughput on this machine, the yardstick for GetUser: `pgbench
//! -S -M prepared` (one primary-key SELECT a transaction, prepared statements) at GetUser's
//! concurrency, over TCP to the same server, in the same database the benchmark made.

use anyhow::{Context, Result, bail};
use std::time::Duration;
use tokio::process::Command;

/// Transactions per second of `pgbench -S -M prepared -c clients` against `url` for `phase`
/// (after `pgbench -i` makes its tables there, scale 1: 100 000 accounts).
pub(crate) async fn select_only(url: &str, clients: usize, phase: Duration) -> Result<f64> {
    let init = Command::new("pgbench")
        .args(["-i", "-q", "-s", "1", url])
        .output()
        .await
        .context("cannot run pgbench (the postgresql-contrib client tools)")?;
    if !init.status.success() {
        bail!(
            "pgbench -i failed: {}",
            String::from_utf8_lossy(&init.stderr)
        );
    }
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let run = Command::new("pgbench")
        .args([
            "-n",
            "-S",
            "-M",
            "prepared",
            "-c",
            &clients.to_string(),
            "-j",
            &threads.min(clients).to_string(),
            "-T",
            &phase.as_secs().max(1).to_string(),
            url,
        ])
        .output()
        .await
        .context("cannot run pgbench")?;
    let out = String::from_utf8_lossy(&run.stdout);
    if !run.status.success() {
        bail!("pgbench failed: {}", String::from_utf8_lossy(&run.stderr));
    }
    tps(&out).with_context(|| format!("no tps in pgbench's output: {out}"))
}

/// The `tps = N (without initial connection time)` figure of pgbench's report.
fn tps(report: &str) -> Option<f64> {
    report
        .lines()
        .find(|l| l.starts_with("tps = ") && l.contains("without initial connection time"))
        .and_then(|l| l.trim_start_matches("tps = ").split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::tps;

    #[test]
    fn the_figure_is_read_from_pgbench_s_report() {
        let report = "number of failed transactions: 0 (0.000%)\n\
            latency average = 0.434 ms\n\
            initial connection time = 12.345 ms\n\
            tps = 36858.123456 (without initial connection time)\n";
        assert_eq!(tps(report), Some(36_858.123_456));
        assert_eq!(tps("tps = 10 (including connections establishing)\n"), None);
    }
}
