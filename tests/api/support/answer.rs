//! An HTTP answer, read whole: status, headers and bytes, with the readings the tests of every
//! dialect make of it. Whether an answer has the right shape for its dialect is asserted by
//! that dialect's client (`Ce::error`, `Cloud::error`, ...), not here.

use super::formsonfire::xml_to_json;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::borrow::Cow;
use std::sync::OnceLock;

#[derive(Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) raw: Vec<u8>,
    // Parsed on first use: most answers are read one way only.
    json: OnceLock<Value>,
    doc: OnceLock<Value>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.text())
            .finish_non_exhaustive()
    }
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
    /// Sends `r` and reads the answer whole.
    pub(crate) async fn of(r: reqwest::RequestBuilder) -> Self {
        Self::try_of(r).await.expect("the gateway answers, whole")
    }

    /// Sends `r` and reads the answer whole; the error when there is none (no connection,
    /// a timeout, a body cut short), for a client that sends again.
    pub(crate) async fn try_of(r: reqwest::RequestBuilder) -> Result<Self, reqwest::Error> {
        let res = r.send().await?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let raw = res.bytes().await?.to_vec();
        Ok(Self {
            status,
            headers,
            raw,
            json: OnceLock::new(),
            doc: OnceLock::new(),
        })
    }

    /// A header's value, empty when absent.
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub(crate) fn content_type(&self) -> &str {
        self.header("content-type")
    }

    /// The body as text (invalid UTF-8 replaced).
    pub(crate) fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.raw)
    }

    /// The body as JSON; `Null` when it is empty or not JSON.
    pub(crate) fn json(&self) -> &Value {
        self.json
            .get_or_init(|| serde_json::from_slice(&self.raw).unwrap_or(Value::Null))
    }

    /// The members of the response DTO, whichever format it came in: JSON as sent, XML (by
    /// its content type) through [`xml_to_json`] with its root element removed.
    pub(crate) fn doc(&self) -> &Value {
        self.doc.get_or_init(|| {
            if self.content_type().contains("xml") {
                xml_to_json(&self.text())
                    .as_object()
                    .and_then(|m| m.values().next().cloned())
                    .unwrap_or(Value::Null)
            } else {
                self.json().clone()
            }
        })
    }

    /// The value at `a.b.0.c` of [`Self::doc`], as text; `None` for absent or null.
    pub(crate) fn get(&self, path: &str) -> Option<String> {
        self.node(path).and_then(scalar)
    }

    /// The node at `a.b.0.c` of [`Self::doc`]; `None` for absent or null.
    pub(crate) fn node(&self, path: &str) -> Option<&Value> {
        let mut v = self.doc();
        for part in path.split('.') {
            v = match part.parse::<usize>() {
                Ok(i) => v.get(i)?,
                Err(_) => v.get(part)?,
            };
        }
        (!v.is_null()).then_some(v)
    }

    /// The items at `path` as text.
    pub(crate) fn list(&self, path: &str) -> Vec<String> {
        self.node(path)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(scalar).collect())
            .unwrap_or_default()
    }

    /// A GUID at `path`, hyphenated, whichever way it was written.
    pub(crate) fn id(&self, path: &str) -> Option<String> {
        self.get(path)
            .and_then(|s| uuid::Uuid::try_parse(&s).ok())
            .map(|u| u.hyphenated().to_string())
    }
}
