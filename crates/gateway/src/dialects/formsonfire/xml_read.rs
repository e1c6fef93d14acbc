//! Reading XML request bodies safely, with quick-xml's event reader.
//!
//! Hostile input is refused, never processed: any `<!DOCTYPE` (and so every internal or
//! external entity, "billion laughs" included) is an error the moment its event arrives;
//! a reference to anything but the five predefined entities or a character is an error;
//! nesting deeper than the configured limit is an error before the next level is read. The
//! body size is bounded before this runs. Namespaces are ignored: members match by local
//! name, so `<d2p1:guid>` and `<guid>` are alike.

use super::tree::Node;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Why a body is not XML we accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum XmlError {
    #[error("document type declarations are not allowed")]
    Dtd,
    #[error(
        "the entity '&{0};' is not allowed; use a character reference or the five XML entities"
    )]
    Entity(String),
    #[error("elements are nested deeper than {0} levels")]
    TooDeep(usize),
    #[error("the body is not UTF-8")]
    NotUtf8,
    #[error("the body has no root element")]
    Empty,
    #[error("malformed XML: {0}")]
    Malformed(String),
}

/// An element being read.
struct Frame {
    name: String,
    nil: bool,
    text: String,
    children: Vec<(String, Node)>,
}

impl Frame {
    fn finish(self) -> (String, Node) {
        let node = if self.nil {
            Node::Nil
        } else if self.children.is_empty() {
            Node::Text(self.text)
        } else {
            // Whitespace between child elements is layout, not content.
            Node::Members(self.children)
        };
        (self.name, node)
    }
}

fn malformed(e: impl std::fmt::Display) -> XmlError {
    XmlError::Malformed(e.to_string())
}

/// The element's local name and whether it carries `i:nil="true"`.
fn open(e: &BytesStart<'_>) -> Result<(String, bool), XmlError> {
    let name = e.local_name().as_ref().to_owned();
    let mut nil = false;
    for attr in e.attributes() {
        let attr = attr.map_err(malformed)?;
        if attr.key.local_name().as_ref() == "nil" {
            let v = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(malformed)?;
            nil = matches!(v.trim(), "true" | "1");
        }
    }
    Ok((name, nil))
}

/// The root element's name and content.
pub(crate) fn parse(body: &[u8], max_depth: usize) -> Result<(String, Node), XmlError> {
    let text = std::str::from_utf8(body).map_err(|_| XmlError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<(String, Node)> = None;
    loop {
        let event = reader.read_event().map_err(malformed)?;
        if root.is_some() && matches!(event, Event::Start(_) | Event::Empty(_)) {
            return Err(XmlError::Malformed("more than one root element".to_owned()));
        }
        let finished = match event {
            Event::DocType(_) => return Err(XmlError::Dtd),
            Event::Start(e) => {
                if stack.len() >= max_depth {
                    return Err(XmlError::TooDeep(max_depth));
                }
                let (name, nil) = open(&e)?;
                stack.push(Frame {
                    name,
                    nil,
                    text: String::new(),
                    children: Vec::new(),
                });
                None
            }
            Event::Empty(e) => {
                if stack.len() >= max_depth {
                    return Err(XmlError::TooDeep(max_depth));
                }
                let (name, nil) = open(&e)?;
                Some((
                    name,
                    if nil {
                        Node::Nil
                    } else {
                        Node::Text(String::new())
                    },
                ))
            }
            Event::End(_) => stack.pop().map(Frame::finish),
            Event::Text(t) => {
                append(&mut stack, &t.xml10_content())?;
                None
            }
            Event::CData(c) => {
                append(&mut stack, &c.into_inner())?;
                None
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(malformed)? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| XmlError::Entity(r.chars().take(64).collect()))?
                        .to_owned(),
                };
                append(&mut stack, &resolved)?;
                None
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => None,
            Event::Eof => {
                return match (root, stack.is_empty()) {
                    (Some(r), true) => Ok(r),
                    (None, true) => Err(XmlError::Empty),
                    (_, false) => Err(XmlError::Malformed("unclosed element".to_owned())),
                };
            }
        };
        if let Some(done) = finished {
            match stack.last_mut() {
                Some(parent) => parent.children.push(done),
                None => root = Some(done),
            }
        }
    }
}

/// Character data for the open element; outside the root only whitespace may appear.
fn append(stack: &mut [Frame], text: &str) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(f) => {
            f.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(XmlError::Malformed(
            "text outside the root element".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialects::formsonfire::tree::Field;

    fn ok(xml: &str) -> Node {
        parse(xml.as_bytes(), 16).unwrap().1
    }

    #[test]
    fn members_any_order_any_prefix_and_nil() {
        let n = ok(concat!(
            r#"<?xml version="1.0"?><User xmlns:i="http://www.w3.org/2001/XMLSchema-instance" "#,
            r#"xmlns="urn:x"><LastName>Lee &amp; Co &#x41;</LastName><ExternalId i:nil="true"/>"#,
            r#"<Folders xmlns:d2p1="urn:arrays"><d2p1:guid>a</d2p1:guid><Id>b</Id></Folders>"#,
            r#"<FirstName><![CDATA[<Ann>]]></FirstName></User>"#
        ));
        assert_eq!(n.text("lastname").unwrap(), Field::Value("Lee & Co A"));
        assert_eq!(n.text("ExternalId").unwrap(), Field::Null);
        assert_eq!(n.text("FirstName").unwrap(), Field::Value("<Ann>"));
        assert_eq!(n.items("Folders").unwrap().into_value().unwrap().len(), 2);
    }

    #[test]
    fn any_doctype_is_refused_before_it_is_used() {
        let laughs = concat!(
            r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#,
            r#"<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>"#,
            r#"<User><FirstName>&lol2;</FirstName></User>"#
        );
        assert_eq!(parse(laughs.as_bytes(), 16), Err(XmlError::Dtd));
        let external = r#"<!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]><User>&x;</User>"#;
        assert_eq!(parse(external.as_bytes(), 16), Err(XmlError::Dtd));
    }

    #[test]
    fn undeclared_entities_depth_and_garbage_are_refused() {
        assert_eq!(
            parse(b"<User>&x;</User>", 16),
            Err(XmlError::Entity("x".into()))
        );
        let deep = format!("{}{}", "<a>".repeat(17), "</a>".repeat(17));
        assert_eq!(parse(deep.as_bytes(), 16), Err(XmlError::TooDeep(16)));
        assert!(parse(&"<a>".repeat(16).into_bytes(), 16).is_err());
        assert_eq!(parse(b"  ", 16), Err(XmlError::Empty));
        assert!(matches!(
            parse(b"<a/><b/>", 16),
            Err(XmlError::Malformed(_))
        ));
        assert!(matches!(parse(b"<a></b>", 16), Err(XmlError::Malformed(_))));
        assert!(matches!(parse(b"hello", 16), Err(XmlError::Malformed(_))));
        assert_eq!(parse(b"<a>\xff</a>", 16), Err(XmlError::NotUtf8));
    }
}
