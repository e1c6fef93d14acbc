//! Secrets: random generation, digests for lookup, constant-time comparison, and user API
//! secrets derived from a server key (HMAC-SHA-256) so they can be shown again without being
//! stored.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use roster_domain::UserId;
use roster_domain::ports::{SecretDigest, Secrets};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The server key behind derived secrets and signed page tokens.
#[derive(Clone)]
pub struct ServerSecrets {
    key: Vec<u8>,
}

impl std::fmt::Debug for ServerSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerSecrets(..)")
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// 32 random bytes from the operating system.
pub fn random_bytes() -> [u8; 32] {
    let mut buf = [0u8; 32];
    // The OS random source failing is unrecoverable for a credential service.
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut buf).expect("the operating system's random source works");
    buf
}

impl ServerSecrets {
    /// `key` must hold at least 32 bytes of entropy.
    pub fn new(key: Vec<u8>) -> Self {
        Self { key }
    }

    /// HMAC-SHA-256 of `parts` (each length-prefixed, so parts cannot run together).
    pub(crate) fn mac(&self, label: &str, parts: &[&[u8]]) -> [u8; 32] {
        #[allow(clippy::expect_used)]
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(label.as_bytes());
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }
}

impl Secrets for ServerSecrets {
    fn generate(&self) -> String {
        URL_SAFE_NO_PAD.encode(random_bytes())
    }

    fn digest(&self, secret: &str) -> SecretDigest {
        SecretDigest::from_hex(hex(&Sha256::digest(secret.as_bytes())))
    }

    fn matches(&self, secret: &str, digest: &SecretDigest) -> bool {
        let mine = self.digest(secret);
        mine.as_str()
            .as_bytes()
            .ct_eq(digest.as_str().as_bytes())
            .into()
    }

    fn user_secret(&self, user: UserId) -> String {
        URL_SAFE_NO_PAD.encode(self.mac("user-secret/v1", &[user.as_uuid().as_bytes()]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_secrets_are_stable_per_key_and_user() {
        let a = ServerSecrets::new(vec![1; 32]);
        let b = ServerSecrets::new(vec![2; 32]);
        let u = UserId::generate();
        assert_eq!(a.user_secret(u), a.user_secret(u));
        assert_ne!(a.user_secret(u), b.user_secret(u));
        assert_ne!(a.user_secret(u), a.user_secret(UserId::generate()));
    }

    #[test]
    fn digests_match_only_their_secret() {
        let s = ServerSecrets::new(vec![1; 32]);
        let secret = s.generate();
        assert_eq!(secret.len(), 43);
        let d = s.digest(&secret);
        assert!(s.matches(&secret, &d));
        assert!(!s.matches("other", &d));
        assert_ne!(s.generate(), secret);
    }
}
