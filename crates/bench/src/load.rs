//! Closed-loop load: `concurrency` workers call as fast as answers come back, for a fixed
//! time; every latency is kept, so percentiles are exact.

use std::future::Future;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub(crate) struct LoadResult {
    pub(crate) calls: usize,
    pub(crate) errors: usize,
    pub(crate) elapsed: Duration,
    /// Sorted, microseconds.
    latencies: Vec<u64>,
}

impl LoadResult {
    pub(crate) fn per_second(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64()
    }

    /// The `p`-th percentile latency in milliseconds.
    pub(crate) fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((p / 100.0) * (self.latencies.len() - 1) as f64).round() as usize;
        self.latencies[i.min(self.latencies.len() - 1)] as f64 / 1000.0
    }
}

/// Runs `call(worker, iteration)` from `concurrency` workers for `duration`.
pub(crate) async fn run<F, Fut>(concurrency: usize, duration: Duration, call: F) -> LoadResult
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let start = Instant::now();
    let deadline = start + duration;
    let workers = (0..concurrency).map(|w| {
        let call = call.clone();
        tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut i = 0;
            while Instant::now() < deadline {
                let t = Instant::now();
                if !call(w, i).await {
                    errors += 1;
                }
                lat.push(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX));
                i += 1;
            }
            (lat, errors)
        })
    });
    let mut latencies = Vec::new();
    let mut errors = 0;
    for w in futures::future::join_all(workers).await {
        let (l, e) = w.unwrap_or_default();
        latencies.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    LoadResult {
        calls: latencies.len(),
        errors,
        elapsed,
        latencies,
    }
}
