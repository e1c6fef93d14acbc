//! Request bodies: read up to the size limit, then parsed as JSON or XML by Content-Type
//! (XML when none is given, as the vendor documents) into one [`Node`] tree.

use super::limits::FormsOnFireLimits;
use super::tree::Node;
use super::xml_read::{self, XmlError};
use crate::session::body::{self as session_body, BodyRules, Media};
use axum::body::Body;
use http::HeaderMap;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BodyError {
    /// Too large, cut short, or of a type the dialect does not read.
    #[error(transparent)]
    Read(#[from] session_body::BodyError),
    #[error("the JSON body is invalid: {0}")]
    Json(String),
    #[error("the JSON body must be an object")]
    NotAnObject,
    #[error("the body is nested deeper than {0} levels")]
    TooDeep(usize),
    #[error("the XML body is invalid: {0}")]
    Xml(#[from] XmlError),
}

/// The format a body is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Json,
    Xml,
}

impl FormsOnFireLimits {
    /// What the dialect reads: JSON or XML, XML when no type is given (as the vendor
    /// documents). DESIGN: `application/x-www-form-urlencoded` and `text/plain` count as
    /// none, because that is what many HTTP clients (curl `-d` among them) send when the
    /// caller set no type.
    fn rules(self) -> BodyRules {
        BodyRules {
            max_bytes: self.max_body_bytes,
            accept: &[Media::Json, Media::Xml],
            untyped: Some(Media::Xml),
            as_untyped: &["application/x-www-form-urlencoded", "text/plain"],
        }
    }
}

/// The body's format from its Content-Type.
pub(crate) fn kind(headers: &HeaderMap) -> Result<BodyKind, BodyError> {
    match session_body::media_type(headers, &FormsOnFireLimits::default().rules())? {
        Media::Json => Ok(BodyKind::Json),
        Media::Xml | Media::Form => Ok(BodyKind::Xml),
    }
}

/// The raw bytes, refusing more than the limit without buffering it all.
pub(crate) async fn read(body: Body, limits: FormsOnFireLimits) -> Result<bytes::Bytes, BodyError> {
    Ok(session_body::read(body, &limits.rules()).await?)
}

fn from_json(v: serde_json::Value) -> Node {
    match v {
        serde_json::Value::Null => Node::Nil,
        serde_json::Value::Bool(b) => Node::Text(b.to_string()),
        serde_json::Value::Number(n) => Node::Text(n.to_string()),
        serde_json::Value::String(s) => Node::Text(s),
        serde_json::Value::Array(items) => Node::Members(
            items
                .into_iter()
                .map(|i| (String::new(), from_json(i)))
                .collect(),
        ),
        serde_json::Value::Object(m) => {
            Node::Members(m.into_iter().map(|(k, v)| (k, from_json(v))).collect())
        }
    }
}

/// The members of the body (the JSON object, or the XML root element's content).
pub(crate) fn parse(
    kind: BodyKind,
    bytes: &[u8],
    limits: FormsOnFireLimits,
) -> Result<Node, BodyError> {
    match kind {
        BodyKind::Xml => Ok(xml_read::parse(bytes, limits.max_depth)?.1),
        BodyKind::Json => {
            // serde_json stops at 128 levels on its own, so the stack is safe either way.
            let v: serde_json::Value =
                serde_json::from_slice(bytes).map_err(|e| BodyError::Json(e.to_string()))?;
            if !v.is_object() {
                return Err(BodyError::NotAnObject);
            }
            let node = from_json(v);
            if node.depth() > limits.max_depth {
                return Err(BodyError::TooDeep(limits.max_depth));
            }
            Ok(node)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialects::formsonfire::tree::Field;

    fn headers(ct: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(ct) = ct {
            h.insert(http::header::CONTENT_TYPE, ct.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_format_follows_content_type_and_defaults_to_xml() {
        assert_eq!(kind(&headers(None)), Ok(BodyKind::Xml));
        assert_eq!(
            kind(&headers(Some("application/json; charset=utf-8"))),
            Ok(BodyKind::Json)
        );
        assert_eq!(kind(&headers(Some("Text/XML"))), Ok(BodyKind::Xml));
        assert_eq!(
            kind(&headers(Some("application/x-www-form-urlencoded"))),
            Ok(BodyKind::Xml)
        );
        assert!(kind(&headers(Some("image/png"))).is_err());
    }

    #[test]
    fn json_bodies_become_trees_within_the_depth_limit() {
        let limits = FormsOnFireLimits::default();
        let n = parse(
            BodyKind::Json,
            br#"{"FirstName":"Ann","CompanyId":7,"DoNotEmail":true,"Folders":["a"]}"#,
            limits,
        )
        .unwrap();
        assert_eq!(n.text("companyid").unwrap(), Field::Value("7"));
        assert_eq!(n.text("DoNotEmail").unwrap(), Field::Value("true"));
        assert_eq!(
            parse(BodyKind::Json, b"[1]", limits),
            Err(BodyError::NotAnObject)
        );
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(40), "]".repeat(40));
        assert_eq!(
            parse(BodyKind::Json, deep.as_bytes(), limits),
            Err(BodyError::TooDeep(32))
        );
        assert!(matches!(
            parse(BodyKind::Json, b"{", limits),
            Err(BodyError::Json(_))
        ));
    }
}
