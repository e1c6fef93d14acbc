//! OpenSSH public keys: `<type> <base64 blob> [comment]`, their fingerprints, and signature
//! verification for the algorithms CloudAPI accepts.

use crate::header::Algorithm;
use crate::wire::Reader;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use md5::Md5;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Rsa,
    EcdsaP256,
    EcdsaP384,
    Ed25519,
}

impl KeyKind {
    /// The OpenSSH key type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rsa => "ssh-rsa",
            Self::EcdsaP256 => "ecdsa-sha2-nistp256",
            Self::EcdsaP384 => "ecdsa-sha2-nistp384",
            Self::Ed25519 => "ssh-ed25519",
        }
    }

    fn from_type(t: &str) -> Option<Self> {
        [Self::Rsa, Self::EcdsaP256, Self::EcdsaP384, Self::Ed25519]
            .into_iter()
            .find(|k| k.as_str() == t)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("a key line is `<type> <base64> [comment]`")]
    Shape,
    #[error("unsupported key type `{0}`")]
    UnsupportedType(String),
    #[error("the key is not valid base64")]
    Base64,
    #[error("the key blob is malformed")]
    Blob,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("algorithm {0} does not fit a {1} key")]
    AlgorithmMismatch(&'static str, &'static str),
    #[error("the signature is malformed")]
    Malformed,
    #[error("the signature does not verify")]
    Invalid,
}

/// The parsed key material.
#[derive(Debug, Clone)]
enum Material {
    Rsa(rsa::PublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// An OpenSSH public key.
#[derive(Debug, Clone)]
pub struct PublicKey {
    kind: KeyKind,
    blob: Vec<u8>,
    comment: Option<String>,
    material: Material,
}

fn material(kind: KeyKind, blob: &[u8]) -> Option<Material> {
    let mut r = Reader::new(blob);
    let declared = r.string()?;
    if declared != kind.as_str().as_bytes() {
        return None;
    }
    let m = match kind {
        KeyKind::Rsa => {
            let e = r.mpint()?;
            let n = r.mpint()?;
            let bits = |b: &[u8]| u32::try_from(b.len() * 8).ok();
            let n = rsa::BoxedUint::from_be_slice(n, bits(n)?).ok()?;
            let e = rsa::BoxedUint::from_be_slice(e, bits(e)?.max(64)).ok()?;
            Material::Rsa(rsa::PublicKey::new(n, e).ok()?)
        }
        KeyKind::EcdsaP256 | KeyKind::EcdsaP384 => {
            let curve = r.string()?;
            let point = r.string()?;
            match kind {
                KeyKind::EcdsaP256 if curve == b"nistp256" => {
                    Material::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(point).ok()?)
                }
                KeyKind::EcdsaP384 if curve == b"nistp384" => {
                    Material::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(point).ok()?)
                }
                KeyKind::EcdsaP256 | KeyKind::EcdsaP384 | KeyKind::Rsa | KeyKind::Ed25519 => {
                    return None;
                }
            }
        }
        KeyKind::Ed25519 => {
            let bytes: &[u8; 32] = r.string()?.try_into().ok()?;
            Material::Ed25519(ed25519_dalek::VerifyingKey::from_bytes(bytes).ok()?)
        }
    };
    // Nothing may follow the key fields.
    r.is_empty().then_some(m)
}

impl PublicKey {
    /// Parses `<type> <base64 blob> [comment...]`.
    pub fn parse_openssh(line: &str) -> Result<Self, KeyError> {
        let mut parts = line.split_whitespace();
        let (Some(kind), Some(b64)) = (parts.next(), parts.next()) else {
            return Err(KeyError::Shape);
        };
        let kind =
            KeyKind::from_type(kind).ok_or_else(|| KeyError::UnsupportedType(kind.to_owned()))?;
        let blob = STANDARD.decode(b64).map_err(|_| KeyError::Base64)?;
        let material = material(kind, &blob).ok_or(KeyError::Blob)?;
        let comment: Vec<&str> = parts.collect();
        let comment = (!comment.is_empty()).then(|| comment.join(" "));
        Ok(Self {
            kind,
            blob,
            comment,
            material,
        })
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    pub fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }

