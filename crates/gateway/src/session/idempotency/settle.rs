//! Settling a claimed key once its route has answered: keeping the answer, or freeing the
//! key for a retry. The core may not take it at once: the request may have run out of time
//! (a stalled database), or the user service or its database may be down (which is often
//! why the route answered "try again"). Left so, the key would stay claimed until its lease
//! ends (two minutes by default), and every retry meanwhile would be told the request still
//! runs. So a settlement the core could not take is sent again in the background until it
//! is taken, or until the lease would have ended anyway.

use super::super::Core;
use roster_proto::v1 as pb;
use std::time::Duration;
use tonic::Code;

/// The least time each call to settle has, whatever is left of the request's deadline.
const CALL: Duration = Duration::from_secs(1);
/// Pauses between the background attempts: doubling from the first to the last.
const FIRST_PAUSE: Duration = Duration::from_millis(250);
const MAX_PAUSE: Duration = Duration::from_secs(4);
/// How long the background attempts go on: past the default lease, after which the claim
/// has lost its key and settling it changes nothing.
const GIVE_UP_AFTER: Duration = Duration::from_secs(150);

/// What to do with a claimed key.
#[derive(Debug, Clone)]
pub(super) struct Settlement {
    pub(super) key: String,
    pub(super) claim_id: String,
    /// The answer to keep; none frees the key.
    pub(super) answer: Option<pb::HttpAnswer>,
}

/// Whether a failed settlement may be taken later: the core was unreachable, busy or out of
/// time, rather than refusing it.
fn later(code: Code) -> bool {
    matches!(
        code,
        Code::Unavailable
            | Code::DeadlineExceeded
            | Code::ResourceExhausted
            | Code::Cancelled
            | Code::Unknown
            | Code::Aborted
    )
}

impl Settlement {
    async fn send(&self, core: &Core) -> Result<(), tonic::Status> {
        let mut client = core.with_at_least(CALL).idempotency();
        match self.answer.clone() {
            Some(answer) => client
                .complete(pb::CompleteIdempotencyKeyRequest {
                    key: self.key.clone(),
                    claim_id: self.claim_id.clone(),
                    answer: Some(answer),
                })
                .await
                .map(drop),
            None => client
                .release(pb::ReleaseIdempotencyKeyRequest {
                    key: self.key.clone(),
                    claim_id: self.claim_id.clone(),
                })
                .await
                .map(drop),
        }
    }

    /// Settles the key now if the core takes it, else in the background.
    pub(super) async fn settle(self, core: &Core) {
        let Err(s) = self.send(core).await else {
            return;
        };
        if !later(s.code()) {
            tracing::warn!(code = ?s.code(), message = %s.message(), "Cannot settle an idempotency key.");
            return;
        }
        let core = core.clone();
        tokio::spawn(async move {
            let began = tokio::time::Instant::now();
            let mut pause = FIRST_PAUSE;
            while began.elapsed() < GIVE_UP_AFTER {
                tokio::time::sleep(pause).await;
                match self.send(&core).await {
                    Ok(()) => return,
                    Err(s) if later(s.code()) => pause = (pause * 2).min(MAX_PAUSE),
                    Err(s) => {
                        tracing::warn!(code = ?s.code(), message = %s.message(), "Cannot settle an idempotency key.");
                        return;
                    }
                }
            }
            tracing::warn!("Gave up settling an idempotency key: its lease has ended.");
        });
    }
}
