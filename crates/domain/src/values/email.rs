use std::fmt;

/// An email address: unique in its tenant, compared without case, kept as written.
///
/// `local@domain`, at most 254 characters. The local part is 1-64 of the RFC 5322 `atext`
/// characters and dots (CloudAPI's rule); the domain is dot-separated labels of letters, digits
/// and inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("email must not be empty")]
    Empty,
    #[error("email must be at most 254 characters long")]
    TooLong,
    #[error("email must look like name@example.com")]
    Shape,
    #[error("email has an invalid character before '@'")]
    Local,
    #[error("email has an invalid domain")]
    Domain,
}

const LOCAL_SPECIALS: &str = ".!#$%&'*+-/=?^_`{|}~";

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError::Shape)?;
        if local.is_empty() || domain.is_empty() {
            return Err(EmailError::Shape);
        }
        let local_ok = local.len() <= 64
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c));
        if !local_ok {
            return Err(EmailError::Local);
        }
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if !domain.split('.').all(label_ok) {
            return Err(EmailError::Domain);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form uniqueness is decided on.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked() {
        let cases: &[(&str, Result<(), EmailError>)] = &[
            ("john@example.com", Ok(())),
            ("John.Doe+tag@Sub.Example.co.uk", Ok(())),
            ("o'neil@example.com", Ok(())),
            ("root@localhost", Ok(())),
            ("", Err(EmailError::Empty)),
            ("nope", Err(EmailError::Shape)),
            ("@example.com", Err(EmailError::Shape)),
            ("a@", Err(EmailError::Shape)),
            ("a b@example.com", Err(EmailError::Local)),
            ("a@exa mple.com", Err(EmailError::Domain)),
            ("a@-example.com", Err(EmailError::Domain)),
            ("a@example..com", Err(EmailError::Domain)),
            ("a@b@example.com", Err(EmailError::Local)),
        ];
        for (raw, want) in cases {
            assert_eq!(Email::parse(raw).map(|_| ()), *want, "{raw:?}");
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert_eq!(Email::parse(&long), Err(EmailError::Local));
    }

    #[test]
    fn case_is_kept_but_ignored_by_the_key() {
        let e = Email::parse("Ann@Example.COM").unwrap();
        assert_eq!(e.as_str(), "Ann@Example.COM");
        assert_eq!(e.key(), "ann@example.com");
    }

    /// Whatever the local part and domain labels, a well-formed address parses and keeps
    /// its text (a small generated table rather than a property-test dependency).
    #[test]
    fn generated_valid_addresses_round_trip() {
        let locals = ["a", "a.b", "x+y", "A_B-c", "9", "q'r", "{t}"];
        let domains = ["e.com", "x-y.example", "localhost", "a1.b2.c3"];
        for l in locals {
            for d in domains {
                let raw = format!("{l}@{d}");
                assert_eq!(
                    Email::parse(&raw).map(|e| e.as_str().to_owned()),
                    Ok(raw.clone())
                );
            }
        }
    }
}
