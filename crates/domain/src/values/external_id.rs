use std::fmt;

/// An identifier a client keeps for a user or group in its own system. Unique in the
/// tenant when set. 1-50 characters (Forms On Fire's limit), no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExternalId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExternalIdError {
    #[error("external id must be 1-50 characters long (got {0})")]
    Length(usize),
    #[error("external id must not contain control characters")]
    Charset,
}

impl ExternalId {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(raw: &str) -> Result<Self, ExternalIdError> {
        let s = raw.trim();
        let n = s.chars().count();
        if !(1..=Self::MAX_CHARS).contains(&n) {
            return Err(ExternalIdError::Length(n));
        }
        if s.chars().any(super::is_forbidden_char) {
            return Err(ExternalIdError::Charset);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_checked() {
        assert_eq!(
            ExternalId::parse(" EMP-0042 ").unwrap().as_str(),
            "EMP-0042"
        );
        assert_eq!(ExternalId::parse(""), Err(ExternalIdError::Length(0)));
        assert_eq!(
            ExternalId::parse(&"x".repeat(51)),
            Err(ExternalIdError::Length(51))
        );
        assert!(ExternalId::parse(&"é".repeat(50)).is_ok());
        assert_eq!(ExternalId::parse("a\tb"), Err(ExternalIdError::Charset));
    }
}
