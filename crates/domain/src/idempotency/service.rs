//! Claiming, completing and releasing keys.

use super::port::{IdempotencyRecords, KeyState, NewClaim};
use super::{ClaimId, Fingerprint, IdempotencyKey, IdempotencyScope};
use crate::{Clock, StorageError};
use std::sync::Arc;
use std::time::Duration;

/// How long things last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdempotencyRules {
    /// How long an answer is kept, from when it was stored.
    pub ttl: Duration,
    /// How long a claim holds its key without an answer. A request that outlives it may be
    /// run a second time by a retry, so it must be longer than any request takes: twice the
    /// longest deadline is the usual choice.
    pub lease: Duration,
}

impl Default for IdempotencyRules {
    fn default() -> Self {
        Self {
            ttl: Duration::from_hours(24),
            lease: Duration::from_mins(2),
        }
    }
}

/// What the caller does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Run the request, then complete or release the claim.
    Run(ClaimId),
    /// Answer with what the first request answered.
    Replay(Vec<u8>),
}

#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// The key was used for another request.
    #[error("this key was used for another request")]
    Reused,
    /// The first request with the key still runs.
    #[error("a request with this key is still running")]
    InUse,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The idempotency use cases. No policy action guards them: a caller only ever reaches its
/// own scope, which the adapter derives from its principal.
#[derive(Debug, Clone)]
pub struct Idempotency<R> {
    repo: R,
    clock: Arc<dyn Clock>,
    rules: IdempotencyRules,
}

impl<R: IdempotencyRecords> Idempotency<R> {
    pub fn new(repo: R, clock: Arc<dyn Clock>, rules: IdempotencyRules) -> Self {
        Self { repo, clock, rules }
    }

    pub fn rules(&self) -> IdempotencyRules {
        self.rules
    }

    /// Claims `key` of `scope` for the request `fingerprint` names.
    ///
    /// # Errors
    /// `Reused` when the key holds (or held) another request, `InUse` while the same
    /// request runs under another claim.
    pub async fn claim(
        &self,
        scope: &IdempotencyScope,
        key: &IdempotencyKey,
        fingerprint: Fingerprint,
    ) -> Result<Claim, ClaimError> {
        let now = self.clock.now();
        let claim = ClaimId::generate();
        let state = self
            .repo
            .claim_key(&NewClaim {
                scope,
                key,
                fingerprint,
                claim,
                now,
                lease_until: now.plus(self.rules.lease),
            })
            .await?;
        match state {
            KeyState::Claimed => Ok(Claim::Run(claim)),
            KeyState::Running { fingerprint: f } | KeyState::Answered { fingerprint: f, .. }
                if f != fingerprint =>
            {
                Err(ClaimError::Reused)
            }
            KeyState::Running { .. } => Err(ClaimError::InUse),
            KeyState::Answered { answer, .. } => Ok(Claim::Replay(answer)),
        }
    }

    /// Keeps `answer` for [`IdempotencyRules::ttl`]; false when `claim` lost the key (its
    /// lease ended first), and then nothing is kept.
    pub async fn complete(
        &self,
        scope: &IdempotencyScope,
        key: &IdempotencyKey,
        claim: ClaimId,
        answer: &[u8],
    ) -> Result<bool, StorageError> {
        let expires = self.clock.now().plus(self.rules.ttl);
        self.repo
            .complete_key(scope, key, claim, answer, expires)
            .await
    }

    /// Frees the key for a retry; false when `claim` no longer held it.
    pub async fn release(
        &self,
        scope: &IdempotencyScope,
        key: &IdempotencyKey,
        claim: ClaimId,
    ) -> Result<bool, StorageError> {
        self.repo.release_key(scope, key, claim).await
    }

    /// Deletes up to `limit` expired keys; returns how many.
    pub async fn prune(&self, limit: u32) -> Result<u64, StorageError> {
        self.repo.prune_keys(self.clock.now(), limit).await
    }
}
