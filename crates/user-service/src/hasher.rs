//! argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), on a bounded pool of
//! hashing threads: the async workers never hash, and at most `threads` hashes run at once, so
//! a burst of sign-ups queues instead of exhausting CPU and memory.
//!
//! Each thread owns one 19 MiB working area, reused hash after hash. Allocating it afresh per
//! hash costs page faults on every call and, with glibc, leaves freed areas cached per thread
//! (hundreds of MiB under load); a fixed set keeps memory at `threads` x 19 MiB.

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash as Phc, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use roster_domain::StorageError;
use roster_domain::ports::PasswordHasher;
use roster_domain::values::{Password, PasswordHash};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use subtle::ConstantTimeEq as _;
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument as _;

/// The PHC string of a random password, checked when a user has none so that the answer
/// takes the same time.
const DUMMY_PHC: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9JrGpvYWYSCl3Y4+3v7KbjbNzhK7NdDtiUKfKUM3CGE";

fn params() -> Params {
    Params::DEFAULT
}

/// One reusable argon2id working area, sized for the service's parameters.
#[derive(Debug)]
pub struct Argon2Memory {
    blocks: Vec<Block>,
}

impl Default for Argon2Memory {
    fn default() -> Self {
        Self::new()
    }
}

impl Argon2Memory {
    pub fn new() -> Self {
        Self {
            blocks: vec![Block::default(); params().block_count()],
        }
    }

    /// A new PHC string for `password` with a random salt.
    pub fn hash(&mut self, password: &str) -> Result<String, argon2::password_hash::Error> {
        let salt = argon2::password_hash::generate_salt();
        let p = params();
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, p.clone())
            .hash_password_into_with_memory(
                password.as_bytes(),
                &salt,
                &mut out,
                &mut self.blocks,
            )?;
        let phc = Phc {
            algorithm: argon2::ARGON2ID_IDENT,
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&p)?,
            salt: Some(Salt::new(&salt)?),
            hash: Some(Output::new(&out)?),
        };
        Ok(phc.to_string())
    }

    /// Whether `password` matches the PHC string `phc`, compared in constant time. Hashes
    /// made with other parameters are checked too (with a working area of their own size).
    pub fn verify(&mut self, password: &str, phc: &str) -> bool {
        let Ok(parsed) = Phc::new(phc) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
            return false;
        };
        let Ok(p) = Params::try_from(&parsed) else {
            return false;
        };
        let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
            return false;
        };
        let version = parsed
            .version
            .and_then(|v| Version::try_from(v).ok())
            .unwrap_or_default();
        let mut out = vec![0u8; expected.len()];
        let argon = Argon2::new(algorithm, version, p.clone());
        let ok = if p.block_count() <= self.blocks.len() {
            argon.hash_password_into_with_memory(
                password.as_bytes(),
                salt,
                &mut out,
                &mut self.blocks[..p.block_count()],
            )
        } else {
            argon.hash_password_into(password.as_bytes(), salt, &mut out)
        };
        ok.is_ok() && bool::from(out.as_slice().ct_eq(expected.as_ref()))
    }
}

/// One unit of work for the hashing threads.
enum Job {
    Hash(Password, oneshot::Sender<Result<String, String>>),
    Verify(String, String, oneshot::Sender<bool>),
}

