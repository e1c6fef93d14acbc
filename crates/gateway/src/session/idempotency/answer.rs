//! The HTTP side of a keyed write: the key as the header carries it, the request's
//! fingerprint, which answers are kept, and a kept answer sent again.

use super::REPLAYED;
use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use roster_proto::v1 as pb;
use sha2::{Digest, Sha256};

/// The key the header carries: one value, as a token or as an `sf-string` (quoted, with
/// `\"` and `\\` escapes). Whether it is a good key (1 to 255 printable ASCII characters)
/// is the core's rule, asked when the key is claimed.
pub(crate) fn key_of(headers: &HeaderMap) -> Option<String> {
    let mut values = headers.get_all(super::HEADER).iter();
    let value = values.next()?.to_str().ok()?.trim();
    if values.next().is_some() {
        return None;
    }
    let Some(quoted) = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|_| value.len() >= 2)
    else {
        return (!value.contains('"')).then(|| value.to_owned());
    };
    let mut key = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('"' | '\\')) => key.push(e),
                _ => return None,
            },
            '"' => return None,
            c => key.push(c),
        }
    }
    Some(key)
}

/// What makes two requests with one key the same request: method, path with query, body.
pub(crate) fn fingerprint(method: &Method, uri: &Uri, body: &[u8]) -> [u8; 32] {
    let target = uri
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    let mut h = Sha256::new();
    h.update(method.as_str().as_bytes());
    h.update([0]);
    h.update(target.as_bytes());
    h.update([0]);
    h.update(body);
    h.finalize().into()
}

/// Whether an answer is the request's own, to send again to its retries. Not kept, so that
/// a retry runs again: "try later" (429, 503 and every other 5xx), a request that timed out
/// (408), and a credential that did not hold (401: a cached token the core refused in the
/// meantime, which the retry renews).
pub(crate) fn keeps(status: StatusCode) -> bool {
    !(status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::UNAUTHORIZED)
}

/// Headers that belong to the connection or to one sending, not to the answer.
const NOT_KEPT: &[&str] = &[
    "connection",
    "content-length",
    "date",
    "keep-alive",
    "transfer-encoding",
    "x-request-id",
];

/// The answer as it is kept.
pub(crate) fn kept(status: StatusCode, headers: &HeaderMap, body: &Bytes) -> pb::HttpAnswer {
    pb::HttpAnswer {
        status: i32::from(status.as_u16()),
        headers: headers
            .iter()
            .filter(|(name, _)| !NOT_KEPT.contains(&name.as_str()))
            .map(|(name, value)| pb::HttpHeader {
                name: name.as_str().to_owned(),
                value: value.as_bytes().to_vec(),
            })
            .collect(),
        body: body.to_vec(),
    }
}

/// A kept answer sent again, with `Idempotent-Replayed: true`.
pub(crate) fn replayed(a: pb::HttpAnswer) -> Response {
    let mut res = Response::new(Body::from(a.body));
    *res.status_mut() = u16::try_from(a.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = res.headers_mut();
    for h in a.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(h.name.as_bytes()),
            HeaderValue::from_bytes(&h.value),
        ) {
            headers.append(name, value);
        }
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyed(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(super::super::HEADER, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn keys_come_as_tokens_or_quoted_strings() {
        assert_eq!(key_of(&keyed(&["abc-123"])).as_deref(), Some("abc-123"));
        assert_eq!(key_of(&keyed(&["\"abc 1\""])).as_deref(), Some("abc 1"));
        assert_eq!(
            key_of(&keyed(&[r#""a\"b\\c""#])).as_deref(),
            Some(r#"a"b\c"#)
        );
        assert_eq!(key_of(&keyed(&["\"\""])).as_deref(), Some(""));
        for bad in [
            &["a", "b"][..],
            &["\"open"],
            &[r#""a\x""#],
            &["a\"b"],
            &["\""],
        ] {
            assert_eq!(key_of(&keyed(bad)), None, "{bad:?}");
        }
        assert_eq!(key_of(&HeaderMap::new()), None);
    }

    #[test]
    fn the_method_target_and_body_make_the_fingerprint() {
        let uri = |u: &str| u.parse::<Uri>().unwrap();
        let base = fingerprint(&Method::POST, &uri("/a?x=1"), b"{}");
        assert_eq!(base, fingerprint(&Method::POST, &uri("/a?x=1"), b"{}"));
        assert_ne!(base, fingerprint(&Method::PUT, &uri("/a?x=1"), b"{}"));
        assert_ne!(base, fingerprint(&Method::POST, &uri("/a?x=2"), b"{}"));
        assert_ne!(base, fingerprint(&Method::POST, &uri("/a?x=1"), b"{ }"));
    }

    #[test]
    fn answers_that_say_try_again_are_not_kept() {
        for s in [500, 502, 503, 429, 408, 401] {
            assert!(!keeps(StatusCode::from_u16(s).unwrap()), "{s}");
        }
        for s in [200, 201, 204, 400, 403, 404, 409, 412, 422] {
            assert!(keeps(StatusCode::from_u16(s).unwrap()), "{s}");
        }
    }

    #[test]
    fn a_kept_answer_comes_back_with_its_headers_and_the_replay_mark() {
        let mut h = HeaderMap::new();
        h.insert("content-type", HeaderValue::from_static("application/json"));
        h.insert("location", HeaderValue::from_static("/acme/users/ann"));
        h.insert("content-length", HeaderValue::from_static("2"));
        h.insert("x-request-id", HeaderValue::from_static("first"));
        let a = kept(StatusCode::CREATED, &h, &Bytes::from_static(b"{}"));
        let names: Vec<&str> = a.headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["content-type", "location"]);
        let res = replayed(a);
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(res.headers()["location"], "/acme/users/ann");
        assert_eq!(res.headers()[REPLAYED], "true");
    }
}
