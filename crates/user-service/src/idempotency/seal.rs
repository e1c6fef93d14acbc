//! Stored answers, sealed. An answer may hold what the store otherwise keeps only as a digest
//! (a new user's API secret, a secret key, a provisioning token, a tenant's credentials, a
//! dialect's body that shows a user secret), so it is encrypted and authenticated
//! (ChaCha20-Poly1305) under a key derived from the server key before it is stored, bound to
//! its kind, scope and key: a row copied onto another key does not open.

use crate::secrets::ServerSecrets;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

/// Seals and opens answers.
pub(crate) struct Sealer(LessSafeKey);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    pub(crate) fn new(server: &ServerSecrets) -> Self {
        let key = server.mac("idempotent-answers/v1", &[]);
        // A 32-byte key is what ChaCha20 takes: this cannot fail.
        #[allow(clippy::expect_used)]
        let key = UnboundKey::new(&CHACHA20_POLY1305, &key).expect("a 32-byte key");
        Self(LessSafeKey::new(key))
    }

    /// A random nonce, then `plain` encrypted, then the tag.
    pub(crate) fn seal(&self, binding: &[u8], plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&crate::secrets::random_bytes()[..NONCE_LEN]);
        let mut sealed = Vec::with_capacity(NONCE_LEN + plain.len() + 16);
        sealed.extend_from_slice(&nonce);
        let mut body = plain.to_vec();
        // Fails only for messages longer than ChaCha20's 256 GiB.
        #[allow(clippy::expect_used)]
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(binding),
                &mut body,
            )
            .expect("an answer far below 256 GiB");
        sealed.extend_from_slice(&body);
        sealed
    }

    /// What [`Self::seal`] sealed with the same binding; `None` for anything else.
    pub(crate) fn open(&self, binding: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        let (nonce, body) = sealed.split_at_checked(NONCE_LEN)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut body = body.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(binding), &mut body)
            .ok()?;
        Some(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_open_only_with_their_key_and_binding() {
        let mine = Sealer::new(&ServerSecrets::new(vec![1; 32]));
        let sealed = mine.seal(b"grpc/a/k", b"the answer");
        assert_ne!(&sealed[NONCE_LEN..NONCE_LEN + 10], b"the answer");
        assert_eq!(mine.open(b"grpc/a/k", &sealed).unwrap(), b"the answer");
        assert_ne!(
            mine.seal(b"grpc/a/k", b"the answer"),
            sealed,
            "a fresh nonce"
        );
        assert!(mine.open(b"grpc/a/other", &sealed).is_none());
        let theirs = Sealer::new(&ServerSecrets::new(vec![2; 32]));
        assert!(theirs.open(b"grpc/a/k", &sealed).is_none());
        let mut tampered = sealed.clone();
        tampered[NONCE_LEN] ^= 1;
        assert!(mine.open(b"grpc/a/k", &tampered).is_none());
        assert!(mine.open(b"grpc/a/k", &sealed[..5]).is_none());
    }
}
