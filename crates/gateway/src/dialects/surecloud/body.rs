//! Request bodies and the headers SureCloud requires: `Accept: application/json` (a `charset` parameter is
//! fine, as in the vendor's own curl example) and `Content-Type: application/json`.

use super::error::ScError;
use crate::session::body::{self, BodyError, BodyRules};
use http::{HeaderMap, StatusCode, header};

/// Whether one media range of an Accept header admits JSON (`q=0` refuses).
fn range_admits_json(range: &str) -> bool {
    let mut parts = range.split(';');
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let refused = parts.any(|p| {
        p.split_once('=').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("q") && v.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
        })
    });
    !refused && matches!(media.as_str(), "application/json" | "application/*" | "*/*")
}

/// 406 unless the client accepts JSON. No Accept header means anything (RFC 9110 §12.5.1).
pub(crate) fn check_accept(headers: &HeaderMap) -> Result<(), ScError> {
    let values: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .map(|v| v.to_str().unwrap_or("\u{0}"))
        .collect();
    if values.is_empty()
        || values
            .iter()
            .flat_map(|v| v.split(','))
            .any(range_admits_json)
    {
        return Ok(());
    }
    Err(ScError::new(
        StatusCode::NOT_ACCEPTABLE,
        "The API answers only application/json: send 'Accept: application/json'",
    ))
}

/// 415 unless the body is declared as JSON.
pub(crate) fn check_content_type(headers: &HeaderMap) -> Result<(), ScError> {
    body::media_type(headers, &BodyRules::json(0))
        .map(drop)
        .map_err(|_| {
            ScError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The request body must be sent as 'Content-Type: application/json'",
            )
        })
}

/// The body's bytes, at most `max`; more is 413 with `too_large`'s message.
pub(crate) async fn read_body(
    body: axum::body::Body,
    max: usize,
    too_large: &str,
) -> Result<bytes::Bytes, ScError> {
    body::read(body, &BodyRules::json(max))
        .await
        .map_err(|e| match e {
            BodyError::TooLarge(_) => ScError::too_large(too_large),
            BodyError::Unreadable | BodyError::MediaType(_) => {
                ScError::bad_request("The request body could not be read")
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn json_with_or_without_charset_and_wildcards_are_acceptable() {
        for ok in [
            "application/json",
            "application/json;charset=UTF-8",
            "Application/JSON ; charset=utf-8",
            "text/html, application/json;q=0.5",
            "*/*",
            "application/*",
        ] {
            assert!(check_accept(&headers(header::ACCEPT, ok)).is_ok(), "{ok}");
        }
        assert!(check_accept(&HeaderMap::new()).is_ok());
        for bad in [
            "text/html",
            "application/xml",
            "application/json;q=0",
            "text/*",
        ] {
            let e = check_accept(&headers(header::ACCEPT, bad)).unwrap_err();
            assert_eq!(e.status, StatusCode::NOT_ACCEPTABLE, "{bad}");
        }
    }

    #[test]
    fn only_a_json_content_type_is_supported() {
        assert!(check_content_type(&headers(header::CONTENT_TYPE, "application/json")).is_ok());
        assert!(
            check_content_type(&headers(
                header::CONTENT_TYPE,
                "application/json; charset=utf-8"
            ))
            .is_ok()
        );
        for bad in [
            "text/plain",
            "application/jsonx",
            "application/x-www-form-urlencoded",
        ] {
            let e = check_content_type(&headers(header::CONTENT_TYPE, bad)).unwrap_err();
            assert_eq!(e.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{bad}");
        }
        assert!(check_content_type(&HeaderMap::new()).is_err());
    }
}
