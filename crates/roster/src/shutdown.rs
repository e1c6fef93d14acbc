//! A drained shutdown, as Kubernetes expects it. On SIGTERM every tier first reports
//! not-ready (gRPC health NOT_SERVING, gateway `/readyz` 503) while it goes on serving for
//! `shutdown_delay_secs`, so that load balancers stop sending new work; then it stops
//! accepting and gives in-flight requests up to `shutdown_grace_secs` to finish. The gateway
//! stops before the user service, so that its in-flight requests can still reach a user
//! service running in the same process (`roster serve`).

use anyhow::Result;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How a tier reports that it is going away.
#[derive(Debug)]
pub(crate) enum Readiness {
    Grpc(roster_user_service::Readiness),
    Gateway(Arc<AtomicBool>),
    /// Takes no traffic that load balancers route (metrics, upkeep).
    Untracked,
}

impl Readiness {
    async fn set_not_ready(&self) {
        match self {
            Self::Grpc(health) => health.set_not_serving().await,
            Self::Gateway(draining) => draining.store(true, Ordering::Relaxed),
            Self::Untracked => {}
        }
    }
}

/// One serving task, with its readiness switch and its stop signal.
#[derive(Debug)]
pub(crate) struct Tier {
    name: &'static str,
    readiness: Readiness,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<()>>,
}

impl Tier {
    /// Spawns `serve`, which must serve until the future it is given completes.
    pub(crate) fn spawn<F, Fut>(name: &'static str, readiness: Readiness, serve: F) -> Self
    where
        F: FnOnce(Stop) -> Fut,
        Fut: Future<Output = Result<()>> + Send + 'static,
    {
        let (stop, rx) = oneshot::channel();
        let task = tokio::spawn(serve(Stop(rx)));
        Self {
            name,
            readiness,
            stop,
            task,
        }
    }
}

/// Completes when the tier is told to stop (or its `Tier` is dropped).
#[derive(Debug)]
pub(crate) struct Stop(oneshot::Receiver<()>);

impl Future for Stop {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        // Either a stop or a dropped sender means stop.
        std::pin::Pin::new(&mut self.0).poll(cx).map(|_| ())
    }
}

/// Reports every tier not-ready, serves on for `delay`, then stops accepting and waits up to
/// `grace` for in-flight requests. `tiers` are in start order and stop in reverse. Requests
/// still running after `grace` are cut; that is logged, and is not an error (Kubernetes would
/// kill the pod anyway).
pub(crate) async fn drain(tiers: Vec<Tier>, delay: Duration, grace: Duration) -> Result<()> {
    // Gateway first, in the same order as the stop below: once the user service reports
    // NOT_SERVING, `/readyz` already fails too.
    for tier in tiers.iter().rev() {
        tier.readiness.set_not_ready().await;
    }
    if !delay.is_zero() {
        tracing::info!(
            delay_secs = delay.as_secs_f64(),
            "Reporting not ready; serving on while load balancers stop sending."
        );
        tokio::time::sleep(delay).await;
    }
    let deadline = tokio::time::Instant::now() + grace;
    let mut result = Ok(());
    for mut tier in tiers.into_iter().rev() {
        tracing::info!(tier = tier.name, "Stopping; in-flight requests finish.");
        let _ = tier.stop.send(());
        match tokio::time::timeout_at(deadline, &mut tier.task).await {
            Ok(Ok(outcome)) => result = result.and(outcome),
            Ok(Err(join)) => result = result.and(Err(join.into())),
            Err(_) => {
                tracing::warn!(
                    tier = tier.name,
                    grace_secs = grace.as_secs_f64(),
                    "In-flight requests outlived the grace period; they are cut."
                );
                tier.task.abort();
            }
        }
    }
    result
}
