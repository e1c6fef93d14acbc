use std::fmt;

/// An SSH public key registered for a tenant owner or a user: its OpenSSH line, the MD5
/// fingerprint CloudAPI names it by (`aa:bb:...`), and a name (the fingerprint by default).
///
/// Decoding the key blob and hashing it is the adapter's job; this type checks the shape of
/// what the adapter computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshPublicKey {
    name: String,
    fingerprint: String,
    line: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SshKeyError {
    #[error("key is invalid")]
    Invalid,
    #[error("key name must be 1-128 characters without '/' or control characters")]
    Name,
}

impl SshPublicKey {
    pub fn from_parts(
        name: Option<&str>,
        fingerprint: &str,
        line: &str,
    ) -> Result<Self, SshKeyError> {
        let fp_ok = fingerprint.len() == 47
            && fingerprint.split(':').count() == 16
            && fingerprint
                .split(':')
                .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()));
        let line = line.trim();
        if !fp_ok || line.split_whitespace().count() < 2 || line.len() > 16 * 1024 {
            return Err(SshKeyError::Invalid);
        }
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(fingerprint);
        let name_ok = (1..=128).contains(&name.chars().count())
            && !name
                .chars()
                .any(|c| c == '/' || super::is_forbidden_char(c));
        if !name_ok {
            return Err(SshKeyError::Name);
        }
        Ok(Self {
            name: name.to_owned(),
            fingerprint: fingerprint.to_ascii_lowercase(),
            line: line.to_owned(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    pub fn line(&self) -> &str {
        &self.line
    }
}

impl fmt::Display for SshPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.fingerprint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "a2:ae:81:24:09:3a:05:33:70:e1:b4:c9:5f:fa:c1:d6";

    #[test]
    fn keys_default_their_name_to_the_fingerprint() {
        let k = SshPublicKey::from_parts(None, FP, "ssh-rsa AAAA test").unwrap();
        assert_eq!(k.name(), FP);
        assert_eq!(
            SshPublicKey::from_parts(None, "zz", "ssh-rsa AAAA"),
            Err(SshKeyError::Invalid)
        );
        assert_eq!(
            SshPublicKey::from_parts(None, FP, "ssh-rsa"),
            Err(SshKeyError::Invalid)
        );
        assert_eq!(
            SshPublicKey::from_parts(Some("a/b"), FP, "ssh-rsa A"),
            Err(SshKeyError::Name)
        );
    }
}
