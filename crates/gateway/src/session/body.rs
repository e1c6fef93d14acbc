//! Request bodies, read once for every dialect: the media type from `Content-Type` by its
//! essence (never by prefix: `application/jsonx` is not JSON), and the bytes up to the
//! dialect's limit without buffering more. Each dialect passes its own [`BodyRules`] and says
//! a [`BodyError`] in its own words.

use axum::body::Body;
use bytes::Bytes;
use http::HeaderMap;

/// A body format a dialect may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Media {
    /// `application/json`, `text/json` or any `…+json`.
    Json,
    /// `application/xml`, `text/xml` or any `…+xml`.
    Xml,
    /// `application/x-www-form-urlencoded`.
    Form,
}

/// What one dialect (or route) reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyRules {
    pub(crate) max_bytes: usize,
    pub(crate) accept: &'static [Media],
    /// How a body without a Content-Type is read; `None` refuses it.
    pub(crate) untyped: Option<Media>,
    /// Types some clients send when their caller set none (curl `-d` sends a form type):
    /// read as untyped rather than refused.
    pub(crate) as_untyped: &'static [&'static str],
}

impl BodyRules {
    pub(crate) const fn json(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            accept: &[Media::Json],
            untyped: None,
            as_untyped: &[],
        }
    }
}

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BodyError {
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the request body could not be read")]
    Unreadable,
    /// The essence of the type that was sent, `""` for none (at most 100 characters).
    #[error("Content-Type '{0}' is not supported")]
    MediaType(String),
}

fn essence(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get(http::header::CONTENT_TYPE)?;
    let text = raw.to_str().unwrap_or("\u{0}");
    let e = text.split(';').next().unwrap_or_default().trim();
    (!e.is_empty()).then(|| e.to_ascii_lowercase())
}

fn media_of(essence: &str) -> Option<Media> {
    match essence {
        "application/json" | "text/json" => Some(Media::Json),
        "application/xml" | "text/xml" => Some(Media::Xml),
        "application/x-www-form-urlencoded" => Some(Media::Form),
        e if e.ends_with("+json") => Some(Media::Json),
        e if e.ends_with("+xml") => Some(Media::Xml),
        _ => None,
    }
}

/// The format the body is declared in, by `rules`.
pub(crate) fn media_type(headers: &HeaderMap, rules: &BodyRules) -> Result<Media, BodyError> {
    let refused = |e: &str| BodyError::MediaType(e.chars().take(100).collect());
    let Some(e) = essence(headers) else {
        return rules.untyped.ok_or_else(|| refused(""));
    };
    if rules.as_untyped.contains(&e.as_str())
        && let Some(m) = rules.untyped
    {
        return Ok(m);
    }
    media_of(&e)
        .filter(|m| rules.accept.contains(m))
        .ok_or_else(|| refused(&e))
}

/// The raw bytes, refusing more than `rules.max_bytes`.
pub(crate) async fn read(body: Body, rules: &BodyRules) -> Result<Bytes, BodyError> {
    axum::body::to_bytes(body, rules.max_bytes)
        .await
        .map_err(|e| {
            // `to_bytes` reports the limit as a length-limit error somewhere in the source chain.
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(s) = source {
                if s.is::<http_body_util::LengthLimitError>() {
                    return BodyError::TooLarge(rules.max_bytes);
                }
                source = s.source();
            }
            BodyError::Unreadable
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn typed(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_str(ct).unwrap(),
        );
        h
    }

    const LENIENT_XML: BodyRules = BodyRules {
        max_bytes: 10,
        accept: &[Media::Json, Media::Xml],
        untyped: Some(Media::Xml),
        as_untyped: &["text/plain"],
    };

    #[test]
    fn types_are_matched_by_essence_never_by_prefix() {
        let json = BodyRules::json(10);
        for ok in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/merge-patch+json",
            "text/json",
        ] {
            assert_eq!(media_type(&typed(ok), &json), Ok(Media::Json), "{ok}");
        }
        for bad in ["application/jsonx", "text/plain", "application/xml"] {
            assert!(media_type(&typed(bad), &json).is_err(), "{bad}");
        }
        assert_eq!(
            media_type(&HeaderMap::new(), &json),
            Err(BodyError::MediaType(String::new()))
        );
    }

    #[test]
    fn untyped_bodies_follow_the_rules() {
        assert_eq!(media_type(&HeaderMap::new(), &LENIENT_XML), Ok(Media::Xml));
        assert_eq!(
            media_type(&typed("text/plain"), &LENIENT_XML),
            Ok(Media::Xml)
        );
        assert_eq!(
            media_type(&typed("application/json"), &LENIENT_XML),
            Ok(Media::Json)
        );
        assert!(media_type(&typed("application/x-www-form-urlencoded"), &LENIENT_XML).is_err());
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused() {
        let rules = BodyRules::json(4);
        assert_eq!(
            read(Body::from("abcd"), &rules).await.unwrap(),
            Bytes::from("abcd")
        );
        assert_eq!(
            read(Body::from("abcde"), &rules).await,
            Err(BodyError::TooLarge(4))
        );
    }
}
