//! A Forms On Fire client for the tests: requests in JSON or XML (bodies written the way the
//! vendor's clients write them), and answers read into one shape whichever format they came
//! in, so that every rule is asserted the same way for both.

#![allow(clippy::missing_panics_doc, clippy::expect_used, clippy::unwrap_used)]

use crate::{Folders, Groups, TestApp, TestTenant};
use quick_xml::Reader;
use quick_xml::events::Event;
use reqwest::Method;
use roster_proto::v1 as pb;
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// The two formats every rule is checked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    Json,
    Xml,
}

impl Fmt {
    pub const ALL: [Fmt; 2] = [Fmt::Json, Fmt::Xml];

    pub fn param(self) -> &'static str {
        match self {
            Fmt::Json => "json",
            Fmt::Xml => "xml",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Fmt::Json => "application/json",
            Fmt::Xml => "application/xml",
        }
    }
}

/// A body member.
#[derive(Debug, Clone)]
pub enum M {
    T(String),
    Null,
    List(Vec<String>),
    Pairs(Vec<(String, String)>),
}

pub fn t(s: impl Into<String>) -> M {
    M::T(s.into())
}

pub fn list(items: &[&str]) -> M {
    M::List(items.iter().map(|s| (*s).to_owned()).collect())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A `User` body: a JSON object, or DataContract XML with members in the order given
/// (the server must not care) and list items as `<d2p1:string>` (DataContract's form).
pub fn user_body(fmt: Fmt, members: &[(&str, M)]) -> String {
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

/// Members that are lists in the vendor's DTOs, so that one item still reads as a list.
const LISTS: [&str; 7] = [
    "Users",
    "Folders",
    "Groups",
    "UserDevices",
    "Errors",
    "Metadata",
    "Meta",
];

/// DataContract XML as JSON: elements by local name, lists as arrays, `i:nil` as null,
/// scalars as strings.
pub fn xml_to_json(xml: &str) -> Value {
    struct Frame {
        name: String,
        nil: bool,
        text: String,
        children: Vec<(String, Value)>,
    }
    fn frame(e: &quick_xml::events::BytesStart<'_>) -> Frame {
        let nil = e.attributes().flatten().any(|a| {
            a.key.local_name().as_ref() == "nil"
                && a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .is_ok_and(|v| v == "true")
        });
        Frame {
            name: e.local_name().as_ref().to_owned(),
            nil,
            text: String::new(),
            children: Vec::new(),
        }
    }
    fn finish(f: Frame) -> (String, Value) {
        let v = if f.nil {
            Value::Null
        } else if f.children.is_empty() && !LISTS.contains(&f.name.as_str()) {
            Value::String(f.text)
        } else if LISTS.contains(&f.name.as_str()) {
            Value::Array(f.children.into_iter().map(|(_, v)| v).collect())
        } else {
            Value::Object(f.children.into_iter().collect())
        };
        (f.name, v)
    }
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = Value::Null;
    loop {
        let ev = reader.read_event().expect("well-formed XML");
        let done = match ev {
            Event::Start(e) => {
                stack.push(frame(&e));
                None
            }
            Event::Empty(e) => Some(finish(frame(&e))),
            Event::End(_) => stack.pop().map(finish),
            Event::Text(t) => {
                if let Some(f) = stack.last_mut() {
                    f.text.push_str(&t.xml10_content());
                }
                None
            }
            Event::GeneralRef(r) => {
                let c = r.resolve_char_ref().unwrap().map_or_else(
                    || {
                        quick_xml::escape::resolve_predefined_entity(&r)
                            .unwrap()
                            .to_owned()
                    },
                    |c| c.to_string(),
                );
                if let Some(f) = stack.last_mut() {
                    f.text.push_str(&c);
                }
                None
            }
            Event::Eof => return root,
            Event::CData(_)
            | Event::Comment(_)
            | Event::Decl(_)
            | Event::PI(_)
            | Event::DocType(_) => None,
        };
        if let Some((name, v)) = done {
            match stack.last_mut() {
                Some(parent) => parent.children.push((name, v)),
                None => root = Value::Object([(name, v)].into_iter().collect()),
            }
        }
    }
}

/// An answer, read whole.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub raw: String,
    /// The response DTO's members (JSON as sent; XML through [`xml_to_json`], root removed).
    pub doc: Value,
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

impl Answer {
    /// The value at `a.b.0.c`, as text; `None` for absent or null.
    pub fn get(&self, path: &str) -> Option<String> {
        self.node(path).and_then(scalar)
    }

    pub fn node(&self, path: &str) -> Option<&Value> {
        let mut v = &self.doc;
        for part in path.split('.') {
            v = match part.parse::<usize>() {
                Ok(i) => v.get(i)?,
                Err(_) => v.get(part)?,
            };
        }
        (!v.is_null()).then_some(v)
    }

    /// The items at `path` as text.
    pub fn list(&self, path: &str) -> Vec<String> {
        self.node(path)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(scalar).collect())
            .unwrap_or_default()
    }

    /// A GUID at `path`, hyphenated, whichever way it was written.
    pub fn id(&self, path: &str) -> Option<String> {
        self.get(path)
            .and_then(|s| uuid::Uuid::try_parse(&s).ok())
            .map(|u| u.hyphenated().to_string())
    }

    /// Asserts an error answer and returns its (ErrorCode, FieldName) pairs.
    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> Vec<(String, String)> {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(
            self.get("ResponseStatus.ErrorCode").as_deref(),
            Some(code),
            "{self:?}"
        );
        assert!(self.get("ResponseStatus.Message").is_some(), "{self:?}");
        assert!(!self.raw.contains("StackTrace\":"), "{self:?}");
        let errors = self
            .node("ResponseStatus.Errors")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        errors
            .iter()
            .map(|e| {
                let get = |k: &str| e.get(k).and_then(scalar).unwrap_or_default();
                (get("ErrorCode"), get("FieldName"))
            })
            .collect()
    }

    /// Asserts a success with an empty ResponseStatus.
    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(self.status, 200, "{self:?}");
        assert_eq!(self.get("ResponseStatus.ErrorCode"), None, "{self:?}");
        self
    }
}

