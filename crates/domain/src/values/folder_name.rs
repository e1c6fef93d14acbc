use std::fmt;

/// A folder's name (Forms On Fire `Folders` by name): 1-255 characters, no control
/// characters, surrounding spaces trimmed. Unique in the tenant without case, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FolderName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FolderNameError {
    #[error("folder name must be 1-255 characters long (got {0})")]
    Length(usize),
    #[error("folder name must not contain control characters")]
    Charset,
}

impl FolderName {
    pub const MAX_CHARS: usize = 255;

    pub fn parse(raw: &str) -> Result<Self, FolderNameError> {
        let s = raw.trim();
        let n = s.chars().count();
        if !(1..=Self::MAX_CHARS).contains(&n) {
            return Err(FolderNameError::Length(n));
        }
        if s.chars().any(super::is_forbidden_char) {
            return Err(FolderNameError::Charset);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lower-case form uniqueness and look-ups use.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for FolderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_checked_and_keyed_without_case() {
        let cases: &[(&str, Result<&str, FolderNameError>)] = &[
            ("  Field Reports ", Ok("Field Reports")),
            ("Ünïcode/Ok", Ok("Ünïcode/Ok")),
            ("", Err(FolderNameError::Length(0))),
            ("   ", Err(FolderNameError::Length(0))),
            ("a\tb", Err(FolderNameError::Charset)),
        ];
        for (raw, want) in cases {
            assert_eq!(
                FolderName::parse(raw).as_ref().map(FolderName::as_str),
                want.as_ref().map(|s| *s),
                "{raw:?}"
            );
        }
        assert_eq!(
            FolderName::parse(&"x".repeat(256)),
            Err(FolderNameError::Length(256))
        );
        assert_eq!(FolderName::parse("Sales").unwrap().key(), "sales");
    }
}