/// A fixed set of hashing threads fed by a bounded queue.
///
/// Why dedicated threads rather than `spawn_blocking` behind a semaphore: when hashing keeps
/// every core busy, each hand-over from one hash to the next through the async runtime waits
/// for the scheduler to run a runtime worker, and the cores sit idle in between (12 % of the
/// time in `make bench`). A hashing thread instead takes its next job straight from the queue.
#[derive(Debug, Clone)]
pub struct Argon2Hasher {
    jobs: mpsc::Sender<Job>,
    queued: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Job::Hash(..) => "Job::Hash",
            Job::Verify(..) => "Job::Verify",
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
struct HashFailed(String);

fn failed(e: impl std::fmt::Display) -> StorageError {
    StorageError::new(HashFailed(e.to_string()))
}

fn report_depth(waiting: usize) {
    metrics::gauge!("roster_argon2_queue_depth")
        .set(f64::from(u32::try_from(waiting).unwrap_or(u32::MAX)));
}

/// Jobs that may wait before senders are held back.
const QUEUE: usize = 1024;

impl Argon2Hasher {
    /// `threads` hashing threads, each with its own working area (the number of cores is a
    /// good value). The threads end when the last handle is dropped.
    pub fn new(threads: usize) -> Self {
        let (tx, rx) = mpsc::channel::<Job>(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        let queued = Arc::new(AtomicUsize::new(0));
        for i in 0..threads.max(1) {
            let rx = Arc::clone(&rx);
            let queued = Arc::clone(&queued);
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    // Allocated on the first job, so an idle service does not hold it.
                    let mut area: Option<Argon2Memory> = None;
                    loop {
                        // Only one idle thread waits on the queue at a time; busy ones do not hold it.
                        let job = rx
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .blocking_recv();
                        let Some(job) = job else { return };
                        let waiting = queued.fetch_sub(1, Ordering::Relaxed).saturating_sub(1);
                        report_depth(waiting);
                        let memory = area.get_or_insert_with(Argon2Memory::new);
                        let start = Instant::now();
                        let op = match job {
                            Job::Hash(pw, reply) => {
                                let _ =
                                    reply.send(memory.hash(pw.expose()).map_err(|e| e.to_string()));
                                "hash"
                            }
                            Job::Verify(pw, phc, reply) => {
                                let _ = reply.send(memory.verify(&pw, &phc));
                                "verify"
                            }
                        };
                        metrics::histogram!("roster_argon2_duration_seconds", "op" => op)
                            .record(start.elapsed().as_secs_f64());
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "Cannot start a hashing thread.");
            }
        }
        Self { jobs: tx, queued }
    }

    /// Jobs waiting for a hashing thread.
    pub fn queue_depth(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    async fn submit(&self, job: Job) -> Result<(), StorageError> {
        let waiting = self.queued.fetch_add(1, Ordering::Relaxed) + 1;
        report_depth(waiting);
        self.jobs.send(job).await.map_err(|e| {
            self.queued.fetch_sub(1, Ordering::Relaxed);
            failed(e)
        })
    }
}

impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: Password) -> Result<PasswordHash, StorageError> {
        // The span covers the wait in the queue and the hash itself.
        async {
            let (tx, rx) = oneshot::channel();
            self.submit(Job::Hash(password, tx)).await?;
            let phc = rx.await.map_err(failed)?.map_err(failed)?;
            Ok(PasswordHash::from_phc(phc))
        }
        .instrument(tracing::info_span!("argon2.hash"))
        .await
    }

    async fn verify(
        &self,
        candidate: String,
        hash: Option<PasswordHash>,
    ) -> Result<bool, StorageError> {
        let has_hash = hash.is_some();
        let phc = hash.map_or_else(|| DUMMY_PHC.to_owned(), |h| h.as_str().to_owned());
        async {
            let (tx, rx) = oneshot::channel();
            self.submit(Job::Verify(candidate, phc, tx)).await?;
            Ok(rx.await.map_err(failed)? && has_hash)
        }
        .instrument(tracing::info_span!("argon2.verify"))
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

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
    fn pooled_hashes_agree_with_the_argon2_crate_both_ways() {
        let mut m = Argon2Memory::new();
        let ours = m.hash("pw-123456").unwrap();
        let lib = Argon2::default();
        assert!(lib.verify_password(b"pw-123456", ours.as_str()).is_ok());
        let theirs = lib.hash_password(b"pw-123456").unwrap().to_string();
        assert!(m.verify("pw-123456", &theirs));
        assert!(!m.verify("pw-1234567", &theirs));
        // Other parameters (a smaller area) verify too.
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).unwrap(),
        );
        let light = small.hash_password(b"x").unwrap().to_string();
        assert!(m.verify("x", &light));
        assert!(!m.verify("x", "not a phc string"));
        assert!(Phc::new(DUMMY_PHC).is_ok());
    }
}
