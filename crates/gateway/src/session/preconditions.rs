//! Conditional writes of users (RFC 9110 §13), for the dialects whose wire has a way to say
//! them (CloudAPI and Cloud Elements): a read answers the user's `ETag`, and a write may send
//! `If-Match`. The core's etag is the user's version (`W/"7"`); HTTP shows it as the strong
//! tag `"7"`, since the version changes with every change of the user, and `If-Match`
//! compares strongly, as RFC 9110 requires: a weak tag (`W/"…"`) or one that does not parse
//! never matches. A write whose `If-Match`
//! names no current etag is refused (412) before anything is sent to the core; one that
//! matches carries the etag to the core, so that a change landing in between is refused too.

use crate::core_error::CoreError;
use http::header::{ETAG, IF_MATCH};
use http::{HeaderMap, HeaderName, HeaderValue};
use roster_proto::v1::ErrorReason;

/// A request's `If-Match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IfMatch {
    /// `*`: any current representation.
    Any,
    /// The strong etags listed (without quotes); weak or malformed ones are left out.
    Tags(Vec<String>),
}

impl IfMatch {
    /// The request's `If-Match`, `None` when it sends none.
    pub(crate) fn of(headers: &HeaderMap) -> Option<Self> {
        let mut values = headers.get_all(IF_MATCH).iter().peekable();
        values.peek()?;
        let mut tags = Vec::new();
        for value in values {
            // A value that is not text names no etag: it can only fail to match.
            let Ok(text) = value.to_str() else { continue };
            for item in text.split(',').map(str::trim) {
                if item == "*" {
                    return Some(Self::Any);
                }
                let strong = item
                    .strip_prefix('"')
                    .and_then(|t| t.strip_suffix('"'))
                    .filter(|t| !t.contains('"'));
                tags.extend(strong.map(str::to_owned));
            }
        }
        Some(Self::Tags(tags))
    }

    /// Whether a user whose core etag is `current` meets it.
    pub(crate) fn matches(&self, current: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Tags(tags) => tags.iter().any(|t| t == opaque(current)),
        }
    }
}

/// What a write sends the core as the user's etag: `current` when the request has an
/// `If-Match` that it meets, nothing without one; `Err(())` when it does not meet it.
pub(crate) fn write_etag(if_match: Option<&IfMatch>, current: &str) -> Result<String, Unmet> {
    match if_match {
        None => Ok(String::new()),
        Some(m) if m.matches(current) => Ok(current.to_owned()),
        Some(_) => Err(Unmet),
    }
}

/// A write's `If-Match` names no current etag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unmet;

impl Unmet {
    /// Whether the core refused a write because the etag it carried is no longer current: a
    /// change landed between the read and the write.
    pub(crate) fn by_core(if_match: Option<&IfMatch>, e: &CoreError) -> bool {
        if_match.is_some() && e.is(ErrorReason::EtagMismatch)
    }
}

/// What is inside the quotes of a core etag (`W/"7"` is `7`).
fn opaque(core_etag: &str) -> &str {
    let tag = core_etag.strip_prefix("W/").unwrap_or(core_etag);
    tag.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(tag)
}

/// The `ETag` header of a user whose core etag is `etag`.
pub(crate) fn etag_header(etag: &str) -> Option<(HeaderName, HeaderValue)> {
    let value = HeaderValue::from_str(&format!("\"{}\"", opaque(etag))).ok()?;
    Some((ETAG, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(values: &[&str]) -> Option<IfMatch> {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(IF_MATCH, HeaderValue::from_str(v).unwrap());
        }
        IfMatch::of(&h)
    }

    #[test]
    fn if_match_is_read_as_rfc_9110_says() {
        assert_eq!(of(&[]), None);
        assert_eq!(of(&["*"]), Some(IfMatch::Any));
        assert_eq!(
            of(&["\"a\", W/\"b\"", "\"c\""]),
            Some(IfMatch::Tags(vec!["a".into(), "c".into()]))
        );
        // Unquoted, weak or broken tags match nothing, but the header is still there.
        assert_eq!(of(&["a"]), Some(IfMatch::Tags(Vec::new())));
        assert_eq!(of(&["W/\"a\""]), Some(IfMatch::Tags(Vec::new())));
        assert_eq!(of(&["\"a"]), Some(IfMatch::Tags(Vec::new())));
    }

    #[test]
    fn a_write_carries_the_etag_only_when_if_match_is_met() {
        let tags = IfMatch::Tags(vec!["2".into(), "3".into()]);
        assert_eq!(write_etag(None, "W/\"3\""), Ok(String::new()));
        assert_eq!(write_etag(Some(&tags), "W/\"3\""), Ok("W/\"3\"".into()));
        assert_eq!(
            write_etag(Some(&IfMatch::Any), "W/\"9\""),
            Ok("W/\"9\"".into())
        );
        assert_eq!(write_etag(Some(&tags), "W/\"4\""), Err(Unmet));
        assert_eq!(
            etag_header("W/\"3\"").map(|h| h.1),
            Some(HeaderValue::from_static("\"3\""))
        );
    }
}