    /// The one-line OpenSSH form.
    pub fn openssh(&self) -> String {
        let mut s = format!("{} {}", self.kind.as_str(), STANDARD.encode(&self.blob));
        if let Some(c) = &self.comment {
            s.push(' ');
            s.push_str(c);
        }
        s
    }

    /// MD5 of the blob as colon-separated lower-case hex (CloudAPI's key ids).
    pub fn fingerprint_md5(&self) -> String {
        Md5::digest(&self.blob)
            .iter()
            .fold(String::with_capacity(47), |mut s, b| {
                if !s.is_empty() {
                    s.push(':');
                }
                let _ = write!(s, "{b:02x}");
                s
            })
    }

    /// `SHA256:` and the unpadded base64 of the blob's SHA-256 (OpenSSH's default).
    pub fn fingerprint_sha256(&self) -> String {
        format!(
            "SHA256:{}",
            STANDARD_NO_PAD.encode(Sha256::digest(&self.blob))
        )
    }

    /// Checks `signature` over `message`: PKCS#1 v1.5 for RSA, ASN.1 DER `(r, s)` for ECDSA,
    /// the raw 64 bytes for Ed25519.
    pub fn verify(
        &self,
        algorithm: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), VerifyError> {
        use signature_traits::Verifier as _;
        let mismatch = || VerifyError::AlgorithmMismatch(algorithm.as_str(), self.kind.as_str());
        let invalid = |_| VerifyError::Invalid;
        match (&self.material, algorithm) {
            (Material::Rsa(k), Algorithm::RsaSha256) => {
                let sig = rsa::pkcs1v15::Signature::try_from(signature)
                    .map_err(|_| VerifyError::Malformed)?;
                rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(k.clone())
                    .verify(message, &sig)
                    .map_err(invalid)
            }
            (Material::Rsa(k), Algorithm::RsaSha512) => {
                let sig = rsa::pkcs1v15::Signature::try_from(signature)
                    .map_err(|_| VerifyError::Malformed)?;
                rsa::pkcs1v15::VerifyingKey::<sha2::Sha512>::new(k.clone())
                    .verify(message, &sig)
                    .map_err(invalid)
            }
            (Material::P256(k), Algorithm::EcdsaSha256) => {
                let sig = p256::ecdsa::Signature::from_der(signature)
                    .map_err(|_| VerifyError::Malformed)?;
                k.verify(message, &sig).map_err(invalid)
            }
            (Material::P384(k), Algorithm::EcdsaSha384) => {
                let sig = p384::ecdsa::Signature::from_der(signature)
                    .map_err(|_| VerifyError::Malformed)?;
                k.verify(message, &sig).map_err(invalid)
            }
            (Material::Ed25519(k), Algorithm::Ed25519Sha512) => {
                let sig = ed25519_dalek::Signature::from_slice(signature)
                    .map_err(|_| VerifyError::Malformed)?;
                k.verify(message, &sig).map_err(invalid)
            }
            (
                Material::Rsa(_) | Material::P256(_) | Material::P384(_) | Material::Ed25519(_),
                _,
            ) => Err(mismatch()),
        }
    }
}

/// The `signature` crate under a name that does not clash with our parameters.
mod signature_traits {
    pub(crate) use rsa::signature::Verifier;
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC1WQWXiZEDg3NzW0z+MOrtqurYq6C3vaVqlTl0lstb7F+IRgPHXIvYrUHvzQjXnwvVV0V0D71qrJKaiXYmlltwMaSSgLewIsKERJk4qHU7uPh8Di2rorNYMsOmuajibw1LBV/5vKWMXPn4jnZLf0SnC0R3I+Qio4P+Bv77RJZs/hAqJOq43Ypwhz+eWSdYg2greegxsM/qBhqkHY9WB4pSicUOzKxAeKCknkOUbE9dwAccvuErJXu9r34fZkDvtWDfPpnqtib9gxwqngeOjX5wEPZdY9nr+0+SIjpwP4M4cyTYDDDc1h+qaW2X0t0p1ADfHRYNpQF2RV0KcLmT2KNv test-rsa";
    pub(crate) const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMvqcj/8wjobouu8T8cmXoQWnLM10vUXPzz3Kqmf5dyYJHodqVyoe1YBttvk+Z9GZ3e9c8LmGg89ocvgq3GCBP4= test-ecdsa";
    pub(crate) const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICIkpA5a82ahScPpN0H0gN6uPiq8dF6cKcTKQaYJpKDK test-ed25519";

