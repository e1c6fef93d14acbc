//! The internal credential: a short-lived HS256 JWT naming issuer, audience, subject,
//! tenant, scopes and key id.
//!
//! Verification pins the algorithm (never read from the header), requires `exp`, `iss`, `aud`
//! and `sub`, and picks the key by `kid`, so keys can be rotated: sign with the newest, accept
//! every key still listed.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use roster_domain::{TenantId, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::time::Duration;

/// Scopes a token can carry (the domain's list: the policy checks them).
pub use roster_domain::authz::scopes;

/// One signing key.
#[derive(Clone)]
pub struct TokenKey {
    pub kid: String,
    pub secret: Vec<u8>,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenKey({})", self.kid)
    }
}

/// What tokens are issued with and checked against.
#[derive(Debug, Clone)]
pub struct TokenConfig {
    pub issuer: String,
    pub audience: String,
    /// Newest first: the first signs, all verify.
    pub keys: Vec<TokenKey>,
    pub default_ttl: Duration,
    pub max_ttl: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    /// The tenant; absent only on installation-admin tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tnt: Option<String>,
    /// Space-separated scopes (RFC 8693 style).
    pub scope: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// The secret key the token was issued for: every call checks it is still current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skid: Option<String>,
    /// Whom the token speaks for: `user` (the subject is a user id) or `integration`;
    /// absent on service-account and operator tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knd: Option<String>,
    /// The kind of credential the token was obtained with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crd: Option<String>,
    /// The user's authorization epoch when the token was minted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aep: Option<i64>,
    /// Which credential of kind `crd` (see `Principal::credential_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cid: Option<String>,
}

/// What a token is bound to beyond its subject and scopes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binding {
    /// `user` or `integration`; `None` for service accounts and the operator.
    pub kind: Option<&'static str>,
    pub credential: Option<&'static str>,
    /// Which credential of that kind.
    pub credential_id: Option<String>,
    pub epoch: Option<i64>,
    pub secret_key: Option<String>,
}

/// The verified caller of one request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub tenant: Option<TenantId>,
    pub subject: String,
    pub scopes: BTreeSet<String>,
    /// The token's expiry, seconds since the Unix epoch.
    pub expires: i64,
    /// The secret key the token was issued for (see [`Claims::skid`]); not yet checked.
    pub secret_key: Option<String>,
    /// See [`Claims::knd`], [`Claims::crd`] and [`Claims::aep`]; not yet checked.
    pub kind: Option<String>,
    pub credential: Option<String>,
    pub credential_id: Option<String>,
    pub epoch: Option<i64>,
}

impl Caller {
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
    }
}

/// Why a token was refused. Deliberately coarse: the caller learns only that it is invalid.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token is invalid")]
    Invalid,
    #[error("token has expired")]
    Expired,
    /// Valid, but what it was minted on changed (see [`Claims::aep`]).
    #[error("token was revoked")]
    Revoked,
    #[error("cannot sign token: {0}")]
    Sign(String),
}

/// A freshly minted token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires: Timestamp,
}

#[derive(Debug, Clone)]
pub struct Tokens {
    config: TokenConfig,
}

impl Tokens {
    pub fn new(config: TokenConfig) -> Self {
        Self { config }
    }

    pub fn config(&self) -> &TokenConfig {
        &self.config
    }

    /// Mints a token; the TTL is capped at the configured maximum.
    pub fn issue(
        &self,
        tenant: Option<TenantId>,
        subject: &str,
        scopes: &[&str],
        ttl: Option<Duration>,
        now: Timestamp,
    ) -> Result<IssuedToken, TokenError> {
        self.issue_bound(tenant, subject, scopes, ttl, now, Binding::default())
    }

