//! SSH public keys and request signatures, through roster-httpsig.

use roster_domain::ports::SignatureVerifier;
use roster_domain::values::{SshKeyError, SshPublicKey};
use roster_httpsig::{Algorithm, PublicKey};

/// Parses an OpenSSH key line; `name` defaults to the MD5 fingerprint.
pub fn parse_public_key(line: &str, name: Option<&str>) -> Result<SshPublicKey, SshKeyError> {
    let key = PublicKey::parse_openssh(line).map_err(|_| SshKeyError::Invalid)?;
    SshPublicKey::from_parts(name, &key.fingerprint_md5(), &key.openssh())
}

/// Verifies HTTP Signatures against stored keys.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HttpSignatures;

impl SignatureVerifier for HttpSignatures {
    fn verify(
        &self,
        key: &SshPublicKey,
        algorithm: &str,
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        let Ok(alg) = Algorithm::parse(algorithm) else {
            return false;
        };
        PublicKey::parse_openssh(key.line())
            .is_ok_and(|k| k.verify(alg, message, signature).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The reference's throw-away test keys and their MD5 fingerprints.
    const RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC1WQWXiZEDg3NzW0z+MOrtqurYq6C3vaVqlTl0lstb7F+IRgPHXIvYrUHvzQjXnwvVV0V0D71qrJKaiXYmlltwMaSSgLewIsKERJk4qHU7uPh8Di2rorNYMsOmuajibw1LBV/5vKWMXPn4jnZLf0SnC0R3I+Qio4P+Bv77RJZs/hAqJOq43Ypwhz+eWSdYg2greegxsM/qBhqkHY9WB4pSicUOzKxAeKCknkOUbE9dwAccvuErJXu9r34fZkDvtWDfPpnqtib9gxwqngeOjX5wEPZdY9nr+0+SIjpwP4M4cyTYDDDc1h+qaW2X0t0p1ADfHRYNpQF2RV0KcLmT2KNv test-rsa";
    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICIkpA5a82ahScPpN0H0gN6uPiq8dF6cKcTKQaYJpKDK test-ed25519";

    #[test]
    fn keys_get_their_fingerprint_as_default_name() {
        let k = parse_public_key(RSA, None).unwrap();
        assert_eq!(
            k.fingerprint(),
            "a2:ae:81:24:09:3a:05:33:70:e1:b4:c9:5f:fa:c1:d6"
        );
        assert_eq!(k.name(), k.fingerprint());
        assert_eq!(
            parse_public_key(ED25519, Some("laptop")).unwrap().name(),
            "laptop"
        );
        assert_eq!(
            parse_public_key("ssh-rsa !!!", None),
            Err(SshKeyError::Invalid)
        );
    }

    #[test]
    fn the_reference_signature_verifies_and_a_forgery_does_not() {
        let key = parse_public_key(ED25519, None).unwrap();
        let msg = b"(request-target): get /acme/users\ndate: Wed, 25 Nov 2026 01:33:44 GMT";
        let sig = base64_decode(
            "iER0adkGMPgw4BmhqIMOn8yCqQMU+DOYrC0OSOtuYAMkmtuAhwmBSXGp2WRDdPZg+6HPi/8GA0ZQfz+sPdB7Ag==",
        );
        assert!(HttpSignatures.verify(&key, "ed25519-sha512", msg, &sig));
        assert!(!HttpSignatures.verify(&key, "ed25519-sha512", b"other", &sig));
        assert!(!HttpSignatures.verify(&key, "rsa-sha256", msg, &sig));
        assert!(!HttpSignatures.verify(&key, "hmac-sha256", msg, &sig));
    }

    fn base64_decode(s: &str) -> Vec<u8> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode(s).unwrap()
    }
}
