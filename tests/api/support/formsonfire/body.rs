//! Forms On Fire request bodies, written the way the vendor's clients write them: a JSON
//! object, or DataContract XML.

use serde_json::{Map, Value};
use std::fmt::Write as _;

/// The two formats every rule is checked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fmt {
    Json,
    Xml,
}

impl Fmt {
    pub(crate) const ALL: [Fmt; 2] = [Fmt::Json, Fmt::Xml];

    pub(crate) fn param(self) -> &'static str {
        match self {
            Fmt::Json => "json",
            Fmt::Xml => "xml",
        }
    }

    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Fmt::Json => "application/json",
            Fmt::Xml => "application/xml",
        }
    }
}

/// A body member.
#[derive(Debug, Clone)]
pub(crate) enum M {
    T(String),
    Null,
    List(Vec<String>),
    Pairs(Vec<(String, String)>),
}

pub(crate) fn t(s: impl Into<String>) -> M {
    M::T(s.into())
}

pub(crate) fn list(items: &[&str]) -> M {
    M::List(items.iter().map(|s| (*s).to_owned()).collect())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A `User` body: a JSON object, or DataContract XML with members in the order given
/// (the server must not care) and list items as `<d2p1:string>` (DataContract's form).
pub(crate) fn user_body(fmt: Fmt, members: &[(&str, M)]) -> String {
    match fmt {
        Fmt::Json => {
            let mut m = Map::new();
            for (k, v) in members {
                let v = match v {
                    M::T(s) => Value::String(s.clone()),
                    M::Null => Value::Null,
                    M::List(items) => {
                        Value::Array(items.iter().cloned().map(Value::String).collect())
                    }
                    M::Pairs(p) => Value::Object(
                        p.iter()
                            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                            .collect(),
                    ),
                };
                m.insert((*k).to_owned(), v);
            }
            Value::Object(m).to_string()
        }
        Fmt::Xml => {
            let mut x = String::from(
                r#"<User xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Appenate.Api">"#,
            );
            for (k, v) in members {
                match v {
                    M::T(s) => write!(x, "<{k}>{}</{k}>", escape(s)).unwrap(),
                    M::Null => write!(x, r#"<{k} i:nil="true"/>"#).unwrap(),
                    M::List(items) => {
                        write!(x,
                            r#"<{k} xmlns:d2p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays">"#
                        ).unwrap();
                        for i in items {
                            write!(x, "<d2p1:string>{}</d2p1:string>", escape(i)).unwrap();
                        }
                        write!(x, "</{k}>").unwrap();
                    }
                    M::Pairs(p) => {
                        write!(x,
                            r#"<{k} xmlns:d2p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays">"#
                        ).unwrap();
                        for (key, val) in p {
                            write!(x,
                                "<d2p1:KeyValueOfstringstring><d2p1:Key>{}</d2p1:Key><d2p1:Value>{}</d2p1:Value></d2p1:KeyValueOfstringstring>",
                                escape(key),
                                escape(val)
                            ).unwrap();
                        }
                        write!(x, "</{k}>").unwrap();
                    }
                }
            }
            x.push_str("</User>");
            x
        }
    }
}