    /// Mints a token bound to a user or credential (see [`Binding`]).
    pub fn issue_bound(
        &self,
        tenant: Option<TenantId>,
        subject: &str,
        scopes: &[&str],
        ttl: Option<Duration>,
        now: Timestamp,
        binding: Binding,
    ) -> Result<IssuedToken, TokenError> {
        let key = self
            .config
            .keys
            .first()
            .ok_or_else(|| TokenError::Sign("no signing key".into()))?;
        let ttl = ttl
            .unwrap_or(self.config.default_ttl)
            .min(self.config.max_ttl);
        let expires = now.plus(ttl);
        let claims = Claims {
            iss: self.config.issuer.clone(),
            aud: self.config.audience.clone(),
            sub: subject.to_owned(),
            tnt: tenant.map(|t| t.to_string()),
            scope: scopes.join(" "),
            iat: now.seconds(),
            exp: expires.seconds(),
            jti: uuid::Uuid::new_v4().simple().to_string(),
            skid: binding.secret_key,
            knd: binding.kind.map(str::to_owned),
            crd: binding.credential.map(str::to_owned),
            aep: binding.epoch,
            cid: binding.credential_id,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&key.secret))
            .map_err(|e| TokenError::Sign(e.to_string()))?;
        Ok(IssuedToken { token, expires })
    }

    /// Checks signature, algorithm, expiry, issuer and audience; returns the caller.
    pub fn verify(&self, token: &str) -> Result<Caller, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        if header.alg != Algorithm::HS256 {
            return Err(TokenError::Invalid);
        }
        let kid = header.kid.ok_or(TokenError::Invalid)?;
        let key = self
            .config
            .keys
            .iter()
            .find(|k| k.kid == kid)
            .ok_or(TokenError::Invalid)?;
        let mut v = Validation::new(Algorithm::HS256);
        v.set_issuer(&[&self.config.issuer]);
        v.set_audience(&[&self.config.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.leeway = 5;
        let data =
            jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(&key.secret), &v)
                .map_err(|e| {
                    if matches!(e.kind(), jsonwebtoken::errors::ErrorKind::ExpiredSignature) {
                        TokenError::Expired
                    } else {
                        TokenError::Invalid
                    }
                })?;
        let c = data.claims;
        let tenant = match c.tnt {
            Some(t) => Some(TenantId::parse(&t).map_err(|_| TokenError::Invalid)?),
            None => None,
        };
        Ok(Caller {
            tenant,
            subject: c.sub,
            scopes: c.scope.split_whitespace().map(str::to_owned).collect(),
            expires: c.exp,
            secret_key: c.skid,
            kind: c.knd,
            credential: c.crd,
            credential_id: c.cid,
            epoch: c.aep,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use roster_domain::{Clock, SystemClock};

    fn tokens(keys: &[(&str, u8)]) -> Tokens {
        Tokens::new(TokenConfig {
            issuer: "roster".into(),
            audience: "roster.v1".into(),
            keys: keys
                .iter()
                .map(|(k, b)| TokenKey {
                    kid: (*k).into(),
                    secret: vec![*b; 32],
                })
                .collect(),
            default_ttl: Duration::from_mins(5),
            max_ttl: Duration::from_hours(1),
        })
    }

    #[test]
    fn a_token_round_trips() {
        let t = tokens(&[("k1", 1)]);
        let tenant = TenantId::generate();
        let issued = t
            .issue(
                Some(tenant),
                "svc",
                &["users.read"],
                None,
                SystemClock.now(),
            )
            .unwrap();
        let caller = t.verify(&issued.token).unwrap();
        assert_eq!(caller.tenant, Some(tenant));
        assert!(caller.has("users.read") && !caller.has("users.write"));
    }

    #[test]
    fn rotated_keys_still_verify_and_unknown_ones_do_not() {
        let old = tokens(&[("k1", 1)]);
        let issued = old
            .issue(None, "svc", &[], None, SystemClock.now())
            .unwrap();
        assert!(
            tokens(&[("k2", 2), ("k1", 1)])
                .verify(&issued.token)
                .is_ok()
        );
        assert!(tokens(&[("k2", 2)]).verify(&issued.token).is_err());
        assert!(
            tokens(&[("k1", 9)]).verify(&issued.token).is_err(),
            "same kid, other secret"
        );
    }

    #[test]
    fn expired_none_and_foreign_tokens_are_refused() {
        let t = tokens(&[("k1", 1)]);
        let long_ago = Timestamp::from_micros(1_000_000_000_000_000);
        let old = t.issue(None, "svc", &[], None, long_ago).unwrap();
        assert!(matches!(t.verify(&old.token), Err(TokenError::Expired)));

        let claims = serde_json::json!({"iss":"roster","aud":"roster.v1","sub":"x","scope":"admin","iat":0,"exp":9_999_999_999_i64,"jti":"j"});
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"k1"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        assert!(t.verify(&none).is_err());

        let mut other = tokens(&[("k1", 1)]);
        other.config.audience = "elsewhere".into();
        let foreign = other
            .issue(None, "svc", &[], None, SystemClock.now())
            .unwrap();
        assert!(t.verify(&foreign.token).is_err());
    }
}