    const RSA_SIG: &str = "iw6A6suYoW2MQNp+NMBqvM0Jejls1jBvXu0MKZYG3zCdtyv0f319dSW//yzAmreFgHNnYJsIShNkrBOKD8RT2I9DzWgeNe2mP5vGh01/OQVokGc5GjgIq+1GLs4/2Q+tuI/k9Mh2VQCVImZTJZTcnkmFPRHAFgSmwPQ7x6X2ZGRaUyWxWPLQwLA4j3L7M82iR/yAzvOHqyGpSBCJDHa1UDA8BrCf/RRJDV2vccOdaltnEKWkkkOuOfBcwvF03/02Qone53a2XEACMzS47eX3BaPVCnKNLFFs3y9n25OjsGNPc2m63PmEL6Pj8SJvzcINV+spsR+zUedRCJo9jJlr2g==";
    const RSA_POST_SIG: &str = "qCqCKLDDufUUMv0PMrs1pIDODY9dSfAhd8X3o+dGGyHmmpQHx6Fk0oGZdA5xrWRGED+l9RNrwLaM/Tu947SsJwNsZIVOVbCEMJDskic/wo8GnGDHwvLg/9R9FySTd9UwnYRcdMMvGhNUAGZ+R7CiGz73KiY3WW2G9lrNBrFKhSwUfgPm+TwPrU+HOU31F9w+0p/d3jxoV3oL7CJ9B3IvvcSZOIu8eejeLDXb9Je9eIw0A9LyY7c41CvM1CeWzlTXuu87mJH8qKCA5kyZbqruAimQbznhYg1C4V8UBjuZ+9BRmlslJSyU8vKem0Q9OYBDy7uOhwrmSDHmH+cTYlR83g==";
    const ECDSA_SIG: &str = "MEYCIQD/8OPp1XHXZMCRe26VdzTMuywn8yJs8+0tKr9ufLxr1AIhAP8mCTmU7szUBOgi1ZKocCz3oViCplxDxCltJqzq+D7a";
    const ED_SIG: &str =
        "iER0adkGMPgw4BmhqIMOn8yCqQMU+DOYrC0OSOtuYAMkmtuAhwmBSXGp2WRDdPZg+6HPi/8GA0ZQfz+sPdB7Ag==";

    fn get(date: &str) -> Vec<u8> {
        format!("(request-target): get /acme/users\ndate: {date}").into_bytes()
    }

    /// (key, algorithm, signature, message) for every captured request of the reference.
    fn vectors() -> Vec<(&'static str, Algorithm, Vec<u8>, Vec<u8>)> {
        let sig = |s: &str| STANDARD.decode(s).unwrap();
        vec![
            (
                RSA,
                Algorithm::RsaSha256,
                sig(RSA_SIG),
                get("Wed, 25 Nov 2026 01:33:07 GMT"),
            ),
            (
                RSA,
                Algorithm::RsaSha256,
                sig(RSA_POST_SIG),
                b"(request-target): post /acme/users\ndate: Wed, 25 Nov 2026 01:33:17 GMT".to_vec(),
            ),
            (
                ECDSA,
                Algorithm::EcdsaSha256,
                sig(ECDSA_SIG),
                get("Wed, 25 Nov 2026 01:33:43 GMT"),
            ),
            (
                ED25519,
                Algorithm::Ed25519Sha512,
                sig(ED_SIG),
                get("Wed, 25 Nov 2026 01:33:44 GMT"),
            ),
        ]
    }

    #[test]
    fn the_reference_signatures_verify() {
        for (key, alg, sig, msg) in vectors() {
            let k = PublicKey::parse_openssh(key).unwrap();
            assert_eq!(k.verify(alg, &msg, &sig), Ok(()), "{alg:?}");
        }
    }

