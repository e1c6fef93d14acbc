//! What every SCIM answer shares: `application/scim+json`, the resource's `ETag` and, on a
//! create, its `Location`; the base URL resources are located under; and request bodies read
//! as JSON with SCIM's own refusals.

use super::error::ScimError;
use super::{BASE, SCIM_JSON, Scim};
use crate::session::body::{self, BodyError, BodyRules, Media};
use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::Value;

/// A JSON answer with SCIM's media type.
pub(crate) fn json(status: StatusCode, v: &Value) -> Response {
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    let mut res = (status, bytes).into_response();
    res.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(SCIM_JSON),
    );
    res
}

/// A resource: its `ETag` (`meta.version`) and, for `201 Created`, its `Location`
/// (`meta.location`).
pub(crate) fn resource(status: StatusCode, full: &Value, shown: &Value) -> Response {
    let mut res = json(status, shown);
    let meta = &full["meta"];
    let h = res.headers_mut();
    if let Some(v) = meta["version"]
        .as_str()
        .and_then(|v| HeaderValue::from_str(v).ok())
    {
        h.insert(http::header::ETAG, v);
    }
    if status == StatusCode::CREATED
        && let Some(v) = meta["location"]
            .as_str()
            .and_then(|v| HeaderValue::from_str(v).ok())
    {
        h.insert(http::header::LOCATION, v);
    }
    res
}

/// `304 Not Modified` for a read whose `If-None-Match` names the current version.
pub(crate) fn not_modified(version: &str) -> Response {
    let mut res = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(v) = HeaderValue::from_str(version) {
        res.headers_mut().insert(http::header::ETAG, v);
    }
    res
}

/// The URL the SCIM endpoints are under, as the client reached them: what `meta.location`
/// and `$ref` values start with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Base(pub(crate) String);

impl Base {
    pub(crate) fn of(headers: &HeaderMap) -> Self {
        let host = headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
            })
            .unwrap_or("localhost");
        Self(format!("http://{host}{BASE}"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Base {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::of(&parts.headers))
    }
}

/// How SCIM reads a body: JSON (`application/scim+json`, `application/json`, or no type).
fn rules(api: &Scim) -> BodyRules {
    BodyRules {
        untyped: Some(Media::Json),
        ..BodyRules::json(api.limits.bulk_max_payload_bytes)
    }
}

/// The body of a request as JSON; 413 above the limit, 415 for a type that is not JSON,
/// 400 `invalidSyntax` for what does not parse.
pub(crate) async fn read_json(
    api: &Scim,
    headers: &HeaderMap,
    body: axum::body::Body,
) -> Result<Value, ScimError> {
    let rules = rules(api);
    body::media_type(headers, &rules).map_err(|e| refused(&e))?;
    let bytes: Bytes = body::read(body, &rules).await.map_err(|e| refused(&e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ScimError::invalid_syntax(format!("The body is not valid JSON: {e}")))
}

fn refused(e: &BodyError) -> ScimError {
    let status = match e {
        BodyError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        BodyError::MediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        BodyError::Unreadable => StatusCode::BAD_REQUEST,
    };
    ScimError::new(status, e.to_string())
}

/// The `schemas` a message must list: 400 `invalidSyntax` when it does not (RFC 7644 §3.3:
/// the request's schemas say what it is).
pub(crate) fn require_schema(doc: &Value, urn: &str) -> Result<(), ScimError> {
    let listed = doc
        .get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .any(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case(urn)))
        });
    if listed {
        Ok(())
    } else {
        Err(ScimError::invalid_syntax(format!(
            "The request's schemas must list {urn}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_is_the_host_the_client_used_and_never_a_forged_one() {
        let mut h = HeaderMap::new();
        h.insert(
            http::header::HOST,
            HeaderValue::from_static("roster.test:8080"),
        );
        assert_eq!(Base::of(&h).0, "http://roster.test:8080/scim/v2");
        h.insert(http::header::HOST, HeaderValue::from_static("evil/path?x"));
        assert_eq!(Base::of(&h).0, "http://localhost/scim/v2");
    }
}
