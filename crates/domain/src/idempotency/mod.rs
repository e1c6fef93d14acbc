//! Idempotent retries. A client names one logical write with a key (a gRPC `request_id`, an
//! HTTP `Idempotency-Key`) and sends the same key with every retry of it. The first request
//! with a key runs and its answer is kept; a retry of the same request gets that answer back
//! instead of running again, the same key with another request is refused, and a retry while
//! the first still runs is told so.
//!
//! The rules are here: whose keys they are ([`IdempotencyScope`]: the caller's tenant and
//! credential, derived from the principal, never read from a request), how long an answer is
//! kept and how long a claim may run ([`IdempotencyRules`]), and what a claim finds
//! ([`Idempotency::claim`]). What an answer is (a protobuf response, an HTTP response, both
//! sealed) and how two requests are told apart (a digest of their bytes) belong to the
//! adapters, which hand the domain opaque bytes.

mod port;
mod service;

pub use port::{IdempotencyRecords, KeyState, NewClaim};
pub use service::{Claim, ClaimError, Idempotency, IdempotencyRules};

use crate::TenantId;
use crate::authz::{Actor, Principal};
use std::fmt;

/// The longest key, in characters.
pub const MAX_KEY_CHARS: usize = 255;

/// A client's name for one logical request: 1 to [`MAX_KEY_CHARS`] printable ASCII
/// characters (space included), as the HTTP draft's `sf-string` allows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        if raw.is_empty() {
            return Err("must not be empty");
        }
        if raw.len() > MAX_KEY_CHARS {
            return Err("must be at most 255 characters");
        }
        if !raw.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err("must be printable ASCII");
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What makes two requests with one key the same request: a 32-byte digest the adapter takes
/// of the request (its method, target and body).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    pub fn new(digest: [u8; 32]) -> Self {
        Self(digest)
    }

    pub fn from_slice(bytes: &[u8]) -> Result<Self, &'static str> {
        <[u8; 32]>::try_from(bytes)
            .map(Self)
            .map_err(|_| "must be 32 bytes")
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lower-case hex, as it is stored.
    pub fn to_hex(&self) -> String {
        self.0.iter().fold(String::with_capacity(64), |mut s, b| {
            use fmt::Write as _;
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    /// The digest written by [`Self::to_hex`].
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Self(out))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.to_hex())
    }
}

/// Whose keys: one caller's, so that two callers never share (or probe) a key space. It is
/// the tenant, the kind of caller and the credential the caller's token came from: a user and
/// the kind and id of the credential it signed in with (two SSH keys of one user are two
/// scopes), a tenant's integration key or provisioning token, a service account, the
/// operator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyScope {
    tenant: Option<TenantId>,
    text: String,
}

impl IdempotencyScope {
    /// The scope of `who`, whose token names `subject`. Only the last part of the text is
    /// free-form, so two callers cannot spell the same scope.
    pub fn of(who: &Principal, subject: &str) -> Self {
        let tenant = who.tenant.map_or_else(|| "-".to_owned(), |t| t.to_string());
        let credential = who.credential.as_str();
        let id = who.credential_id.as_deref().unwrap_or("");
        let text = match &who.actor {
            Actor::Operator => format!("{tenant}/operator/{subject}"),
            Actor::Member(m) => format!("{tenant}/user/{}/{credential}/{id}", m.user),
            Actor::Integration => format!("{tenant}/integration/{credential}/{id}"),
            Actor::Service => format!("{tenant}/service/{credential}/{subject}"),
        };
        Self {
            tenant: who.tenant,
            text,
        }
    }

    /// The tenant whose caller it is (`None` for the operator): its keys go with it.
    pub fn tenant(&self) -> Option<TenantId> {
        self.tenant
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// One claim of a key: the holder proves with it that the key is still its own when it
/// completes or releases it. Random, so that nobody guesses another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimId(uuid::Uuid);

impl ClaimId {
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4())
    }

    pub fn parse(raw: &str) -> Option<Self> {
        uuid::Uuid::try_parse(raw).ok().map(Self)
    }

    pub fn as_uuid(&self) -> uuid::Uuid {
        self.0
    }
}

impl fmt::Display for ClaimId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserId;
    use crate::authz::{CredentialKind, MemberAuthority};
    use crate::users::AccessLevel;

    #[test]
    fn keys_are_one_to_255_printable_ascii_characters() {
        for ok in [
            "a",
            "8e03978e-40d5-43e8-bc93-6894a57f9324",
            "with space",
            &"k".repeat(255),
        ] {
            assert_eq!(IdempotencyKey::parse(ok).unwrap().as_str(), ok);
        }
        for bad in ["", "tab\there", "caf\u{e9}", "line\n", &"k".repeat(256)] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn fingerprints_round_trip_through_hex() {
        let f = Fingerprint::new([0xab; 32]);
        assert_eq!(Fingerprint::from_hex(&f.to_hex()), Some(f));
        assert_eq!(Fingerprint::from_hex("ab"), None);
        assert!(Fingerprint::from_slice(&[1; 31]).is_err());
    }

    fn member(tenant: TenantId, user: UserId, credential: CredentialKind, id: &str) -> Principal {
        Principal {
            tenant: Some(tenant),
            owner: None,
            actor: Actor::Member(MemberAuthority {
                user,
                owner: false,
                access_level: AccessLevel::Admin,
                org_admin: false,
                secret_key_admin: false,
                active: vec![],
            }),
            credential,
            credential_id: Some(id.to_owned()),
            scopes: std::collections::BTreeSet::default(),
        }
    }

    #[test]
    fn callers_of_other_tenants_users_or_credentials_have_other_scopes() {
        let (acme, globex) = (TenantId::generate(), TenantId::generate());
        let (ann, bob) = (UserId::generate(), UserId::generate());
        let scope = |p: &Principal| IdempotencyScope::of(p, "s");
        let base = scope(&member(acme, ann, CredentialKind::SshKey, "aa:bb"));
        assert_eq!(
            base,
            scope(&member(acme, ann, CredentialKind::SshKey, "aa:bb"))
        );
        for other in [
            member(globex, ann, CredentialKind::SshKey, "aa:bb"),
            member(acme, bob, CredentialKind::SshKey, "aa:bb"),
            member(acme, ann, CredentialKind::SshKey, "cc:dd"),
            member(acme, ann, CredentialKind::SecretKey, "aa:bb"),
        ] {
            assert_ne!(base, scope(&other));
        }
        let operator = Principal::operator();
        assert_ne!(
            IdempotencyScope::of(&operator, "cli"),
            IdempotencyScope::of(&operator, "other")
        );
        assert_eq!(IdempotencyScope::of(&operator, "cli").tenant(), None);
        assert_eq!(base.tenant(), Some(acme));
    }
}
