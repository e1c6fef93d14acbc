//! Provisioning tokens: the long-lived, revocable bearer credentials an identity provider
//! uses to provision a tenant's users and groups over SCIM (`Authorization: Bearer <token>`
//! at `/scim/v2`). A tenant may hold several, one per identity provider. Each is shown once,
//! when it is made; only a digest of its secret is stored.
//!
//! The bearer text is `rst_scim_<id>_<secret>`: the token's id as 32 lower-case hex digits,
//! then the random secret (URL-safe base64, which may itself hold `_`). The id makes the
//! look-up one read by primary key; the secret is then compared with the stored digest in
//! constant time. A token speaks for the tenant as an integration (like Forms On Fire's
//! integration key) with the user and group scopes only, never mints a credential, and every
//! call of the tokens exchanged for it checks that it still exists, so revoking it (deleting
//! its row) ends them at once.

mod port;
mod service;

pub use port::ProvisioningTokenRepository;
pub use service::{ProvisioningTokenError, ProvisioningTokenService};

use crate::{ProvisioningTokenId, TenantId, Timestamp};
use std::fmt;
use std::time::Duration;

/// What every provisioning token's bearer text starts with.
pub const BEARER_PREFIX: &str = "rst_scim_";

/// The longest secret part a presented token may have; longer text is refused unread.
const MAX_SECRET_LEN: usize = 256;

/// How often a token's last use is written at most: a use within this time of the recorded
/// one is not written again.
pub const LAST_USED_GRANULARITY: Duration = Duration::from_mins(1);

/// What a provisioning token is for, e.g. the identity provider's name: 1-100 characters,
/// no control characters, surrounding spaces trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProvisioningTokenName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvisioningTokenNameError {
    #[error("must be 1-100 characters long (got {0})")]
    Length(usize),
    #[error("must not contain control characters")]
    Charset,
}

impl ProvisioningTokenName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, ProvisioningTokenNameError> {
        let s = raw.trim();
        let n = s.chars().count();
        if !(1..=Self::MAX_CHARS).contains(&n) {
            return Err(ProvisioningTokenNameError::Length(n));
        }
        if s.chars().any(crate::values::is_forbidden_char) {
            return Err(ProvisioningTokenNameError::Charset);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProvisioningTokenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stored provisioning token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisioningToken {
    pub id: ProvisioningTokenId,
    pub tenant: TenantId,
    pub name: ProvisioningTokenName,
    pub created: Timestamp,
    /// The last time it was exchanged for a token, to [`LAST_USED_GRANULARITY`].
    pub last_used: Option<Timestamp>,
}

impl ProvisioningToken {
    /// Whether a use at `now` should be written: never used, or last used at least
    /// [`LAST_USED_GRANULARITY`] before `now`.
    pub fn use_is_news(&self, now: Timestamp) -> bool {
        self.last_used
            .is_none_or(|t| now >= t.plus(LAST_USED_GRANULARITY) || now < t)
    }
}

/// A token just made: the only time its bearer text exists outside its holder.
#[derive(Clone)]
pub struct IssuedProvisioningToken {
    /// The whole bearer text, `rst_scim_<id>_<secret>`.
    pub bearer: String,
    pub token: ProvisioningToken,
}

impl fmt::Debug for IssuedProvisioningToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedProvisioningToken")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// The bearer text of token `id` with secret `secret`.
pub fn bearer(id: ProvisioningTokenId, secret: &str) -> String {
    format!("{BEARER_PREFIX}{}_{secret}", id.as_uuid().simple())
}

/// The id and secret of a presented bearer text; `None` when it is not shaped like one.
pub fn parse_bearer(raw: &str) -> Option<(ProvisioningTokenId, &str)> {
    let rest = raw.strip_prefix(BEARER_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    if id.len() != 32
        || !id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        || secret.is_empty()
        || secret.len() > MAX_SECRET_LEN
    {
        return None;
    }
    let id = ProvisioningTokenId::parse(id).ok()?;
    Some((id, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        let cases: &[(&str, Result<&str, ProvisioningTokenNameError>)] = &[
            ("  Okta ", Ok("Okta")),
            ("Entra ID (prod)", Ok("Entra ID (prod)")),
            ("", Err(ProvisioningTokenNameError::Length(0))),
            ("  ", Err(ProvisioningTokenNameError::Length(0))),
            ("a\u{7}b", Err(ProvisioningTokenNameError::Charset)),
            ("a\u{202E}b", Err(ProvisioningTokenNameError::Charset)),
        ];
        for (raw, want) in cases {
            assert_eq!(
                ProvisioningTokenName::parse(raw)
                    .as_ref()
                    .map(ProvisioningTokenName::as_str),
                want.as_ref().map(|s| *s),
                "{raw:?}"
            );
        }
        assert!(ProvisioningTokenName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            ProvisioningTokenName::parse(&"x".repeat(101)),
            Err(ProvisioningTokenNameError::Length(101))
        );
    }

    #[test]
    fn bearer_texts_round_trip_and_malformed_ones_are_refused() {
        let id = ProvisioningTokenId::generate();
        // Secrets are URL-safe base64 and may hold `_` and `-`.
        let secret = "ab_cd-EF_gh";
        let text = bearer(id, secret);
        assert!(text.starts_with("rst_scim_"));
        assert_eq!(parse_bearer(&text), Some((id, secret)));

        let hex = id.as_uuid().simple().to_string();
        let upper = hex.to_uppercase();
        let hyphenated = id.to_string();
        let long = "x".repeat(MAX_SECRET_LEN + 1);
        for bad in [
            String::new(),
            "rst_scim_".to_owned(),
            format!("rst_scim_{hex}"),
            format!("rst_scim_{hex}_"),
            format!("rst_scim_{upper}_{secret}"),
            format!("rst_scim_{hyphenated}_{secret}"),
            format!("rst_scim_{}_{secret}", &hex[..31]),
            format!("rst_scim_{hex}0_{secret}"),
            format!("RST_SCIM_{hex}_{secret}"),
            format!("Bearer rst_scim_{hex}_{secret}"),
            format!("rst_scim_{hex}_{long}"),
        ] {
            assert_eq!(parse_bearer(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_use_is_written_at_most_once_a_granule() {
        let t0 = Timestamp::from_micros(1_800_000_000_000_000);
        let mut token = ProvisioningToken {
            id: ProvisioningTokenId::generate(),
            tenant: TenantId::generate(),
            name: ProvisioningTokenName::parse("Okta").unwrap(),
            created: t0,
            last_used: None,
        };
        assert!(token.use_is_news(t0));
        token.last_used = Some(t0);
        assert!(!token.use_is_news(t0));
        assert!(!token.use_is_news(t0.plus(Duration::from_secs(59))));
        assert!(token.use_is_news(t0.plus(Duration::from_mins(1))));
        // A clock that went back: the record is corrected.
        assert!(token.use_is_news(Timestamp::from_micros(t0.as_micros() - 1)));
    }
}
