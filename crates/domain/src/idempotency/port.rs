//! The port of the idempotency key store.

use super::{ClaimId, Fingerprint, IdempotencyKey, IdempotencyScope};
use crate::{StorageError, Timestamp};
use std::future::Future;

/// A claim to record.
#[derive(Debug, Clone)]
pub struct NewClaim<'a> {
    pub scope: &'a IdempotencyScope,
    pub key: &'a IdempotencyKey,
    pub fingerprint: Fingerprint,
    pub claim: ClaimId,
    pub now: Timestamp,
    /// When the claim stops holding the key if it is neither completed nor released (its
    /// request died with its process).
    pub lease_until: Timestamp,
}

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// The key is now the new claim's: it was free, or what held it had expired.
    Claimed,
    /// Another claim holds the key.
    Running { fingerprint: Fingerprint },
    /// The key has an answer.
    Answered {
        fingerprint: Fingerprint,
        answer: Vec<u8>,
    },
}

/// Keys with their claims and answers, shared by every replica.
pub trait IdempotencyRecords: Send + Sync + 'static {
    /// Claims the key for `claim`, unless a claim whose lease has not ended or an answer that
    /// has not expired holds it (an expired one is taken over: it never blocks anything).
    ///
    /// # Errors
    /// MUST be first-wins under concurrency, also between processes: of several claims of a
    /// free key made at once, exactly one gets [`KeyState::Claimed`] (an insert that fails
    /// on the unique key, never a read followed by a write).
    fn claim_key(
        &self,
        claim: &NewClaim<'_>,
    ) -> impl Future<Output = Result<KeyState, StorageError>> + Send;

    /// Stores `answer` for the key, kept until `expires`, if `claim` still holds it; false
    /// when it no longer does (its lease ended and another claim took the key).
    fn complete_key(
        &self,
        scope: &IdempotencyScope,
        key: &IdempotencyKey,
        claim: ClaimId,
        answer: &[u8],
        expires: Timestamp,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// Frees the key if `claim` still holds it without an answer; false otherwise.
    fn release_key(
        &self,
        scope: &IdempotencyScope,
        key: &IdempotencyKey,
        claim: ClaimId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// Deletes at most `limit` keys whose claim or answer expired before `now`; returns how
    /// many.
    fn prune_keys(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> impl Future<Output = Result<u64, StorageError>> + Send;
}