    #[test]
    fn altered_signatures_messages_keys_and_algorithms_do_not_verify() {
        let other = PublicKey::parse_openssh(ED25519).unwrap();
        for (key, alg, sig, msg) in vectors() {
            let k = PublicKey::parse_openssh(key).unwrap();
            let mut bad = sig.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            assert!(
                k.verify(alg, &msg, &bad).is_err(),
                "{alg:?} altered signature"
            );
            let mut other_msg = msg.clone();
            let end = other_msg.len() - 1;
            other_msg[end] ^= 1;
            assert!(
                k.verify(alg, &other_msg, &sig).is_err(),
                "{alg:?} other date"
            );
            if key != ED25519 {
                assert!(other.verify(alg, &msg, &sig).is_err(), "{alg:?} other key");
            }
            let wrong = if alg == Algorithm::RsaSha256 {
                Algorithm::EcdsaSha256
            } else {
                Algorithm::RsaSha256
            };
            assert!(matches!(
                k.verify(wrong, &msg, &sig),
                Err(VerifyError::AlgorithmMismatch(..))
            ));
        }
        let p256 = PublicKey::parse_openssh(ECDSA).unwrap();
        let (_, _, sig, msg) = &vectors()[2];
        assert!(
            p256.verify(Algorithm::EcdsaSha384, msg, sig).is_err(),
            "a P-256 key with sha384"
        );
    }

    #[test]
    fn fingerprints_match_the_reference() {
        let rsa = PublicKey::parse_openssh(RSA).unwrap();
        assert_eq!(
            rsa.fingerprint_md5(),
            "a2:ae:81:24:09:3a:05:33:70:e1:b4:c9:5f:fa:c1:d6"
        );
        assert_eq!(
            rsa.fingerprint_sha256(),
            "SHA256:r++ueWCgXx9R3x1ipbeavqY/kdIhicsu2kxqWbqyQsE"
        );
        assert_eq!(
            PublicKey::parse_openssh(ECDSA).unwrap().fingerprint_md5(),
            "c8:65:3b:80:32:ef:ab:af:8b:9c:96:85:d6:80:ba:77"
        );
        assert_eq!(
            PublicKey::parse_openssh(ED25519).unwrap().fingerprint_md5(),
            "3d:17:4d:ae:a6:7b:be:b6:cc:b8:39:e2:4b:aa:27:ab"
        );
        assert_eq!(rsa.comment(), Some("test-rsa"));
        assert_eq!(rsa.kind(), KeyKind::Rsa);
        assert_eq!(
            PublicKey::parse_openssh(&rsa.openssh())
                .unwrap()
                .fingerprint_md5(),
            rsa.fingerprint_md5()
        );
    }

    #[test]
    fn malformed_lines_are_errors() {
        let ed_b64 = ED25519.split_whitespace().nth(1).unwrap();
        let cases = [
            (String::new(), KeyError::Shape),
            ("ssh-rsa".to_owned(), KeyError::Shape),
            ("ssh-rsa !!!".to_owned(), KeyError::Base64),
            (
                "ssh-dss AAAA".to_owned(),
                KeyError::UnsupportedType("ssh-dss".into()),
            ),
            (format!("ssh-rsa {ed_b64}"), KeyError::Blob),
            (format!("ssh-ed25519 {}", &ed_b64[..40]), KeyError::Blob),
            (format!("ssh-ed25519 {}", &ed_b64[..41]), KeyError::Base64),
        ];
        for (line, want) in cases {
            assert_eq!(
                PublicKey::parse_openssh(&line).err(),
                Some(want),
                "{line:?}"
            );
        }
    }

    /// Truncated and garbled blobs of every kind never panic.
    #[test]
    fn garbled_blobs_never_panic() {
        for line in [RSA, ECDSA, ED25519] {
            let mut parts = line.split_whitespace();
            let (kind, b64) = (parts.next().unwrap(), parts.next().unwrap());
            let blob = STANDARD.decode(b64).unwrap();
            for cut in 0..blob.len() {
                let _ =
                    PublicKey::parse_openssh(&format!("{kind} {}", STANDARD.encode(&blob[..cut])));
            }
            for i in (0..blob.len()).step_by(3) {
                let mut b = blob.clone();
                b[i] = b[i].wrapping_add(0x5a);
                if let Ok(k) = PublicKey::parse_openssh(&format!("{kind} {}", STANDARD.encode(&b)))
                {
                    let _ = k.verify(Algorithm::RsaSha256, b"m", &[0; 10]);
                    let _ = k.verify(Algorithm::EcdsaSha256, b"m", &[0x30, 0x02, 0, 0]);
                    let _ = k.verify(Algorithm::Ed25519Sha512, b"m", &[0; 64]);
                }
            }
        }
    }
}
