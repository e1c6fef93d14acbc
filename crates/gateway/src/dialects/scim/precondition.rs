//! SCIM versions (RFC 7644 §3.14): `meta.version` is the core's etag (`W/"7"`), and the
//! `ETag` header says the same. `If-Match` on a write and `If-None-Match` on a read compare
//! the opaque part, weakly (RFC 9110 §8.8.3.2), since SCIM's own versions are weak.

use super::error::ScimError;
use http::header::{IF_MATCH, IF_NONE_MATCH};
use http::{HeaderMap, HeaderName};

/// A request's `If-Match` or `If-None-Match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tags {
    /// `*`.
    Any,
    /// The opaque parts of the tags listed (`W/"7"` and `"7"` are both `7`).
    Listed(Vec<String>),
}

/// What is inside the quotes of an entity tag, weak or strong; `None` when it is malformed.
pub(crate) fn opaque(tag: &str) -> Option<&str> {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    tag.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|t| !t.contains('"'))
}

impl Tags {
    fn of(headers: &HeaderMap, name: &HeaderName) -> Option<Self> {
        let mut values = headers.get_all(name).iter().peekable();
        values.peek()?;
        let mut tags = Vec::new();
        for value in values {
            let Ok(text) = value.to_str() else { continue };
            for item in text.split(',') {
                if item.trim() == "*" {
                    return Some(Self::Any);
                }
                tags.extend(opaque(item).map(str::to_owned));
            }
        }
        Some(Self::Listed(tags))
    }

    fn matches(&self, version: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Listed(tags) => opaque(version).is_some_and(|v| tags.iter().any(|t| t == v)),
        }
    }
}

/// The conditions of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Conditions {
    pub(crate) if_match: Option<Tags>,
    pub(crate) if_none_match: Option<Tags>,
}

impl Conditions {
    pub(crate) fn of(headers: &HeaderMap) -> Self {
        Self {
            if_match: Tags::of(headers, &IF_MATCH),
            if_none_match: Tags::of(headers, &IF_NONE_MATCH),
        }
    }

    /// Whether a write may change the resource whose version is `version`: 412 when
    /// `If-Match` names another version or `If-None-Match` names this one.
    pub(crate) fn check_write(&self, version: &str) -> Result<(), ScimError> {
        let refused = self.if_match.as_ref().is_some_and(|t| !t.matches(version))
            || self
                .if_none_match
                .as_ref()
                .is_some_and(|t| t.matches(version));
        if refused {
            Err(ScimError::precondition())
        } else {
            Ok(())
        }
    }

    /// Whether a read of the resource at `version` is answered 304 (`If-None-Match`).
    pub(crate) fn not_modified(&self, version: &str) -> bool {
        self.if_none_match
            .as_ref()
            .is_some_and(|t| t.matches(version))
    }

    /// Whether a read must fail 412 (`If-Match` naming another version).
    pub(crate) fn check_read(&self, version: &str) -> Result<(), ScimError> {
        if self.if_match.as_ref().is_some_and(|t| !t.matches(version)) {
            Err(ScimError::precondition())
        } else {
            Ok(())
        }
    }

    /// Whether the client asked for a version: a write it makes must then not be retried
    /// over a concurrent change.
    pub(crate) fn pinned(&self) -> bool {
        self.if_match.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with(name: HeaderName, v: &str) -> Conditions {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(v).unwrap());
        Conditions::of(&h)
    }

    #[test]
    fn versions_compare_weakly() {
        let c = with(IF_MATCH, "W/\"3\"");
        assert!(c.check_write("W/\"3\"").is_ok());
        assert!(with(IF_MATCH, "\"3\"").check_write("W/\"3\"").is_ok());
        assert_eq!(c.check_write("W/\"4\"").unwrap_err().status, 412);
        assert!(with(IF_MATCH, "*").check_write("W/\"4\"").is_ok());
        assert!(with(IF_MATCH, "garbage").check_write("W/\"4\"").is_err());
        assert!(Conditions::default().check_write("W/\"4\"").is_ok());
    }

    #[test]
    fn if_none_match_is_304_on_reads_and_412_on_writes() {
        let c = with(IF_NONE_MATCH, "W/\"3\", W/\"5\"");
        assert!(c.not_modified("W/\"5\""));
        assert!(!c.not_modified("W/\"4\""));
        assert!(c.check_write("W/\"3\"").is_err());
        assert!(c.check_write("W/\"4\"").is_ok());
    }
}
