//! argon2id with OWASP's parameters (m = 19456 KiB, t = 2, p = 1), on a bounded pool of
//! hashing threads: the async workers never hash, and at most `threads` hashes run at once, so
//! a burst of sign-ups queues instead of exhausting CPU and memory. The queue is fair between
//! tenants (one queue each, served round-robin) and bounded (per tenant, and in time: a
//! request that waits too long is refused with `TryLater`), so that one tenant's flood of
//! password writes cannot stall another tenant's sign-ins.
//!
//! Each thread owns one 19 MiB working area, reused hash after hash. Allocating it afresh per
//! hash costs page faults on every call and, with glibc, leaves freed areas cached per thread
//! (hundreds of MiB under load); a fixed set keeps memory at `threads` x 19 MiB.

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash as Phc, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use roster_domain::ports::{HashError, PasswordHasher};
use roster_domain::values::{Password, PasswordHash};
use roster_domain::{StorageError, TenantId, TryLater};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq as _;
use tokio::sync::oneshot;
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

/// How the hashing threads are shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashLimits {
    /// Hashing threads (the number of cores is a good value).
    pub threads: usize,
    /// Longest a request waits for a thread; past it the request is refused with
    /// [`TryLater`] (a hash that has started always finishes).
    pub max_wait: Duration,
    /// Most requests one tenant may have waiting; more are refused at once.
    pub max_queued_per_tenant: usize,
}

impl HashLimits {
    /// `threads` threads, a wait of 3 s, 256 waiting requests per tenant.
    pub fn new(threads: usize) -> Self {
        Self {
            threads,
            max_wait: Duration::from_secs(3),
            max_queued_per_tenant: 256,
        }
    }
}

/// How long a refused client is told to wait (`RetryInfo`, `Retry-After`).
pub(crate) const RETRY_AFTER: Duration = Duration::from_secs(1);

/// One unit of work for the hashing threads: runs with the thread's working area unless the
/// request behind it is gone (then it answers false and nothing is computed).
struct Job {
    id: u64,
    op: &'static str,
    run: Box<dyn FnOnce(&mut Argon2Memory) -> bool + Send>,
}

/// The waiting jobs: one queue per tenant, served round-robin, so that a tenant's backlog
/// delays another tenant's job by at most one job per busy tenant (plus the ones running).
#[derive(Default)]
struct Queues {
    /// Each tenant's waiting jobs, oldest first; a tenant is here only while it has some.
    by_tenant: HashMap<TenantId, VecDeque<Job>>,
    /// The tenants with waiting jobs, each once, in the order they are served next.
    turn: VecDeque<TenantId>,
    waiting: usize,
    next_id: u64,
    /// Set when the last handle is dropped: the threads end.
    closed: bool,
}

/// Why a job was not queued.
struct Full;

impl Queues {
    fn push(
        &mut self,
        tenant: TenantId,
        op: &'static str,
        run: Box<dyn FnOnce(&mut Argon2Memory) -> bool + Send>,
        max_per_tenant: usize,
    ) -> Result<u64, Full> {
        let queue = self.by_tenant.entry(tenant).or_default();
        if queue.len() >= max_per_tenant {
            if queue.is_empty() {
                self.by_tenant.remove(&tenant);
            }
            return Err(Full);
        }
        let id = self.next_id;
        self.next_id += 1;
        if queue.is_empty() {
            self.turn.push_back(tenant);
        }
        queue.push_back(Job { id, op, run });
        self.waiting += 1;
        Ok(id)
    }

    /// The next job: the oldest of the tenant whose turn it is; that tenant then goes to the
    /// back of the line if it has more.
    fn pop(&mut self) -> Option<Job> {
        let tenant = self.turn.pop_front()?;
        let queue = self.by_tenant.get_mut(&tenant)?;
        let job = queue.pop_front();
        if queue.is_empty() {
            self.by_tenant.remove(&tenant);
        } else {
            self.turn.push_back(tenant);
        }
        if job.is_some() {
            self.waiting -= 1;
        }
        job
    }

