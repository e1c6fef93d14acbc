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

/// Scopes a token can carry.
pub mod scopes {
    pub const USERS_READ: &str = "users.read";
    pub const USERS_WRITE: &str = "users.write";
    pub const GROUPS_READ: &str = "groups.read";
    pub const GROUPS_WRITE: &str = "groups.write";
    pub const KEYS_READ: &str = "keys.read";
    pub const KEYS_WRITE: &str = "keys.write";
    pub const ROLES_READ: &str = "roles.read";
    pub const ROLES_WRITE: &str = "roles.write";
    pub const PASSWORDS_VERIFY: &str = "passwords.verify";
    pub const TENANT_READ: &str = "tenant.read";
    pub const TOKENS_ISSUE: &str = "tokens.issue";
    pub const FOLDERS_READ: &str = "folders.read";
    pub const FOLDERS_WRITE: &str = "folders.write";
    /// Issue and revoke users' secret keys. Never in a token obtained with a secret key.
    pub const SECRET_KEYS_WRITE: &str = "secret_keys.write";
    /// Tenants of the whole installation.
    pub const ADMIN: &str = "admin";

    /// Everything a tenant's administrator may do.
    pub const TENANT_ADMIN: &[&str] = &[
        USERS_READ,
        USERS_WRITE,
        GROUPS_READ,
        GROUPS_WRITE,
        KEYS_READ,
        KEYS_WRITE,
        ROLES_READ,
        ROLES_WRITE,
        PASSWORDS_VERIFY,
        TENANT_READ,
        TOKENS_ISSUE,
        FOLDERS_READ,
        FOLDERS_WRITE,
        SECRET_KEYS_WRITE,
    ];

    /// Scopes that mint or manage credentials: a token obtained with a secret key never
    /// carries them, so that it cannot outlive its key.
    pub const CREDENTIAL_ADMIN: &[&str] = &[TOKENS_ISSUE, SECRET_KEYS_WRITE];

    pub const ALL: &[&str] = &[
        USERS_READ,
        USERS_WRITE,
        GROUPS_READ,
        GROUPS_WRITE,
        KEYS_READ,
        KEYS_WRITE,
        ROLES_READ,
        ROLES_WRITE,
        PASSWORDS_VERIFY,
        TENANT_READ,
        TOKENS_ISSUE,
        ADMIN,
        FOLDERS_READ,
        FOLDERS_WRITE,
        SECRET_KEYS_WRITE,
    ];

    /// The scope an RBAC action (a CloudAPI route name) needs; `None` for unknown actions.
    pub fn for_action(action: &str) -> Option<&'static str> {
        Some(match action {
            "listusers" | "getuser" => USERS_READ,
            "createuser" | "updateuser" | "deleteuser" | "changeuserpassword" => USERS_WRITE,
            "listkeys" | "getkey" | "listuserkeys" | "getuserkey" => KEYS_READ,
            "createkey" | "deletekey" | "createuserkey" | "deleteuserkey" => KEYS_WRITE,
            "listroles" | "getrole" | "listpolicies" | "getpolicy" => ROLES_READ,
            "createrole" | "updaterole" | "deleterole" | "createpolicy" | "updatepolicy"
            | "deletepolicy" => ROLES_WRITE,
            "getaccount" => TENANT_READ,
            _ => return None,
        })
    }
}

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
        self.issue_for_key(tenant, subject, scopes, ttl, now, None)
    }

    /// Mints a token that names the secret key `secret_key` it was obtained with.
    pub fn issue_for_key(
        &self,
        tenant: Option<TenantId>,
        subject: &str,
        scopes: &[&str],
        ttl: Option<Duration>,
        now: Timestamp,
        secret_key: Option<String>,
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
            skid: secret_key,
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
