//! The checks the core makes on an HTTP Signature before and after its cryptography, so that
//! a caller of `AuthService.Authenticate` (the gateway, or anyone who reaches the gRPC port)
//! gets the same answer: the signed date is recent, the signature binds the request's method,
//! and a signature of a write is used once.
//!
//! The signing string is what the signer signed: lines `name: value` joined by `\n`
//! (`(request-target): post /acme/users`, `date: Wed, 25 Nov 2026 01:33:07 GMT`).
//!
//! - **Date**: the `x-date` line, else the `date` line, must be within
//!   [`SignaturePolicy::max_skew`] of the core's [`Clock`], in both directions (CloudAPI's
//!   300 s). A signing string without one is refused.
//! - **Method**: for anything but GET and HEAD the `(request-target)` line must be signed,
//!   and when it is, its method must be the request's. The legacy `request-line`
//!   pseudo-header is not accepted in its place.
//! - **Replay**: Ed25519 and RSA (PKCS#1 v1.5) signatures are deterministic and the date has a
//!   one-second resolution, so two identical GETs in the same second carry the same signature
//!   and are both legitimate; a write's signature, though, is accepted once: the first use is
//!   recorded (by [`UsedSignatures`], in the database, so that it holds across replicas) until
//!   the signature's date leaves the window, and a second use is refused.
//!
//! **Signatures that do not cover the request target** (old clients that sign only `date`,
//! accepted for writes only with [`SignaturePolicy::allow_date_only`]) bind neither the
//! method nor the path: the same signature authenticates any request made in that second.
//! Such a signature is therefore single-use whatever the method, GET included: otherwise a
//! date-only GET seen in a proxy log could be replayed as a DELETE within the window. An old
//! client then gets one request per key and second; one that signs `(request-target)` is not
//! limited. Without the setting a date-only signature is good for GET and HEAD only, where
//! replaying it can only read.
//!
//! A client that makes two writes to the same path within one second must sign something that
//! differs between them (a `digest` or `x-request-id` header, say): their signatures would
//! otherwise be equal, and the second is refused as a replay.

use crate::secrets::{SecretDigest, Secrets};
use crate::values::SshPublicKey;
use crate::{Clock, StorageError, TenantId, Timestamp};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

/// CloudAPI's (and http-signature's) largest allowed clock skew.
pub const MAX_SKEW: Duration = Duration::from_mins(5);

/// How strict the checks are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignaturePolicy {
    /// The largest difference between the signed date and the core's clock.
    pub max_skew: Duration,
    /// Accept writes whose signature does not cover `(request-target)` (old clients that
    /// sign only `date`). Such signatures are then single-use for every method.
    pub allow_date_only: bool,
}

impl Default for SignaturePolicy {
    fn default() -> Self {
        Self {
            max_skew: MAX_SKEW,
            allow_date_only: false,
        }
    }
}

/// Why a signature was refused before or after its cryptography.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The signed date is too far from the core's clock (either way).
    #[error("clock skew of {skew_secs}s was greater than {max_secs}s")]
    Expired { skew_secs: u64, max_secs: u64 },
    /// The signing string lacks a line the request needs signed: `date` (no `date` or
    /// `x-date` line, or one that is not an HTTP date) or `(request-target)`.
    #[error("{0} was not a signed header")]
    Incomplete(&'static str),
    /// The signed `(request-target)` names another method than the request's.
    #[error("the signature was made for another method")]
    MethodMismatch,
    /// The signature of a write was already used inside its window.
    #[error("the signature was already used")]
    Replayed,
}

/// The record of used signatures, kept where every replica of the core sees it.
pub trait UsedSignatures: Send + Sync + 'static {
    /// Records the first use of the signature with this digest in `tenant`, valid until
    /// `expires`, and says whether this was the first use: `false` when a record of it that
    /// has not expired at `now` exists already.
    ///
    /// # Errors
    /// MUST be first-wins under concurrency, also between processes: of several callers
    /// recording the same digest at once exactly one gets `true` (an insert that fails on a
    /// unique key, never a read followed by a write). Records that expired before `now` are
    /// forgotten (they never block a use) and may be purged on the way.
    fn use_signature(
        &self,
        tenant: TenantId,
        digest: &SecretDigest,
        expires: Timestamp,
        now: Timestamp,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
}

