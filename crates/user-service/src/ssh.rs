//! OpenSSH public-key lines: `<type> <base64 blob> [comment]`, fingerprinted as CloudAPI
//! names keys (MD5 of the blob, colon-separated hex).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};
use roster_domain::values::{SshKeyError, SshPublicKey};

const KEY_TYPES: &[&str] = &[
    "ssh-rsa",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "ssh-dss",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

/// Parses a key line; `name` defaults to the fingerprint.
pub fn parse_public_key(line: &str, name: Option<&str>) -> Result<SshPublicKey, SshKeyError> {
    let mut parts = line.split_whitespace();
    let (Some(kind), Some(b64)) = (parts.next(), parts.next()) else {
        return Err(SshKeyError::Invalid);
    };
    if !KEY_TYPES.contains(&kind) {
        return Err(SshKeyError::Invalid);
    }
    let blob = STANDARD.decode(b64).map_err(|_| SshKeyError::Invalid)?;
    // The blob starts with the length-prefixed key type, which must agree with the line's.
    let declared = blob
        .get(..4)
        .and_then(|l| <[u8; 4]>::try_from(l).ok())
        .map(|l| u32::from_be_bytes(l) as usize)
        .and_then(|n| blob.get(4..4 + n));
    if declared != Some(kind.as_bytes()) {
        return Err(SshKeyError::Invalid);
    }
    let fp = Md5::digest(&blob)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    SshPublicKey::from_parts(name, &fp, line)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The reference's throw-away test keys and their MD5 fingerprints.
    const RSA: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC1WQWXiZEDg3NzW0z+MOrtqurYq6C3vaVqlTl0lstb7F+IRgPHXIvYrUHvzQjXnwvVV0V0D71qrJKaiXYmlltwMaSSgLewIsKERJk4qHU7uPh8Di2rorNYMsOmuajibw1LBV/5vKWMXPn4jnZLf0SnC0R3I+Qio4P+Bv77RJZs/hAqJOq43Ypwhz+eWSdYg2greegxsM/qBhqkHY9WB4pSicUOzKxAeKCknkOUbE9dwAccvuErJXu9r34fZkDvtWDfPpnqtib9gxwqngeOjX5wEPZdY9nr+0+SIjpwP4M4cyTYDDDc1h+qaW2X0t0p1ADfHRYNpQF2RV0KcLmT2KNv test-rsa";
    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICIkpA5a82ahScPpN0H0gN6uPiq8dF6cKcTKQaYJpKDK test-ed25519";
    const ECDSA: &str = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMvqcj/8wjobouu8T8cmXoQWnLM10vUXPzz3Kqmf5dyYJHodqVyoe1YBttvk+Z9GZ3e9c8LmGg89ocvgq3GCBP4= test-ecdsa";

    #[test]
    fn fingerprints_match_the_reference() {
        for (line, fp) in [
            (RSA, "a2:ae:81:24:09:3a:05:33:70:e1:b4:c9:5f:fa:c1:d6"),
            (ECDSA, "c8:65:3b:80:32:ef:ab:af:8b:9c:96:85:d6:80:ba:77"),
            (ED25519, "3d:17:4d:ae:a6:7b:be:b6:cc:b8:39:e2:4b:aa:27:ab"),
        ] {
            let k = parse_public_key(line, None).unwrap();
            assert_eq!(k.fingerprint(), fp);
            assert_eq!(k.name(), fp);
        }
        assert_eq!(
            parse_public_key(RSA, Some("laptop")).unwrap().name(),
            "laptop"
        );
    }

    #[test]
    fn malformed_lines_are_refused() {
        for bad in [
            "",
            "ssh-rsa",
            "ssh-rsa !!!",
            "ssh-foo AAAA",
            "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQAB",
        ] {
            assert_eq!(
                parse_public_key(bad, None),
                Err(SshKeyError::Invalid),
                "{bad:?}"
            );
        }
    }
}
