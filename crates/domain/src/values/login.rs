use std::fmt;

/// A user's login: unique in its tenant, compared without case.
///
/// 1-254 characters, none of them whitespace or control characters. Every valid email is a
/// valid login, so a user created from an email alone gets its email as login. Dialects with
/// stricter rules (CloudAPI's pattern) check them on top.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Login(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("login must be 1-254 characters long (got {0})")]
    Length(usize),
    #[error("login must not contain whitespace or control characters")]
    Charset,
}

impl Login {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, LoginError> {
        let s = raw.trim();
        let n = s.chars().count();
        if !(1..=Self::MAX_CHARS).contains(&n) {
            return Err(LoginError::Length(n));
        }
        if s.chars()
            .any(|c| c.is_whitespace() || super::is_forbidden_char(c))
        {
            return Err(LoginError::Charset);
        }
        Ok(Self(s.to_owned()))
    }

    /// The login a user gets when only an email is given.
    pub fn from_email(email: &super::Email) -> Self {
        // An email is at most 254 characters of printable ASCII: always a valid login.
        Self(email.as_str().to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form uniqueness is decided on.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_checked() {
        let cases: &[(&str, Result<&str, LoginError>)] = &[
            ("alice", Ok("alice")),
            ("  Bob.Smith ", Ok("Bob.Smith")),
            ("j.doe+x@example.com", Ok("j.doe+x@example.com")),
            ("7up", Ok("7up")),
            ("", Err(LoginError::Length(0))),
            ("_x", Ok("_x")),
            ("a b", Err(LoginError::Charset)),
            ("a\u{0}b", Err(LoginError::Charset)),
        ];
        for (raw, want) in cases {
            let got = Login::parse(raw);
            assert_eq!(
                got.as_ref().map(Login::as_str),
                want.as_ref().map(|s| *s),
                "{raw:?}"
            );
        }
        assert!(matches!(
            Login::parse(&"a".repeat(255)),
            Err(LoginError::Length(255))
        ));
    }

    #[test]
    fn the_key_ignores_case() {
        assert_eq!(Login::parse("AlIce").unwrap().key(), "alice");
    }
}
