//! Credential -> token cache. A dialect credential is exchanged for a roster JWT once (by
//! `AuthService.Authenticate`) and the token is reused until shortly before it expires, so a
//! REST call costs one round trip to the core, not two.
//!
//! Entries are keyed by a SHA-256 digest of the credential: the cache never holds a secret.
//! Failed authentications are not cached.

use crate::expiring::ExpiringMap;
use roster_proto::v1 as pb;
use sha2::{Digest, Sha256};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// A token and what the core said about the credential behind it.
#[derive(Debug, Clone)]
pub struct CachedToken {
    pub token: Arc<str>,
    pub tenant_id: Arc<str>,
    pub user_id: Arc<str>,
    pub scopes: Arc<[String]>,
    expires_at: Instant,
}

impl CachedToken {
    /// `expire_time` is the token's absolute expiry as the core reported it.
    pub fn new(
        token: String,
        tenant_id: String,
        user_id: String,
        scopes: Vec<String>,
        expire_time: SystemTime,
    ) -> Self {
        let left = expire_time
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        Self {
            token: token.into(),
            tenant_id: tenant_id.into(),
            user_id: user_id.into(),
            scopes: scopes.into(),
            expires_at: Instant::now() + left,
        }
    }

    /// What `AuthService.Authenticate` answered.
    pub(crate) fn authenticated(r: pb::AuthenticateResponse) -> Self {
        let expires = expiry(r.expire_time.as_ref());
        Self::new(r.token, r.tenant_id, r.user_id, r.scopes, expires)
    }

    /// What `AuthService.IntrospectToken` answered about `token`.
    pub(crate) fn introspected(token: &str, r: pb::IntrospectTokenResponse) -> Self {
        let expires = expiry(r.expire_time.as_ref());
        Self::new(token.to_owned(), r.tenant_id, r.subject, r.scopes, expires)
    }

    /// How long the token has left.
    pub(crate) fn time_left(&self) -> Duration {
        self.expires_at.saturating_duration_since(Instant::now())
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// A token's expiry as the core reported it. Without one the token counts as expiring now:
/// it serves the request it was fetched for and is never reused.
fn expiry(t: Option<&prost_types::Timestamp>) -> SystemTime {
    t.and_then(|t| u64::try_from(t.seconds).ok())
        .map_or_else(SystemTime::now, |s| {
            SystemTime::UNIX_EPOCH + Duration::from_secs(s)
        })
}

/// The digest a credential is cached under: its parts, length-prefixed, under a dialect tag.
pub fn credential_key(dialect: &str, parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(dialect.as_bytes());
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().into()
}

#[derive(Debug)]
pub struct TokenCache {
    entries: ExpiringMap<[u8; 32], CachedToken>,
    /// Refresh this long before expiry, so a token never expires in flight.
    margin: Duration,
}

impl TokenCache {
    pub fn new(capacity: usize, margin: Duration) -> Self {
        Self {
            entries: ExpiringMap::new(capacity),
            margin,
        }
    }

    fn fresh(&self, key: &[u8; 32]) -> Option<CachedToken> {
        self.entries.get(key, self.margin)
    }

    fn store(&self, key: [u8; 32], token: CachedToken) {
        let until = token.expires_at;
        self.entries.insert(key, token, until);
    }

    /// The cached token for `key`, or a new one from `authenticate`.
    pub async fn get_or_fetch<E, F, Fut>(
        &self,
        key: [u8; 32],
        authenticate: F,
    ) -> Result<CachedToken, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedToken, E>>,
    {
        if let Some(t) = self.fresh(&key) {
            return Ok(t);
        }
        let t = authenticate().await?;
        self.store(key, t.clone());
        Ok(t)
    }

    /// The token for `key`: from the cache, or, when `fresh` (the request is a replay
    /// because the core refused the cached one, see [`super::replay`]), anew.
    pub(crate) async fn sign_in<E, F, Fut>(
        &self,
        key: [u8; 32],
        fresh: bool,
        authenticate: F,
    ) -> Result<CachedToken, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedToken, E>>,
    {
        if fresh {
            self.refresh(key, authenticate).await
        } else {
            self.get_or_fetch(key, authenticate).await
        }
    }

    /// A new token from `authenticate`, replacing the cached one (which the core refused).
    pub async fn refresh<E, F, Fut>(&self, key: [u8; 32], authenticate: F) -> Result<CachedToken, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedToken, E>>,
    {
        self.forget(&key);
        let t = authenticate().await?;
        self.store(key, t.clone());
        Ok(t)
    }

    /// Drops the entry for `key`, e.g. when the core refused its token after all.
    pub fn forget(&self, key: &[u8; 32]) {
        self.entries.remove(key);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn token(valid_for: Duration) -> CachedToken {
        CachedToken::new(
            "t".into(),
            "tenant".into(),
            "user".into(),
            vec!["users.read".into()],
            SystemTime::now() + valid_for,
        )
    }

    #[tokio::test]
    async fn a_credential_is_authenticated_once_while_its_token_is_fresh() {
        let cache = TokenCache::new(10, Duration::from_secs(30));
        let calls = AtomicUsize::new(0);
        let key = credential_key("ce", &["user", "org"]);
        for _ in 0..3 {
            let t = cache
                .get_or_fetch::<(), _, _>(key, || async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Ok(token(Duration::from_mins(10)))
                })
                .await
                .unwrap();
            assert!(t.has_scope("users.read"));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn tokens_near_expiry_are_refreshed_and_failures_not_cached() {
        let cache = TokenCache::new(10, Duration::from_secs(30));
        let calls = AtomicUsize::new(0);
        let key = credential_key("ce", &["a", "b"]);
        for _ in 0..2 {
            let _ = cache
                .get_or_fetch::<(), _, _>(key, || async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Ok(token(Duration::from_secs(10)))
                })
                .await;
        }
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "inside the margin counts as expired"
        );

        let other = credential_key("ce", &["x", "y"]);
        for _ in 0..2 {
            let r = cache
                .get_or_fetch(other, || async { Err::<CachedToken, _>("denied") })
                .await;
            assert!(r.is_err());
        }
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_token_without_an_expiry_is_never_reused() {
        let r = pb::AuthenticateResponse {
            token: "t".into(),
            ..Default::default()
        };
        let t = CachedToken::authenticated(r);
        assert!(t.expires_at <= Instant::now());
        let later = pb::IntrospectTokenResponse {
            expire_time: Some(prost_types::Timestamp {
                seconds: 4_000_000_000,
                nanos: 0,
            }),
            subject: "u1".into(),
            ..Default::default()
        };
        let t = CachedToken::introspected("jwt", later);
        assert_eq!((&*t.token, &*t.user_id), ("jwt", "u1"));
        assert!(t.expires_at > Instant::now() + Duration::from_hours(1));
    }

    #[test]
    fn keys_separate_parts_and_dialects() {
        assert_ne!(
            credential_key("ce", &["ab", "c"]),
            credential_key("ce", &["a", "bc"])
        );
        assert_ne!(credential_key("ce", &["a"]), credential_key("fof", &["a"]));
    }

    #[tokio::test]
    async fn the_cache_stays_within_its_capacity() {
        let cache = TokenCache::new(3, Duration::from_secs(1));
        for i in 0..10u8 {
            let _ = cache
                .get_or_fetch::<(), _, _>([i; 32], || async {
                    Ok(token(Duration::from_secs(60 + u64::from(i))))
                })
                .await;
        }
        assert_eq!(cache.len(), 3);
    }
}