/// Checks request signatures made with SSH keys.
pub trait SignatureVerifier: Send + Sync + fmt::Debug + 'static {
    /// Whether `signature` over `message` was made with the private half of `key` using
    /// `algorithm` (`rsa-sha256`, `ecdsa-sha256`, `ed25519-sha512`, ...).
    fn verify(&self, key: &SshPublicKey, algorithm: &str, message: &[u8], signature: &[u8])
    -> bool;
}

/// What the checks before the cryptography found out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedSignature {
    /// Whether the signature may be used only once (a write, or a signature that does not
    /// bind the method).
    pub single_use: bool,
    /// When the signed date leaves the window: after this the signature is refused anyway.
    pub expires: Timestamp,
}

/// The checks, with the clock and the policy they use.
#[derive(Debug, Clone)]
pub struct SignatureChecks {
    policy: SignaturePolicy,
    clock: Arc<dyn Clock>,
}

fn is_read(method: &str) -> bool {
    method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD")
}

/// The value of the first line `name: value` of the signing string.
fn line<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message.split('\n').find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn micros_of(date: &str) -> Option<i64> {
    let at = httpdate::parse_http_date(date).ok()?;
    let since = at.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(since.as_micros()).ok()
}

impl SignatureChecks {
    pub fn new(policy: SignaturePolicy, clock: Arc<dyn Clock>) -> Self {
        Self { policy, clock }
    }

    pub fn policy(&self) -> SignaturePolicy {
        self.policy
    }

    /// The checks that need no key: the signed date against the clock, and the method.
    /// `method` is the request's HTTP method as the caller says it; empty when the caller
    /// does not say, and then the signed `(request-target)` decides (and without one the
    /// request counts as a write).
    pub fn check(&self, message: &[u8], method: &str) -> Result<CheckedSignature, SignatureError> {
        let message =
            std::str::from_utf8(message).map_err(|_| SignatureError::Incomplete("date"))?;
        let date = line(message, "x-date")
            .or_else(|| line(message, "date"))
            .and_then(micros_of)
            .ok_or(SignatureError::Incomplete("date"))?;
        let now = self.clock.now().as_micros();
        let skew_secs = now.abs_diff(date) / 1_000_000;
        let max_secs = self.policy.max_skew.as_secs();
        if skew_secs > max_secs {
            return Err(SignatureError::Expired {
                skew_secs,
                max_secs,
            });
        }
        // The record must last as long as the date is accepted: until `date + max_skew`,
        // plus the second that the whole-second comparison above lets through.
        let expires =
            Timestamp::from_micros(date).plus(self.policy.max_skew + Duration::from_secs(1));

        let claimed = Some(method.trim()).filter(|m| !m.is_empty());
        let signed = line(message, "(request-target)")
            .map(|target| target.split_whitespace().next().unwrap_or_default());
        let single_use = match (claimed, signed) {
            (Some(c), Some(s)) if !c.eq_ignore_ascii_case(s) => {
                return Err(SignatureError::MethodMismatch);
            }
            (_, Some(s)) => !is_read(claimed.unwrap_or(s)),
            // Only `date` (and other headers) signed: the method is not bound.
            (claimed, None) => {
                if self.policy.allow_date_only {
                    true
                } else if claimed.is_some_and(is_read) {
                    false
                } else {
                    return Err(SignatureError::Incomplete("(request-target)"));
                }
            }
        };
        Ok(CheckedSignature {
            single_use,
            expires,
        })
    }

