//! A claimed key whose call has not settled it yet. A call can end without settling: the
//! deadline layer ([`crate::deadline`]) drops a call whose deadline ran out (a stalled
//! database, say), and a call whose caller went away is dropped too. Its answer says "try
//! again" (DEADLINE_EXCEEDED, CANCELLED), so its key must be free for the retry, as for any
//! such answer; left claimed, every retry would be ABORTED until the lease ends.

use roster_domain::idempotency::{
    ClaimId, Idempotency, IdempotencyKey, IdempotencyRecords, IdempotencyScope,
};
use std::time::Instant;

/// Frees the claim when dropped, unless [`Unsettled::settled`] was called first.
pub(super) struct Unsettled<R: IdempotencyRecords + Clone> {
    claim: Option<(Idempotency<R>, IdempotencyScope, IdempotencyKey, ClaimId)>,
}

impl<R: IdempotencyRecords + Clone> Unsettled<R> {
    pub(super) fn new(
        idempotency: &Idempotency<R>,
        scope: &IdempotencyScope,
        key: &IdempotencyKey,
        claim: ClaimId,
    ) -> Self {
        Self {
            claim: Some((idempotency.clone(), scope.clone(), key.clone(), claim)),
        }
    }

    /// The call settled the key itself (kept its answer or freed it).
    pub(super) fn settled(mut self) {
        self.claim = None;
    }
}

impl<R: IdempotencyRecords + Clone> Drop for Unsettled<R> {
    fn drop(&mut self) {
        let Some((idempotency, scope, key, claim)) = self.claim.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        // Outside the call, whose deadline is spent: the database gives the release until
        // the lease ends, when the key would be free anyway. Should the call have committed
        // its write just before it was dropped, the retry runs it again; but so it would
        // once the lease ended, and meanwhile every retry would be refused.
        let until = Instant::now() + idempotency.rules().lease;
        runtime.spawn(roster_domain::deadline::within(until, async move {
            if let Err(e) = idempotency.release(&scope, &key, claim).await {
                tracing::warn!(error = ?e, "Cannot free the idempotency key of a dropped call.");
            }
        }));
    }
}
