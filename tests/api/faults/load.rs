//! A mixed load: one client per dialect creating users one after another, each answer kept
//! with when it was asked and answered, so that a test can say what was acknowledged and
//! what the clients were told while something was broken.

use super::dialects::{Clients, Dialect};
use crate::support::Answer;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

/// Between two requests of one client: enough for the load to be steady rather than a
/// flood of instant refusals while the service is down.
const PAUSE: Duration = Duration::from_millis(25);

/// One request of the load and its answer.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub(super) dialect: Dialect,
    pub(super) email: String,
    pub(super) sent: Instant,
    pub(super) answered: Instant,
    pub(super) answer: Answer,
}

impl Outcome {
    pub(super) fn acknowledged(&self) -> bool {
        self.dialect.acknowledged(&self.answer)
    }
}

#[derive(Debug)]
pub(super) struct Load {
    stop: Arc<AtomicBool>,
    outcomes: Arc<Mutex<Vec<Outcome>>>,
    clients: Vec<JoinHandle<()>>,
}

impl Load {
    /// One client per dialect, from now until [`Load::stop`].
    pub(super) fn start(clients: &Clients) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let outcomes = Arc::new(Mutex::new(Vec::new()));
        let handles = Dialect::ALL
            .into_iter()
            .map(|dialect| {
                let (stop, outcomes, clients) =
                    (Arc::clone(&stop), Arc::clone(&outcomes), clients.clone());
                tokio::spawn(async move {
                    let mut n = 0;
                    while !stop.load(Ordering::Relaxed) {
                        n += 1;
                        let email = format!("{}-{n}@acme.test", dialect.tag());
                        let sent = Instant::now();
                        let answer = clients.create(dialect, &email).await;
                        let outcome = Outcome {
                            dialect,
                            email,
                            sent,
                            answered: Instant::now(),
                            answer,
                        };
                        outcomes.lock().expect("outcomes").push(outcome);
                        tokio::time::sleep(PAUSE).await;
                    }
                })
            })
            .collect();
        Self {
            stop,
            outcomes,
            clients: handles,
        }
    }

    /// Every answer so far.
    pub(super) fn outcomes(&self) -> Vec<Outcome> {
        self.outcomes.lock().expect("outcomes").clone()
    }

    /// Waits until every dialect has had a write acknowledged that was sent after `since`;
    /// how long that took from `since`. Fails the test after `patience`.
    pub(super) async fn until_each_acknowledged_after(
        &self,
        since: Instant,
        patience: Duration,
    ) -> Duration {
        loop {
            let outcomes = self.outcomes();
            let last = Dialect::ALL.iter().try_fold(since, |latest, d| {
                outcomes
                    .iter()
                    .filter(|o| o.dialect == *d && o.sent >= since && o.acknowledged())
                    .map(|o| o.answered)
                    .min()
                    .map(|first| latest.max(first))
            });
            if let Some(last) = last {
                return last.duration_since(since);
            }
            assert!(
                since.elapsed() < patience,
                "not every dialect acknowledged a write within {patience:?}; the last answers: {:?}",
                &outcomes[outcomes.len().saturating_sub(5)..]
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the clients; every answer they had.
    pub(super) async fn stop(mut self) -> Vec<Outcome> {
        self.stop.store(true, Ordering::Relaxed);
        for c in std::mem::take(&mut self.clients) {
            c.await
                .expect("a client of the load never fails to get an answer");
        }
        self.outcomes()
    }
}

/// Asserts that every answer of `outcomes` acknowledged its write or was the dialect's "try
/// again", and that every acknowledged write is in `stored`; how many were acknowledged.
pub(super) fn assert_nothing_acknowledged_is_lost(
    outcomes: &[Outcome],
    stored: &std::collections::HashSet<String>,
) -> usize {
    let mut acknowledged = 0;
    for o in outcomes {
        if o.acknowledged() {
            acknowledged += 1;
            assert!(
                stored.contains(&o.email.to_lowercase()),
                "{} was acknowledged ({:?}) but is not in the database",
                o.email,
                o.dialect
            );
        } else if let Err(e) = o.dialect.try_again(&o.answer) {
            panic!("neither acknowledged nor \"try again\": {e}");
        }
    }
    acknowledged
}