    /// Records the use of a verified signature when it is single-use; `Replayed` when it was
    /// used before. The record is by the digest of the signature alone: a key id may name
    /// the same key in several ways (its name, its fingerprint, as the account's or a user's
    /// key), and the signature is the same whichever is given.
    pub async fn record<S: UsedSignatures>(
        &self,
        store: &S,
        secrets: &dyn Secrets,
        tenant: TenantId,
        signature: &[u8],
        checked: CheckedSignature,
    ) -> Result<Result<(), SignatureError>, StorageError> {
        if !checked.single_use {
            return Ok(Ok(()));
        }
        let text = signature
            .iter()
            .fold(String::from("signature:"), |mut out, b| {
                use std::fmt::Write as _;
                let _ = write!(out, "{b:02x}");
                out
            });
        let digest = secrets.digest(&text);
        let first = store
            .use_signature(tenant, &digest, checked.expires, self.clock.now())
            .await?;
        Ok(if first {
            Ok(())
        } else {
            Err(SignatureError::Replayed)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserId;
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicI64, Ordering};

    /// A clock the test moves by hand.
    #[derive(Debug, Default)]
    struct FakeClock(AtomicI64);

    impl FakeClock {
        fn at(secs: i64) -> Arc<Self> {
            Arc::new(Self(AtomicI64::new(secs * 1_000_000)))
        }
        fn set(&self, secs: i64) {
            self.0.store(secs * 1_000_000, Ordering::SeqCst);
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Timestamp {
            Timestamp::from_micros(self.0.load(Ordering::SeqCst))
        }
    }

    /// Used signatures in memory: (tenant, digest) -> expiry.
    #[derive(Debug, Default)]
    struct Memory(Mutex<HashMap<(TenantId, String), Timestamp>>);

    impl UsedSignatures for Memory {
        async fn use_signature(
            &self,
            tenant: TenantId,
            digest: &SecretDigest,
            expires: Timestamp,
            now: Timestamp,
        ) -> Result<bool, StorageError> {
            let mut m = self.0.lock().unwrap();
            m.retain(|_, e| *e >= now);
            Ok(m.insert((tenant, digest.as_str().to_owned()), expires)
                .is_none())
        }
    }

    /// Digests by identity, enough for the test.
    #[derive(Debug)]
    struct PlainSecrets;

    impl Secrets for PlainSecrets {
        fn generate(&self) -> String {
            String::new()
        }
        fn digest(&self, secret: &str) -> SecretDigest {
            SecretDigest::from_hex(secret.to_owned())
        }
        fn matches(&self, secret: &str, digest: &SecretDigest) -> bool {
            secret == digest.as_str()
        }
        fn user_secret(&self, _user: UserId) -> String {
            String::new()
        }
    }

    /// 2026-11-25T01:33:07Z, as CloudAPI's reference capture dates it.
    const T0: i64 = 1_795_570_387;
    const DATE: &str = "Wed, 25 Nov 2026 01:33:07 GMT";

    fn checks(clock: &Arc<FakeClock>, allow_date_only: bool) -> SignatureChecks {
        SignatureChecks::new(
            SignaturePolicy {
                max_skew: MAX_SKEW,
                allow_date_only,
            },
            Arc::clone(clock) as Arc<dyn Clock>,
        )
    }

    fn cli(method: &str, target: &str) -> String {
        format!(
            "(request-target): {} {target}\ndate: {DATE}",
            method.to_ascii_lowercase()
        )
    }

    /// Runs a future that never waits (the in-memory store's).
    fn ready<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match f.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("the in-memory store never waits"),
        }
    }

    /// Check, then record (as the use case does once the signature verified).
    fn admit(
        c: &SignatureChecks,
        store: &Memory,
        message: &str,
        method: &str,
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let checked = c.check(message.as_bytes(), method)?;
        ready(c.record(store, &PlainSecrets, tenant(), signature, checked)).unwrap()
    }

    fn tenant() -> TenantId {
        TenantId::from_uuid(uuid::Uuid::from_u128(7))
    }

    #[test]
    fn the_date_is_checked_against_the_core_clock_in_both_directions() {
        let clock = FakeClock::at(T0);
        let c = checks(&clock, false);
        let get = cli("GET", "/acme/users");
        for now in [T0, T0 + 300, T0 - 300, T0 + 1] {
            clock.set(now);
            assert!(c.check(get.as_bytes(), "GET").is_ok(), "{}", now - T0);
        }
        // A signature from a proxy log, ten minutes later, and one dated in the future.
        for (now, skew) in [(T0 + 600, 600), (T0 + 301, 301), (T0 - 400, 400)] {
            clock.set(now);
            assert_eq!(
                c.check(get.as_bytes(), "GET"),
                Err(SignatureError::Expired {
                    skew_secs: skew,
                    max_secs: 300
                })
            );
        }
        assert_eq!(
            SignatureError::Expired {
                skew_secs: 600,
                max_secs: 300
            }
            .to_string(),
            "clock skew of 600s was greater than 300s"
        );
    }

    #[test]
    fn x_date_is_preferred_and_a_missing_or_bad_date_is_refused() {
        let clock = FakeClock::at(T0);
        let c = checks(&clock, false);
        let with_x =
            format!("(request-target): get /\ndate: Mon, 01 Jan 2024 00:00:00 GMT\nx-date: {DATE}");
        assert!(c.check(with_x.as_bytes(), "GET").is_ok());
        for message in [
            "(request-target): get /acme/users".to_owned(),
            "(request-target): get /\ndate: yesterday".to_owned(),
            String::new(),
            format!("(request-target): get /\nx-date-ish: {DATE}"),
        ] {
            assert_eq!(
                c.check(message.as_bytes(), "GET"),
                Err(SignatureError::Incomplete("date")),
                "{message:?}"
            );
        }
        assert_eq!(
            c.check(b"date: \xff", "GET"),
            Err(SignatureError::Incomplete("date"))
        );
    }

    #[test]
    fn writes_need_the_request_target_signed_and_with_their_method() {
        let clock = FakeClock::at(T0);
        let c = checks(&clock, false);
        let date_only = format!("date: {DATE}");
        for method in ["POST", "DELETE", "PUT", "PATCH", ""] {
            assert_eq!(
                c.check(date_only.as_bytes(), method),
                Err(SignatureError::Incomplete("(request-target)")),
                "{method}"
            );
        }
        // Reads may sign only the date; that signature cannot be used for a write.
        for method in ["GET", "head"] {
            let checked = c.check(date_only.as_bytes(), method).unwrap();
            assert!(!checked.single_use);
        }
        let post = cli("POST", "/acme/users");
        let checked = c.check(post.as_bytes(), "POST").unwrap();
        assert!(checked.single_use);
        assert_eq!(checked.expires.seconds(), T0 + 301);
        assert_eq!(
            c.check(post.as_bytes(), "DELETE"),
            Err(SignatureError::MethodMismatch)
        );
        assert_eq!(
            c.check(cli("GET", "/acme/users").as_bytes(), "POST"),
            Err(SignatureError::MethodMismatch)
        );
        // Without a method from the caller the signed one decides.
        assert!(c.check(post.as_bytes(), "").unwrap().single_use);
        assert!(!c.check(cli("GET", "/x").as_bytes(), "").unwrap().single_use);
        assert!(c.check(post.as_bytes(), "post").is_ok(), "case is ignored");
    }

    #[test]
    fn a_write_signature_is_used_once_but_identical_gets_all_pass() {
        let clock = FakeClock::at(T0);
        let c = checks(&clock, false);
        let store = Memory::default();
        let post = cli("POST", "/acme/users");
        assert_eq!(admit(&c, &store, &post, "POST", b"sig-post"), Ok(()));
        assert_eq!(
            admit(&c, &store, &post, "POST", b"sig-post"),
            Err(SignatureError::Replayed)
        );
        clock.set(T0 + 200);
        assert_eq!(
            admit(&c, &store, &post, "POST", b"sig-post"),
            Err(SignatureError::Replayed),
            "still inside the window"
        );
        assert_eq!(
            admit(&c, &store, &post, "POST", b"another-sig"),
            Ok(()),
            "another signature is another request"
        );
        // Two identical GETs in the same second, and more.
        clock.set(T0);
        let get = cli("GET", "/acme/users");
        for _ in 0..3 {
            assert_eq!(admit(&c, &store, &get, "GET", b"sig-get"), Ok(()));
            assert_eq!(
                admit(&c, &store, &get, "HEAD", b"sig-get"),
                Err(SignatureError::MethodMismatch)
            );
        }
        // Past the window the date check refuses it before the record is consulted.
        clock.set(T0 + 302);
        assert!(matches!(
            admit(&c, &store, &post, "POST", b"sig-post"),
            Err(SignatureError::Expired { .. })
        ));
    }

    #[test]
    fn with_date_only_allowed_a_signature_that_binds_no_method_is_single_use() {
        let clock = FakeClock::at(T0);
        let c = checks(&clock, true);
        let store = Memory::default();
        let date_only = format!("date: {DATE}");
        // The GET uses it first: the same signature replayed as a DELETE is refused.
        assert_eq!(admit(&c, &store, &date_only, "GET", b"old-cli"), Ok(()));
        assert_eq!(
            admit(&c, &store, &date_only, "DELETE", b"old-cli"),
            Err(SignatureError::Replayed)
        );
        assert_eq!(admit(&c, &store, &date_only, "POST", b"old-cli-2"), Ok(()));
        // Signatures that cover the request target are unchanged by the setting.
        let get = cli("GET", "/acme/users");
        assert_eq!(admit(&c, &store, &get, "GET", b"cli"), Ok(()));
        assert_eq!(admit(&c, &store, &get, "GET", b"cli"), Ok(()));
        assert_eq!(
            c.check(cli("POST", "/x").as_bytes(), "PUT"),
            Err(SignatureError::MethodMismatch)
        );
    }
}