    /// Takes back a job that has not started; false when a thread already took it.
    fn cancel(&mut self, tenant: TenantId, id: u64) -> bool {
        let Some(queue) = self.by_tenant.get_mut(&tenant) else {
            return false;
        };
        let Some(at) = queue.iter().position(|j| j.id == id) else {
            return false;
        };
        queue.remove(at);
        self.waiting -= 1;
        if queue.is_empty() {
            self.by_tenant.remove(&tenant);
            self.turn.retain(|t| *t != tenant);
        }
        true
    }
}

struct Shared {
    queues: Mutex<Queues>,
    ready: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queues> {
        self.queues
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Ends the threads when the last [`Argon2Hasher`] handle goes.
struct Pool {
    shared: Arc<Shared>,
    limits: HashLimits,
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.ready.notify_all();
    }
}

/// A fixed set of hashing threads fed by per-tenant queues (see [`Queues`]), with a bounded
/// wait: a request that gets no thread within `max_wait`, or whose tenant already has
/// `max_queued_per_tenant` waiting, is refused with [`TryLater`] rather than left hanging.
///
/// Why dedicated threads rather than `spawn_blocking` behind a semaphore: when hashing keeps
/// every core busy, each hand-over from one hash to the next through the async runtime waits
/// for the scheduler to run a runtime worker, and the cores sit idle in between (12 % of the
/// time in `make bench`). A hashing thread instead takes its next job straight from the queue.
#[derive(Clone)]
pub struct Argon2Hasher {
    pool: Arc<Pool>,
}

impl std::fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Argon2Hasher")
            .field("limits", &self.pool.limits)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
struct HashFailed(String);

fn failed(e: impl std::fmt::Display) -> HashError {
    HashError::Failed(StorageError::new(HashFailed(e.to_string())))
}

fn report_depth(waiting: usize) {
    metrics::gauge!("roster_argon2_queue_depth")
        .set(f64::from(u32::try_from(waiting).unwrap_or(u32::MAX)));
}

fn refused(reason: &'static str) -> HashError {
    metrics::counter!("roster_argon2_refused_total", "reason" => reason).increment(1);
    HashError::TryLater(TryLater {
        retry_after: RETRY_AFTER,
    })
}

fn work(shared: &Shared) {
    // Allocated on the first job, so an idle service does not hold it.
    let mut area: Option<Argon2Memory> = None;
    loop {
        let job = {
            let mut q = shared.lock();
            loop {
                if let Some(job) = q.pop() {
                    report_depth(q.waiting);
                    break job;
                }
                if q.closed {
                    return;
                }
                q = shared
                    .ready
                    .wait(q)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        let memory = area.get_or_insert_with(Argon2Memory::new);
        let start = Instant::now();
        if (job.run)(memory) {
            metrics::histogram!("roster_argon2_duration_seconds", "op" => job.op)
                .record(start.elapsed().as_secs_f64());
        }
    }
}

impl Argon2Hasher {
    /// `limits.threads` hashing threads, each with its own working area. The threads end
    /// when the last handle is dropped.
    pub fn new(limits: HashLimits) -> Self {
        let shared = Arc::new(Shared {
            queues: Mutex::new(Queues::default()),
            ready: Condvar::new(),
        });
        for i in 0..limits.threads.max(1) {
            let shared = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || work(&shared));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "Cannot start a hashing thread.");
            }
        }
        Self {
            pool: Arc::new(Pool { shared, limits }),
        }
    }

    /// Jobs waiting for a hashing thread, every tenant's.
    pub fn queue_depth(&self) -> usize {
        self.pool.shared.lock().waiting
    }

