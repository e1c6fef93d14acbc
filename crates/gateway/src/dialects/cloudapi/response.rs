//! CloudAPI responses: restify 4's `fullResponse` headers on every answer, and JSON bodies
//! with a correct `Content-Length` and `Content-MD5` (the triton CLI checks both when present).

use crate::RequestId;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderName, HeaderValue, StatusCode, header};
use md5::{Digest, Md5};
use serde::Serialize;
use std::fmt::Write as _;
use std::time::{Instant, SystemTime};

/// The CloudAPI version Roster behaves as (`Server: cloudapi/<this>`).
pub(crate) const SERVER_VERSION: &str = "9.20.0";
/// The highest API version served; restify reports it on every response.
pub(crate) const API_VERSION: &str = "9.0.0";

/// A JSON response with its length and digest.
pub(crate) fn json_response<T: Serialize + ?Sized>(
    status: StatusCode,
    body: &T,
    extra: Vec<(HeaderName, HeaderValue)>,
) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let md5 = STANDARD.encode(Md5::digest(&bytes));
    let mut res = Response::new(Body::from(bytes.clone()));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    if let Ok(v) = HeaderValue::from_str(&md5) {
        h.insert(HeaderName::from_static("content-md5"), v);
    }
    for (k, v) in extra {
        h.insert(k, v);
    }
    res
}

/// 200 with a JSON body.
pub(crate) fn ok<T: Serialize + ?Sized>(body: &T) -> Response {
    json_response(StatusCode::OK, body, Vec::new())
}

/// 201 with a JSON body and its `Location`.
pub(crate) fn created<T: Serialize + ?Sized>(body: &T, location: &str) -> Response {
    let loc = HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/"));
    json_response(StatusCode::CREATED, body, vec![(header::LOCATION, loc)])
}

/// 204, no body and no content type.
pub(crate) fn no_content() -> Response {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::NO_CONTENT;
    res
}

/// `encodeURIComponent` of one path segment, as CloudAPI builds `Location` headers.
pub(crate) fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Middleware: the headers restify adds to every CloudAPI response.
pub(crate) async fn full_response(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = RequestId::of_request(&req);
    let mut res = next.run(req).await;
    restify_headers(res.headers_mut(), &id, started);
    res
}

/// The headers restify adds to every CloudAPI answer, for the request `id` that started at
/// `started`.
pub(crate) fn restify_headers(h: &mut http::HeaderMap, id: &RequestId, started: Instant) {
    let set = |h: &mut http::HeaderMap, name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(HeaderName::from_static(name), v);
        }
    };
    set(h, "date", &httpdate::fmt_http_date(SystemTime::now()));
    set(h, "server", &format!("cloudapi/{SERVER_VERSION}"));
    set(h, "api-version", API_VERSION);
    set(h, "request-id", id.as_str());
    set(
        h,
        "response-time",
        &started.elapsed().as_millis().to_string(),
    );
    set(h, "access-control-allow-origin", "*");
    set(
        h,
        "access-control-allow-headers",
        "Accept, Accept-Version, Content-Length, Content-MD5, Content-Type, Date, Api-Version, Response-Time",
    );
    set(
        h,
        "access-control-expose-headers",
        "Api-Version, Request-Id, Response-Time",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_responses_carry_length_and_digest() {
        let res = ok(&serde_json::json!({"a": 1}));
        assert_eq!(res.headers()[header::CONTENT_LENGTH], "7");
        // base64(md5('{"a":1}'))
        assert_eq!(
            res.headers()["content-md5"],
            STANDARD.encode(Md5::digest(br#"{"a":1}"#)).as_str()
        );
        assert!(no_content().headers().get(header::CONTENT_TYPE).is_none());
    }

    #[test]
    fn segments_are_encoded_like_encode_uri_component() {
        assert_eq!(encode_segment("a2:ae:81"), "a2%3Aae%3A81");
        assert_eq!(encode_segment("bob"), "bob");
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
    }
}
