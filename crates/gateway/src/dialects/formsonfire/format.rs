//! Which format a response is written in: `?format=json|xml` first (the vendor's way), then
//! an `Accept` header that asks for one of them, then the format of the request body, and
//! JSON when nothing says.

use super::body::BodyKind;
use super::query::Query;
use http::HeaderMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Xml,
}

/// A `format` parameter that is neither `json` nor `xml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadFormat(pub(crate) String);

fn from_accept(headers: &HeaderMap) -> Option<Format> {
    let accept = headers
        .get(http::header::ACCEPT)?
        .to_str()
        .ok()?
        .to_ascii_lowercase();
    let json = accept.contains("application/json") || accept.contains("text/json");
    let xml = accept.contains("application/xml") || accept.contains("text/xml");
    match (json, xml) {
        (true, false) => Some(Format::Json),
        (false, true) => Some(Format::Xml),
        // Both or neither: the header does not decide.
        (true, true) | (false, false) => None,
    }
}

/// The response format; `body` is the format of a non-empty request body.
pub(crate) fn negotiate(
    query: &Query,
    headers: &HeaderMap,
    body: Option<BodyKind>,
) -> Result<Format, BadFormat> {
    if let Some(f) = query.get("format") {
        return match f.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "xml" => Ok(Format::Xml),
            _ => Err(BadFormat(f.chars().take(32).collect())),
        };
    }
    if let Some(f) = from_accept(headers) {
        return Ok(f);
    }
    Ok(match body {
        Some(BodyKind::Xml) => Format::Xml,
        Some(BodyKind::Json) | None => Format::Json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Query {
        Query::parse(Some(s)).unwrap()
    }

    #[test]
    fn the_format_parameter_wins_then_accept_then_the_body() {
        let none = HeaderMap::new();
        let mut accept_xml = HeaderMap::new();
        accept_xml.insert(http::header::ACCEPT, "application/xml".parse().unwrap());
        assert_eq!(negotiate(&q("Format=XML"), &none, None), Ok(Format::Xml));
        assert_eq!(
            negotiate(&q("format=json"), &accept_xml, None),
            Ok(Format::Json)
        );
        assert_eq!(negotiate(&q(""), &accept_xml, None), Ok(Format::Xml));
        assert_eq!(
            negotiate(&q(""), &none, Some(BodyKind::Xml)),
            Ok(Format::Xml)
        );
        assert_eq!(negotiate(&q(""), &none, None), Ok(Format::Json));
        assert_eq!(
            negotiate(&q("format=csv"), &none, None),
            Err(BadFormat("csv".into()))
        );
    }
}
