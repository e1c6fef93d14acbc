//! argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), on the blocking pool with
//! bounded concurrency: the async workers never hash, and at most `permits` hashes run at once,
//! so a burst of sign-ups queues instead of exhausting memory.

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use roster_domain::StorageError;
use roster_domain::ports::PasswordHasher;
use roster_domain::values::{Password, PasswordHash};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// A PHC hash of a random password, checked when a user has none so that the answer takes
/// the same time.
const DUMMY_PHC: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9JrGpvYWYSCl3Y4+3v7KbjbNzhK7NdDtiUKfKUM3CGE";

#[derive(Debug, Clone)]
pub struct Argon2Hasher {
    permits: Arc<Semaphore>,
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
struct HashFailed(String);

fn argon2() -> Argon2<'static> {
    #[allow(clippy::expect_used)]
    let params = Params::new(19_456, 2, 1, None).expect("OWASP parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl Argon2Hasher {
    /// At most `concurrency` hashes at once (the number of cores is a good value).
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    /// Hashes waiting for a permit right now.
    pub fn available_permits(&self) -> usize {
        self.permits.available_permits()
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, StorageError> {
        let _permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| StorageError::new(HashFailed(e.to_string())))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| StorageError::new(HashFailed(e.to_string())))
    }
}

/// The raw hash, for benchmarks comparing the service against argon2 alone.
pub fn hash_once(password: &str) -> Result<String, String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: Password) -> Result<PasswordHash, StorageError> {
        let phc = self
            .run(move || hash_once(password.expose()))
            .await?
            .map_err(|e| StorageError::new(HashFailed(e)))?;
        Ok(PasswordHash::from_phc(phc))
    }

    async fn verify(
        &self,
        candidate: String,
        hash: Option<PasswordHash>,
    ) -> Result<bool, StorageError> {
        let has_hash = hash.is_some();
        let phc = hash.map_or_else(|| DUMMY_PHC.to_owned(), |h| h.as_str().to_owned());
        let ok = self
            .run(move || {
                argon2()
                    .verify_password(candidate.as_bytes(), phc.as_str())
                    .is_ok()
            })
            .await?;
        Ok(ok && has_hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_owasp_argon2id_and_verify() {
        let h = Argon2Hasher::new(2);
        let hash = h
            .hash(Password::parse("s3cret-Passw0rd").unwrap())
            .await
            .unwrap();
        assert!(
            hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            hash.as_str()
        );
        assert!(
            h.verify("s3cret-Passw0rd".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!h.verify("wrong-password".into(), Some(hash)).await.unwrap());
        assert!(!h.verify("anything".into(), None).await.unwrap());
    }

    #[test]
    fn the_dummy_hash_parses() {
        assert!(argon2().verify_password(b"x", DUMMY_PHC).is_err());
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_PHC).is_ok());
    }
}