    /// Runs `f` on a hashing thread for `tenant`, waiting at most `max_wait` for one.
    async fn run<T: Send + 'static>(
        &self,
        tenant: TenantId,
        op: &'static str,
        max_wait: Duration,
        f: impl FnOnce(&mut Argon2Memory) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (tx, mut rx) = oneshot::channel();
        let job = Box::new(move |m: &mut Argon2Memory| {
            // The request was cancelled while it waited: spend nothing on it.
            if tx.is_closed() {
                return false;
            }
            let _ = tx.send(f(m));
            true
        });
        let shared = &self.pool.shared;
        let id = {
            let mut q = shared.lock();
            let pushed = q.push(tenant, op, job, self.pool.limits.max_queued_per_tenant);
            report_depth(q.waiting);
            pushed
        };
        let Ok(id) = id else {
            return Err(refused("tenant_queue_full"));
        };
        shared.ready.notify_one();
        if let Ok(done) = tokio::time::timeout(max_wait, &mut rx).await {
            return done.map_err(failed);
        }
        let cancelled = {
            let mut q = shared.lock();
            let cancelled = q.cancel(tenant, id);
            report_depth(q.waiting);
            cancelled
        };
        if cancelled {
            return Err(refused("max_wait"));
        }
        // A thread took it just now: it finishes within one hash.
        rx.await.map_err(failed)
    }
}

impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, tenant: TenantId, password: Password) -> Result<PasswordHash, HashError> {
        // The span covers the wait in the queue and the hash itself.
        async {
            let max_wait = self.pool.limits.max_wait;
            let phc = self
                .run(tenant, "hash", max_wait, move |m| {
                    m.hash(password.expose()).map_err(|e| e.to_string())
                })
                .await?
                .map_err(failed)?;
            Ok(PasswordHash::from_phc(phc))
        }
        .instrument(tracing::info_span!("argon2.hash"))
        .await
    }

    async fn verify(
        &self,
        tenant: TenantId,
        candidate: String,
        hash: Option<PasswordHash>,
    ) -> Result<bool, HashError> {
        let has_hash = hash.is_some();
        let phc = hash.map_or_else(|| DUMMY_PHC.to_owned(), |h| h.as_str().to_owned());
        async {
            let max_wait = self.pool.limits.max_wait;
            let ok = self
                .run(tenant, "verify", max_wait, move |m| {
                    m.verify(&candidate, &phc)
                })
                .await?;
            Ok(ok && has_hash)
        }
        .instrument(tracing::info_span!("argon2.verify"))
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    fn tenant() -> TenantId {
        TenantId::generate()
    }

    #[tokio::test]
    async fn hashes_are_owasp_argon2id_and_verify() {
        let h = Argon2Hasher::new(HashLimits::new(2));
        let t = tenant();
        let hash = h
            .hash(t, Password::parse("s3cret-Passw0rd").unwrap())
            .await
            .unwrap();
        assert!(
            hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            hash.as_str()
        );
        assert!(
            h.verify(t, "s3cret-Passw0rd".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !h.verify(t, "wrong-password".into(), Some(hash))
                .await
                .unwrap()
        );
        assert!(!h.verify(t, "anything".into(), None).await.unwrap());
    }

    /// A pool whose only thread is held by a job of `holder` until the returned sender
    /// releases it (or is dropped).
    async fn held_pool(
        limits: HashLimits,
        holder: TenantId,
    ) -> (
        Argon2Hasher,
        std::sync::mpsc::Sender<()>,
        tokio::task::JoinHandle<()>,
    ) {
        let h = Argon2Hasher::new(HashLimits {
            threads: 1,
            ..limits
        });
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let (started_tx, started) = oneshot::channel();
        let pool = h.clone();
        let held = tokio::spawn(async move {
            pool.run(holder, "hold", Duration::from_mins(10), move |_| {
                let _ = started_tx.send(());
                let _ = gate.recv();
            })
            .await
            .expect("the holding job runs");
        });
        started.await.expect("the thread is held");
        (h, release, held)
    }

    /// Waits (without a deadline: the held thread cannot drain the queue) until `n` jobs wait.
    async fn until_waiting(h: &Argon2Hasher, n: usize) {
        while h.queue_depth() < n {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn a_flooding_tenant_delays_another_tenants_job_by_one_job_per_busy_tenant() {
        // Arrange: one thread, held; two tenants flood 20 jobs each, then a third asks once.
        let (flood_a, flood_c, single) = (tenant(), tenant(), tenant());
        let limits = HashLimits {
            max_wait: Duration::from_mins(10),
            ..HashLimits::new(1)
        };
        let (h, release, held) = held_pool(limits, flood_a).await;
        let done = Arc::new(Mutex::new(Vec::new()));
        let mut jobs = Vec::new();
        let mut submit = |t: TenantId, name: &'static str| {
            let (h, done) = (h.clone(), Arc::clone(&done));
            jobs.push(tokio::spawn(async move {
                h.run(t, "test", Duration::from_mins(10), move |_| {
                    done.lock().unwrap().push(name);
                })
                .await
                .expect("every job runs");
            }));
        };
        for _ in 0..20 {
            submit(flood_a, "a");
            submit(flood_c, "c");
        }
        until_waiting(&h, 40).await;
        submit(single, "single");
        until_waiting(&h, 41).await;

        // Act
        release.send(()).unwrap();
        held.await.unwrap();
        for j in jobs {
            j.await.unwrap();
        }

        // Assert: by completion order, not time: at most one job of each busy tenant first.
        let order = done.lock().unwrap().clone();
        assert_eq!(order.len(), 41);
        let at = order.iter().position(|n| *n == "single").unwrap();
        assert!(at <= 2, "the single job finished {}th: {order:?}", at + 1);
        // And the two floods share the thread in turns.
        assert!(
            order[..10].contains(&"a") && order[..10].contains(&"c"),
            "{order:?}"
        );
    }

    #[tokio::test]
    async fn a_job_that_gets_no_thread_in_time_is_refused_and_leaves_the_queue() {
        // Arrange: one thread, kept busy by another tenant.
        let (busy, other) = (tenant(), tenant());
        let (h, release, held) = held_pool(HashLimits::new(1), busy).await;

        // Act: a job that may wait a millisecond.
        let r = h.run(other, "test", Duration::from_millis(1), |_| ()).await;

        // Assert: refused with a retry delay, not hung, and no longer waiting.
        match r {
            Err(HashError::TryLater(t)) => assert_eq!(t.retry_after, RETRY_AFTER),
            other => panic!("expected TryLater, got {other:?}"),
        }
        assert_eq!(h.queue_depth(), 0);
        release.send(()).unwrap();
        held.await.unwrap();
        // The pool still works once the thread is free.
        assert!(
            h.run(other, "test", Duration::from_mins(1), |_| 7)
                .await
                .unwrap()
                == 7
        );
    }

    #[tokio::test]
    async fn a_tenant_past_its_queue_bound_is_refused_at_once_and_others_are_not() {
        let (flood, other) = (tenant(), tenant());
        let limits = HashLimits {
            max_queued_per_tenant: 3,
            ..HashLimits::new(1)
        };
        let (h, release, held) = held_pool(limits, flood).await;
        let queued: Vec<_> = (0..3)
            .map(|_| {
                let h = h.clone();
                tokio::spawn(
                    async move { h.run(flood, "test", Duration::from_mins(10), |_| ()).await },
                )
            })
            .collect();
        until_waiting(&h, 3).await;

        let r = h.run(flood, "test", Duration::from_mins(10), |_| ()).await;
        assert!(matches!(r, Err(HashError::TryLater(_))), "{r:?}");
        let h2 = h.clone();
        let others =
            tokio::spawn(
                async move { h2.run(other, "test", Duration::from_mins(10), |_| ()).await },
            );
        until_waiting(&h, 4).await;

        release.send(()).unwrap();
        held.await.unwrap();
        for q in queued {
            q.await.unwrap().unwrap();
        }
        others.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn a_cancelled_request_is_not_computed() {
        let (busy, t) = (tenant(), tenant());
        let (h, release, held) = held_pool(HashLimits::new(1), busy).await;
        let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let h2 = h.clone();
        let waiting = tokio::spawn(async move {
            h2.run(t, "test", Duration::from_mins(10), move |_| {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
            })
            .await
        });
        until_waiting(&h, 1).await;
        waiting.abort();
        let _ = waiting.await;
        release.send(()).unwrap();
        held.await.unwrap();
        // A later job runs after the abandoned one was taken off the queue.
        h.run(t, "test", Duration::from_mins(1), |_| ())
            .await
            .unwrap();
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
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
