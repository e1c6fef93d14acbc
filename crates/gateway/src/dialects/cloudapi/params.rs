//! Request parameters as restify's `bodyParser({mapParams, overrideParams})` gives them:
//! the query string, then the body (JSON, or form-encoded where the route allows it), body
//! winning; `Content-MD5` checked when sent.

use super::error::ApiError;
use crate::session::body::{self, BodyRules, Media};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::HeaderMap;
use md5::{Digest, Md5};
use serde_json::{Map, Value};

#[derive(Debug, Default, Clone)]
pub(crate) struct Params(Map<String, Value>);

/// The largest body a CloudAPI route reads.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Which bodies a route reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bodies {
    /// JSON only; anything else is 415 (routes that declare a content type).
    Json,
    /// JSON or `application/x-www-form-urlencoded`.
    JsonOrForm,
}

impl Bodies {
    pub(crate) fn rules(self) -> BodyRules {
        match self {
            Self::Json => BodyRules::json(MAX_BODY_BYTES),
            Self::JsonOrForm => BodyRules {
                accept: &[Media::Json, Media::Form],
                ..BodyRules::json(MAX_BODY_BYTES)
            },
        }
    }
}

fn query_pairs(query: Option<&str>) -> Map<String, Value> {
    let pairs: Vec<(String, String)> = query
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    pairs
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect()
}

impl Params {
    pub(crate) fn parse(
        query: Option<&str>,
        headers: &HeaderMap,
        body: &Bytes,
        bodies: Bodies,
    ) -> Result<Self, ApiError> {
        if let Some(sent) = headers.get("content-md5").and_then(|v| v.to_str().ok()) {
            let actual = STANDARD.encode(Md5::digest(body));
            if sent.trim() != actual {
                return Err(ApiError::bad_digest(format!(
                    "Content-MD5 '{sent}' didn't match '{actual}'"
                )));
            }
        }
        let mut params = query_pairs(query);
        if body.is_empty() {
            return Ok(Self(params));
        }
        let from_body: Map<String, Value> = match body::media_type(headers, &bodies.rules()) {
            Ok(Media::Json) => match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(m)) => m,
                Ok(_) => {
                    return Err(ApiError::invalid_content(
                        "Invalid JSON: the body must be an object",
                    ));
                }
                Err(e) => return Err(ApiError::invalid_content(format!("Invalid JSON: {e}"))),
            },
            Ok(Media::Form) => query_pairs(std::str::from_utf8(body).ok()),
            Ok(Media::Xml) | Err(_) => {
                let sent = headers
                    .get(http::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.split(';').next())
                    .map(|v| v.trim().to_ascii_lowercase())
                    .filter(|v| !v.is_empty());
                return Err(ApiError::unsupported_media_type(format!(
                    "{} is not supported",
                    sent.as_deref().unwrap_or("(none)")
                )));
            }
        };
        params.extend(from_body);
        Ok(Self(params))
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// A parameter as text; numbers and booleans are spelt out, `null` is absent.
    pub(crate) fn text(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null | Value::Array(_) | Value::Object(_) => None,
        }
    }

    /// A non-empty text parameter.
    pub(crate) fn required(&self, name: &str) -> Option<String> {
        self.text(name).filter(|s| !s.is_empty())
    }

    /// Whether the parameter was sent at all (even empty).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|v| !v.is_null())
    }

    /// JavaScript truthiness of a query flag (`?membership=false` is truthy, as in CloudAPI).
    pub(crate) fn truthy(&self, name: &str) -> bool {
        match self.0.get(name) {
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
            Some(Value::Array(_) | Value::Object(_)) => true,
            Some(Value::Null) | None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::CONTENT_TYPE, ct.parse().unwrap());
        h
    }

    #[test]
    fn the_body_overrides_the_query() {
        let body = Bytes::from_static(br#"{"login":"bob","email":"b@x.io"}"#);
        let p = Params::parse(
            Some("login=alice&membership=true"),
            &headers("application/json"),
            &body,
            Bodies::Json,
        )
        .unwrap();
        assert_eq!(p.text("login").as_deref(), Some("bob"));
        assert!(p.truthy("membership"));
    }

    #[test]
    fn bad_bodies_get_restify_errors() {
        let bad = Bytes::from_static(b"{nope");
        assert_eq!(
            Params::parse(None, &headers("application/json"), &bad, Bodies::Json)
                .unwrap_err()
                .code,
            "InvalidContent"
        );
        let form = Bytes::from_static(b"login=bob");
        assert_eq!(
            Params::parse(
                None,
                &headers("application/x-www-form-urlencoded"),
                &form,
                Bodies::Json
            )
            .unwrap_err()
            .status,
            415
        );
        assert_eq!(
            Params::parse(
                None,
                &headers("application/x-www-form-urlencoded"),
                &form,
                Bodies::JsonOrForm
            )
            .unwrap()
            .text("login")
            .as_deref(),
            Some("bob")
        );
        let mut h = headers("application/json");
        h.insert("content-md5", "AAAA".parse().unwrap());
        assert_eq!(
            Params::parse(None, &h, &Bytes::from_static(b"{}"), Bodies::Json)
                .unwrap_err()
                .code,
            "BadDigest"
        );
    }

    #[test]
    fn membership_false_is_still_truthy_as_in_cloudapi() {
        let p = Params::parse(
            Some("membership=false"),
            &HeaderMap::new(),
            &Bytes::new(),
            Bodies::Json,
        )
        .unwrap();
        assert!(p.truthy("membership"));
        assert!(!p.truthy("absent"));
    }
}