/// A Forms On Fire client of one tenant.
#[derive(Debug, Clone)]
pub struct FofClient {
    pub http: reqwest::Client,
    pub base: String,
    pub company_id: String,
    pub key: String,
}

impl FofClient {
    pub fn new(app: &TestApp, tenant: &TestTenant) -> Self {
        Self {
            http: app.http.clone(),
            base: app.url("/api/v2"),
            company_id: tenant.company_id.to_string(),
            key: tenant.integration_key.clone(),
        }
    }

    /// Sends a request as given and reads the answer in the format of its content type.
    pub async fn raw(&self, r: reqwest::RequestBuilder) -> Answer {
        let res = r.send().await.unwrap();
        let status = res.status().as_u16();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let raw = res.text().await.unwrap();
        let doc = if content_type.contains("xml") {
            // The members of the root element, whatever it is called.
            xml_to_json(&raw)
                .as_object()
                .and_then(|m| m.values().next().cloned())
                .unwrap_or(Value::Null)
        } else {
            serde_json::from_str(&raw).unwrap_or(Value::Null)
        };
        Answer {
            status,
            content_type,
            raw,
            doc,
        }
    }

    pub fn url(&self, path: &str, params: &[(&str, &str)]) -> String {
        let q = serde_urlencoded::to_string(params).unwrap();
        if q.is_empty() {
            format!("{}{path}", self.base)
        } else {
            format!("{}{path}?{q}", self.base)
        }
    }

    /// `params` plus `format` and the credential, in the query (GET, DELETE).
    pub async fn query(
        &self,
        method: Method,
        fmt: Fmt,
        path: &str,
        params: &[(&str, &str)],
    ) -> Answer {
        let mut all = vec![
            ("format", fmt.param()),
            ("CompanyId", self.company_id.as_str()),
            ("IntegrationKey", self.key.as_str()),
        ];
        all.extend_from_slice(params);
        self.raw(self.http.request(method, self.url(path, &all)))
            .await
    }

    pub async fn get(&self, fmt: Fmt, path: &str, params: &[(&str, &str)]) -> Answer {
        self.query(Method::GET, fmt, path, params).await
    }

    /// A `User` body with the credential in it (POST, PUT), answered in the same format.
    pub async fn send_user(&self, method: Method, fmt: Fmt, members: &[(&str, M)]) -> Answer {
        let mut all = vec![
            ("CompanyId", t(self.company_id.clone())),
            ("IntegrationKey", t(self.key.clone())),
        ];
        all.extend(members.iter().cloned());
        self.body(method, fmt, &user_body(fmt, &all)).await
    }

    /// `body` sent with the format's content type, answered in the same format.
    pub async fn body(&self, method: Method, fmt: Fmt, body: &str) -> Answer {
        let url = self.url("/user", &[("format", fmt.param())]);
        self.raw(
            self.http
                .request(method, url)
                .header("content-type", fmt.content_type())
                .body(body.to_owned()),
        )
        .await
    }

    pub async fn post(&self, fmt: Fmt, members: &[(&str, M)]) -> Answer {
        self.send_user(Method::POST, fmt, members).await
    }

    pub async fn put(&self, fmt: Fmt, members: &[(&str, M)]) -> Answer {
        self.send_user(Method::PUT, fmt, members).await
    }

    /// Creates `first last <email>` and returns its id (hyphenated).
    pub async fn create(&self, fmt: Fmt, first: &str, last: &str, email: &str) -> String {
        let a = self
            .post(
                fmt,
                &[
                    ("FirstName", t(first)),
                    ("LastName", t(last)),
                    ("Email", t(email)),
                ],
            )
            .await;
        a.ok();
        a.id("User.Id").expect("the new user's id")
    }

    /// The user `id` in full.
    pub async fn read(&self, fmt: Fmt, id: &str) -> Answer {
        let a = self.get(fmt, "/user", &[("Id", id)]).await;
        a.ok();
        a
    }
}

/// A folder made over gRPC.
pub async fn folder(c: &Folders, name: &str, external_id: Option<&str>) -> pb::Folder {
    c.clone()
        .create_folder(pb::CreateFolderRequest {
            name: name.to_owned(),
            external_id: external_id.map(str::to_owned),
        })
        .await
        .expect("create folder")
        .into_inner()
}

/// A group made over gRPC.
pub async fn group(c: &Groups, path: &str, external_id: Option<&str>) -> pb::Group {
    c.clone()
        .create_group(pb::CreateGroupRequest {
            path: path.to_owned(),
            external_id: external_id.map(str::to_owned),
        })
        .await
        .expect("create group")
        .into_inner()
}
