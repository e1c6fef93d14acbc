/// Free text of a profile field (names, job title, address, ...): at most 1024 characters,
/// no control characters except in `address`, which may hold line breaks. Blank text means
/// "not set", so that `""` clears a field (CloudAPI's rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileText;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must be at most {max} characters long")]
    TooLong { max: usize },
    #[error("must not contain control characters")]
    Charset,
}

impl ProfileText {
    pub const MAX_CHARS: usize = 1024;

    /// `None` for blank text, the trimmed text otherwise.
    pub fn parse(raw: &str) -> Result<Option<String>, TextError> {
        Self::parse_with(raw, false)
    }

    /// As [`ProfileText::parse`], allowing `\n`, `\r` and `\t` (postal addresses).
    pub fn parse_multiline(raw: &str) -> Result<Option<String>, TextError> {
        Self::parse_with(raw, true)
    }

    fn parse_with(raw: &str, multiline: bool) -> Result<Option<String>, TextError> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(None);
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(TextError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        let bad = |c: char| super::is_forbidden_char(c) && !(multiline && "\n\r\t".contains(c));
        if s.chars().any(bad) {
            return Err(TextError::Charset);
        }
        Ok(Some(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_text_is_checked() {
        assert_eq!(ProfileText::parse("  Ann "), Ok(Some("Ann".to_owned())));
        assert_eq!(ProfileText::parse("   "), Ok(None));
        assert_eq!(ProfileText::parse("a\nb"), Err(TextError::Charset));
        assert_eq!(
            ProfileText::parse_multiline("a\nb"),
            Ok(Some("a\nb".to_owned()))
        );
        assert_eq!(
            ProfileText::parse(&"x".repeat(1025)),
            Err(TextError::TooLong { max: 1024 })
        );
    }
}
