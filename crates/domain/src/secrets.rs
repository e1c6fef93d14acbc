//! Secrets the core hands out and checks (API secrets, organization secrets, integration keys,
//! secret keys, provisioning tokens): a port, since generating and digesting them needs a
//! server key and a hash the core does not pick.

use crate::UserId;
use std::fmt;

/// High-entropy secrets: generated, stored only as a digest, and compared in constant time.
pub trait Secrets: Send + Sync + fmt::Debug + 'static {
    /// A new random secret, URL-safe text.
    fn generate(&self) -> String;
    /// The digest stored for lookup.
    fn digest(&self, secret: &str) -> SecretDigest;
    /// Whether `secret` has this digest, in constant time.
    fn matches(&self, secret: &str, digest: &SecretDigest) -> bool;
    /// A user's API secret, derived from a server key so that it can be shown again without
    /// being stored.
    fn user_secret(&self, user: UserId) -> String;
}

/// The stored digest of a secret (hex of a fast hash); never the secret itself.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretDigest(String);

impl SecretDigest {
    pub fn from_hex(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretDigest(..)")
    }
}
