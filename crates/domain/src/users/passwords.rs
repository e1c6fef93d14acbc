//! The ports of password work: hashing, and the count of guesses that limits it.

use crate::values::{Password, PasswordHash};
use crate::{StorageError, TenantId, Timestamp, TryLater};
use std::future::Future;
use std::time::Duration;

/// Why a password was not hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// No hashing slot came free in time (or the tenant has too many hashes waiting).
    #[error(transparent)]
    TryLater(#[from] TryLater),
    #[error(transparent)]
    Failed(#[from] StorageError),
}

/// Password hashing. Implementations keep the work off the async workers, bound how long a
/// request waits for it, and share it fairly between tenants (`tenant` is whose work it is).
pub trait PasswordHasher: Send + Sync + 'static {
    fn hash(
        &self,
        tenant: TenantId,
        password: Password,
    ) -> impl Future<Output = Result<PasswordHash, HashError>> + Send;

    /// Whether `candidate` matches `hash`. With no hash it still spends the time of one check
    /// and answers false, so that timing does not tell which users have a password.
    fn verify(
        &self,
        tenant: TenantId,
        candidate: String,
        hash: Option<PasswordHash>,
    ) -> impl Future<Output = Result<bool, HashError>> + Send;
}

/// Password guesses per user in fixed windows, kept where every replica sees them (the
/// database), so that the limit holds however many user services and gateways run.
pub trait PasswordGuesses: Send + Sync + 'static {
    /// Records one guess at the password of the user `number` at `now` and returns the
    /// guesses of the current window, this one included. A window begins with the first guess
    /// after the previous one ended and lasts `window`. Concurrent guesses are all counted.
    fn count_guess(
        &self,
        number: i64,
        now: Timestamp,
        window: Duration,
    ) -> impl Future<Output = Result<GuessCount, StorageError>> + Send;

    /// Forgets the user's guesses (a right password ends the window).
    fn clear_guesses(&self, number: i64) -> impl Future<Output = Result<(), StorageError>> + Send;
}

/// The guesses of one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuessCount {
    pub guesses: u32,
    pub window_start: Timestamp,
}
