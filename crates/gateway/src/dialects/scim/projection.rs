//! `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes a
//! response carries. `id` and `schemas` are always returned; `password` never is (it is never
//! rendered). Names match without case and may carry their schema's URN.

use super::urn;
use serde_json::{Map, Value};

/// The attributes a request names, each as the path of keys into a rendered resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Projection {
    only: Vec<Vec<String>>,
    without: Vec<Vec<String>>,
}

/// Always in a response, whatever the request says.
const ALWAYS: [&str; 2] = ["id", "schemas"];

/// `urn:…:User:name.givenName` as keys: the extension's URN is a key of its own, a core
/// schema's URN is dropped.
fn keys(path: &str) -> Vec<String> {
    let path = path.trim();
    for (schema, own_key) in [
        (urn::ENTERPRISE, true),
        (urn::USER, false),
        (urn::GROUP, false),
    ] {
        let Some(head) = path.get(..schema.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(schema) {
            continue;
        }
        let rest = &path[schema.len()..];
        let mut out = if own_key {
            vec![schema.to_owned()]
        } else {
            Vec::new()
        };
        if let Some(rest) = rest.strip_prefix(':') {
            out.extend(rest.split('.').map(str::to_owned));
            return out;
        }
        if rest.is_empty() {
            return out;
        }
    }
    path.split('.').map(str::to_owned).collect()
}

fn list(raw: Option<&str>) -> Vec<Vec<String>> {
    raw.map(|r| {
        r.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(keys)
            .collect()
    })
    .unwrap_or_default()
}

fn find_key(o: &Map<String, Value>, name: &str) -> Option<String> {
    o.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

impl Projection {
    pub(crate) fn new(attributes: Option<&str>, excluded: Option<&str>) -> Self {
        Self {
            only: list(attributes),
            without: list(excluded),
        }
    }

    /// Whether the response may leave out `attr` (a top-level attribute): so that a caller
    /// need not fetch what it will drop (a group's members).
    pub(crate) fn drops(&self, attr: &str) -> bool {
        let named = |paths: &[Vec<String>]| {
            paths
                .iter()
                .any(|p| p.first().is_some_and(|k| k.eq_ignore_ascii_case(attr)))
        };
        if !self.only.is_empty() {
            return !named(&self.only);
        }
        self.without
            .iter()
            .any(|p| p.len() == 1 && p[0].eq_ignore_ascii_case(attr))
    }

    /// `resource` with only what the request asked for.
    pub(crate) fn apply(&self, resource: Value) -> Value {
        let Value::Object(mut o) = resource else {
            return resource;
        };
        if !self.only.is_empty() {
            let mut kept = Map::new();
            for k in ALWAYS {
                if let Some(v) = o.remove(k) {
                    kept.insert(k.to_owned(), v);
                }
            }
            for path in &self.only {
                copy(&o, &mut kept, path);
            }
            o = kept;
        }
        for path in &self.without {
            if !(path.len() == 1 && ALWAYS.iter().any(|a| a.eq_ignore_ascii_case(&path[0]))) {
                remove(&mut o, path);
            }
        }
        Value::Object(o)
    }
}

/// Copies `path` of `from` into `to`; into every value of a multi-valued attribute.
fn copy(from: &Map<String, Value>, to: &mut Map<String, Value>, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(key) = find_key(from, first) else {
        return;
    };
    let value = &from[&key];
    if rest.is_empty() {
        to.insert(key, value.clone());
        return;
    }
    match value {
        Value::Object(inner) => {
            let slot = to.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(slot) = slot {
                copy(inner, slot, rest);
            }
        }
        Value::Array(items) => {
            let picked: Vec<Value> = items
                .iter()
                .filter_map(Value::as_object)
                .map(|item| {
                    let mut m = Map::new();
                    copy(item, &mut m, rest);
                    Value::Object(m)
                })
                .collect();
            to.insert(key, Value::Array(picked));
        }
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

fn remove(o: &mut Map<String, Value>, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(key) = find_key(o, first) else {
        return;
    };
    if rest.is_empty() {
        o.remove(&key);
        return;
    }
    match o.get_mut(&key) {
        Some(Value::Object(inner)) => remove(inner, rest),
        Some(Value::Array(items)) => {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                remove(item, rest);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "schemas": [urn::USER],
            "id": "1",
            "userName": "bj",
            "name": { "givenName": "B", "familyName": "J" },
            "emails": [{ "value": "a@x", "type": "work" }],
            urn::ENTERPRISE: { "department": "D", "costCenter": "C" },
            "meta": { "resourceType": "User" },
        })
    }

    #[test]
    fn attributes_keep_only_what_is_named_and_what_is_always_returned() {
        let p = Projection::new(
            Some(&format!(
                "USERNAME,name.familyName,emails.value,{}:department",
                urn::ENTERPRISE
            )),
            None,
        );
        assert_eq!(
            p.apply(user()),
            json!({
                "schemas": [urn::USER],
                "id": "1",
                "userName": "bj",
                "name": { "familyName": "J" },
                "emails": [{ "value": "a@x" }],
                urn::ENTERPRISE: { "department": "D" },
            })
        );
        assert!(p.drops("meta"));
        assert!(!p.drops("emails"));
    }

    #[test]
    fn excluded_attributes_go_but_id_stays() {
        let p = Projection::new(None, Some("emails,id,name.givenName,meta"));
        let v = p.apply(user());
        assert!(v.get("emails").is_none() && v.get("meta").is_none());
        assert_eq!(v["id"], "1");
        assert_eq!(v["name"], json!({ "familyName": "J" }));
        assert!(p.drops("meta"));
        assert!(!p.drops("name"));
        let p = Projection::new(
            None,
            Some(&format!(
                "{}:User:userName",
                "urn:ietf:params:scim:schemas:core:2.0"
            )),
        );
        assert!(p.apply(user()).get("userName").is_none());
    }
}
