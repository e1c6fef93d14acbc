//! PATCH (RFC 7644 §3.5.2) applied to a resource as rendered: `add`, `remove` and `replace`
//! (any case: Microsoft Entra ID sends `Replace`), with a path or without one (then the value
//! is an object of attributes, whose keys may be dotted or carry a schema URN), value paths
//! with filters (`emails[type eq "work"].value`, `members[value eq "…"]`), and Entra's
//! habits (booleans as strings, a value-style `remove` of members). The result is validated
//! and written as a whole by the caller, so a PATCH is all or nothing.

use super::error::{ScimError, ScimType};
use super::filter::{self, Filter};
use super::user_map::{boolean, canonical, canonical_name};
use super::{reply, schema, urn};
use serde_json::{Map, Value};

/// One operation of a PatchOp.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Operation {
    pub(crate) op: Op,
    pub(crate) path: Option<String>,
    pub(crate) value: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Remove,
    Replace,
}

/// The operations of a PatchOp body, checked for shape.
pub(crate) fn operations(body: &Value) -> Result<Vec<Operation>, ScimError> {
    reply::require_schema(body, urn::PATCH)?;
    let ops = body
        .as_object()
        .and_then(|o| {
            o.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Operations"))
                .map(|(_, v)| v)
        })
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::invalid_syntax("A PatchOp needs a list of Operations"))?;
    if ops.is_empty() {
        return Err(ScimError::invalid_syntax(
            "A PatchOp needs at least one operation",
        ));
    }
    ops.iter()
        .enumerate()
        .map(|(i, o)| operation(i, o))
        .collect()
}

fn field<'a>(o: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    o.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn operation(i: usize, v: &Value) -> Result<Operation, ScimError> {
    let o = v
        .as_object()
        .ok_or_else(|| ScimError::invalid_syntax(format!("Operations[{i}] must be an object")))?;
    let op = match field(o, "op").and_then(Value::as_str) {
        Some(s) if s.eq_ignore_ascii_case("add") => Op::Add,
        Some(s) if s.eq_ignore_ascii_case("remove") => Op::Remove,
        Some(s) if s.eq_ignore_ascii_case("replace") => Op::Replace,
        _ => {
            return Err(ScimError::invalid_syntax(format!(
                "Operations[{i}].op must be add, remove or replace"
            )));
        }
    };
    let path = match field(o, "path") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(_) => {
            return Err(ScimError::bad(
                ScimType::InvalidPath,
                format!("Operations[{i}].path must be a string"),
            ));
        }
    };
    let value = field(o, "value").cloned().map(canonical);
    if op != Op::Remove && value.is_none() {
        return Err(ScimError::invalid_value(format!(
            "Operations[{i}] needs a value"
        )));
    }
    if op == Op::Remove && path.is_none() {
        return Err(ScimError::bad(
            ScimType::NoTarget,
            format!("Operations[{i}]: remove needs a path"),
        ));
    }
    Ok(Operation { op, path, value })
}

/// Where a path points: an attribute (inside the enterprise extension's object when `ext`),
/// optionally filtered values of it, optionally one sub-attribute.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) ext: Option<&'static str>,
    pub(crate) attr: String,
    pub(crate) filter: Option<Filter>,
    pub(crate) sub: Option<String>,
}

/// Strips a schema URN from the front of `path`: the extension's (kept) or a core one.
fn schema_prefix(path: &str) -> (Option<&'static str>, &str) {
    for (schema, ext) in [
        (urn::ENTERPRISE, Some(urn::ENTERPRISE)),
        (urn::USER, None),
        (urn::GROUP, None),
    ] {
        if let Some(head) = path.get(..schema.len())
            && head.eq_ignore_ascii_case(schema)
        {
            let rest = &path[schema.len()..];
            if let Some(rest) = rest.strip_prefix(':') {
                return (ext, rest);
            }
            if rest.is_empty() {
                return (ext, rest);
            }
        }
    }
    (None, path)
}

fn known(name: &str) -> String {
    canonical_name(name).map_or_else(|| name.to_owned(), str::to_owned)
}

/// The target of a PATCH path.
pub(crate) fn target(path: &str) -> Result<Target, ScimError> {
    let invalid = |why: String| ScimError::bad(ScimType::InvalidPath, why);
    let (ext, rest) = schema_prefix(path.trim());
    if rest.is_empty() {
        return Err(invalid(format!("The path {path:?} names no attribute")));
    }
    let (head, filter, tail) = match rest.find('[') {
        Some(open) => {
            let close = rest
                .rfind(']')
                .filter(|c| *c > open)
                .ok_or_else(|| invalid(format!("The path {path:?} has an unclosed [")))?;
            let inner = &rest[open + 1..close];
            let f = filter::parse(inner)
                .map_err(|e| invalid(format!("The filter of the path {path:?}: {e}")))?;
            let tail = &rest[close + 1..];
            let tail = match tail.strip_prefix('.') {
                Some(t) if !t.is_empty() => Some(t),
                None if tail.is_empty() => None,
                _ => return Err(invalid(format!("The path {path:?} does not parse"))),
            };
            (&rest[..open], Some(f), tail.map(str::to_owned))
        }
        None => match rest.split_once('.') {
            Some((a, s)) => (a, None, Some(s.to_owned())),
            None => (rest, None, None),
        },
    };
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
    };
    if !ok(head) || tail.as_deref().is_some_and(|t| !ok(t)) {
        return Err(invalid(format!("The path {path:?} does not parse")));
    }
    Ok(Target {
        ext,
        attr: known(head),
        filter,
        sub: tail.map(|t| known(&t)),
    })
}

/// What kind of resource a PATCH applies to: which attributes it may not change, and which
/// are multi-valued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    User,
    Group,
}

impl Kind {
    fn read_only(self, attr: &str) -> bool {
        matches!(attr, "id" | "meta") || (self == Self::User && attr == "groups")
    }

    fn multi_valued(self, ext: Option<&str>, attr: &str) -> bool {
        let resource = match self {
            Self::User => schema::Resource::User,
            Self::Group => schema::Resource::Group,
        };
        ext.is_none() && schema::is_multi_valued(resource, attr)
    }
}

/// Applies `ops` in order to `doc` (a rendered resource, canonical names).
pub(crate) fn apply(doc: &mut Value, ops: &[Operation], kind: Kind) -> Result<(), ScimError> {
    for op in ops {
        match (&op.path, &op.value) {
            (None, Some(Value::Object(attrs))) => {
                for (key, value) in attrs {
                    if key.eq_ignore_ascii_case("schemas") {
                        continue;
                    }
                    // The extension's object: its attributes one by one.
                    if key == urn::ENTERPRISE {
                        if let Value::Object(inner) = value {
                            for (k, v) in inner {
                                let t = target(&format!("{}:{k}", urn::ENTERPRISE))?;
                                one(doc, op.op, &t, Some(v), kind)?;
                            }
                        }
                        continue;
                    }
                    one(doc, op.op, &target(key)?, Some(value), kind)?;
                }
            }
            (None, _) => {
                return Err(ScimError::invalid_value(
                    "An operation without a path needs an object value",
                ));
            }
            (Some(path), value) => one(doc, op.op, &target(path)?, value.as_ref(), kind)?,
        }
    }
    Ok(())
}

/// The object an attribute of `t` lives in, made when missing (for writes).
fn container<'a>(doc: &'a mut Value, t: &Target) -> Option<&'a mut Map<String, Value>> {
    let o = doc.as_object_mut()?;
    match t.ext {
        None => Some(o),
        Some(ext) => {
            let inner = o
                .entry(ext.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            inner.as_object_mut()
        }
    }
}

fn key_in(o: &Map<String, Value>, name: &str) -> String {
    o.keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_owned())
}

/// `true` booleans as identity providers write them: `"True"` where a boolean belongs.
fn normalize(attr: &str, v: &Value) -> Value {
    match v {
        Value::String(_) if matches!(attr, "active" | "primary") => {
            boolean(v).map_or_else(|| v.clone(), Value::Bool)
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), normalize(k, v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|v| normalize(attr, v)).collect()),
        other => other.clone(),
    }
}

/// Applies one operation to one target.
fn one(doc: &mut Value, op: Op, t: &Target, value: Option<&Value>, kind: Kind) -> Result<(), ScimError> {
    if kind.read_only(&t.attr) {
        return Err(ScimError::bad(
            ScimType::Mutability,
            format!("{} is read-only", t.attr),
        ));
    }
    let value = value.map(|v| normalize(&t.attr, v));
    let multi = kind.multi_valued(t.ext, &t.attr);
    let o = container(doc, t)
        .ok_or_else(|| ScimError::invalid_syntax("The resource is not an object"))?;
    let key = key_in(o, &t.attr);
    if t.filter.is_some() && !multi {
        return Err(ScimError::bad(
            ScimType::InvalidPath,
            format!("{} is not multi-valued: it takes no filter", t.attr),
        ));
    }
    if multi {
        return many(o, &key, op, t, value);
    }
    match (op, &t.sub, value) {
        (Op::Remove, None, _) => {
            o.remove(&key);
        }
        (Op::Remove, Some(sub), _) => {
            if let Some(Value::Object(inner)) = o.get_mut(&key) {
                let k = key_in(inner, sub);
                inner.remove(&k);
            }
        }
        (_, Some(sub), Some(v)) => {
            let slot = o.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(inner) = slot {
                let k = key_in(inner, sub);
                inner.insert(k, v);
            }
        }
        // `add` of a complex value merges its sub-attributes; `replace` sets it whole.
        (Op::Add, None, Some(Value::Object(new))) => {
            let slot = o.entry(key).or_insert_with(|| Value::Object(Map::new()));
            match slot {
                Value::Object(inner) => {
                    for (k, v) in new {
                        let k = key_in(inner, &k);
                        inner.insert(k, v);
                    }
                }
                other => *other = Value::Object(new),
            }
        }
        (_, None, Some(v)) => {
            o.insert(key, v);
        }
        (_, _, None) => {}
    }
    Ok(())
}

fn as_list(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// When one value becomes primary, the others stop being (RFC 7644 §3.5.2).
fn one_primary(items: &mut [Value], keep: Option<usize>) {
    let chosen = keep.or_else(|| {
        items
            .iter()
            .rposition(|i| i.get("primary") == Some(&Value::Bool(true)))
    });
    let Some(chosen) = chosen else { return };
    for (i, item) in items.iter_mut().enumerate() {
        if i != chosen
            && let Some(m) = item.as_object_mut()
            && m.get("primary") == Some(&Value::Bool(true))
        {
            m.insert("primary".to_owned(), Value::Bool(false));
        }
    }
}

/// Whether two values of a multi-valued attribute are the same value (by `value` when both
/// have one, else whole).
fn same(a: &Value, b: &Value) -> bool {
    match (a.get("value"), b.get("value")) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// An operation on a multi-valued attribute.
fn many(
    o: &mut Map<String, Value>,
    key: &str,
    op: Op,
    t: &Target,
    value: Option<Value>,
) -> Result<(), ScimError> {
    let mut items = o.get(key).cloned().map(as_list).unwrap_or_default();
    match (&t.filter, op) {
        (None, Op::Remove) => match (value, &t.sub) {
            // Entra ID removes members by listing them as the value.
            (Some(v), None) => {
                let gone = as_list(v);
                items.retain(|i| !gone.iter().any(|g| same(i, g)));
            }
            (_, Some(sub)) => {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    let k = key_in(item, sub);
                    item.remove(&k);
                }
            }
            (None, None) => items.clear(),
        },
        (None, Op::Add) => {
            if t.sub.is_some() {
                return Err(ScimError::bad(
                    ScimType::InvalidPath,
                    format!("add to {key}.<sub-attribute> needs a filter to say which value"),
                ));
            }
            let new = as_list(value.unwrap_or(Value::Null));
            let start = items.len();
            for v in new {
                if !items.iter().any(|i| same(i, &v)) {
                    items.push(v);
                }
            }
            let added_primary = (start..items.len())
                .rfind(|i| items[*i].get("primary") == Some(&Value::Bool(true)));
            one_primary(&mut items, added_primary);
        }
        (None, Op::Replace) => match &t.sub {
            Some(sub) => {
                for item in items.iter_mut().filter_map(Value::as_object_mut) {
                    let k = key_in(item, sub);
                    item.insert(k, value.clone().unwrap_or(Value::Null));
                }
            }
            None => {
                items = as_list(value.unwrap_or(Value::Null));
                one_primary(&mut items, None);
            }
        },
        (Some(f), _) => {
            let chosen: Vec<usize> = (0..items.len())
                .filter(|i| filter::matches_value(f, &items[*i]))
                .collect();
            match op {
                Op::Remove => match &t.sub {
                    None => {
                        let mut i = 0;
                        items.retain(|_| {
                            i += 1;
                            !chosen.contains(&(i - 1))
                        });
                    }
                    Some(sub) => {
                        for i in &chosen {
                            if let Some(m) = items[*i].as_object_mut() {
                                let k = key_in(m, sub);
                                m.remove(&k);
                            }
                        }
                    }
                },
                Op::Add | Op::Replace => {
                    let v = value.unwrap_or(Value::Null);
                    if chosen.is_empty() {
                        // Entra ID adds `emails[type eq "work"].value` to a user without a
                        // work email: the value the filter describes is made.
                        let made = made_from(f, t.sub.as_deref(), &v).ok_or_else(|| {
                            ScimError::bad(
                                ScimType::NoTarget,
                                format!("No value of {key} matches the path's filter"),
                            )
                        })?;
                        items.push(made);
                    }
                    for i in &chosen {
                        match (&t.sub, items[*i].as_object_mut()) {
                            (Some(sub), Some(m)) => {
                                let k = key_in(m, sub);
                                m.insert(k, v.clone());
                            }
                            (None, _) => {
                                items[*i] = match (op, &items[*i], &v) {
                                    (Op::Add, Value::Object(old), Value::Object(new)) => {
                                        let mut m = old.clone();
                                        m.extend(new.clone());
                                        Value::Object(m)
                                    }
                                    _ => v.clone(),
                                };
                            }
                            (Some(_), None) => {}
                        }
                    }
                    let last = items.len().checked_sub(1);
                    let newest = if chosen.is_empty() { last } else { chosen.last().copied() };
                    let flagged = newest.filter(|i| items[*i].get("primary") == Some(&Value::Bool(true)));
                    one_primary(&mut items, flagged);
                }
            }
        }
    }
    if items.is_empty() {
        o.remove(key);
    } else {
        o.insert(key.to_owned(), Value::Array(items));
    }
    Ok(())
}

/// The value a filter of `eq` comparisons describes, with `sub` set to `v` (or `v`'s
/// sub-attributes merged in): `None` when the filter is not such a description.
fn made_from(f: &Filter, sub: Option<&str>, v: &Value) -> Option<Value> {
    let mut m = Map::new();
    for (k, val) in filter::equalities(f)? {
        m.insert(known(&k), val);
    }
    match (sub, v) {
        (Some(sub), v) => {
            m.insert(known(sub), v.clone());
        }
        (None, Value::Object(new)) => m.extend(new.clone()),
        (None, _) => return None,
    }
    Some(Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patched(doc: Value, ops: Value) -> Result<Value, ScimError> {
        let body = json!({ "schemas": [urn::PATCH], "Operations": ops });
        let mut doc = canonical(doc);
        apply(&mut doc, &operations(&body)?, Kind::User)?;
        Ok(doc)
    }

    fn user() -> Value {
        json!({
            "id": "1",
            "userName": "bj",
            "active": true,
            "name": { "givenName": "B" },
            "emails": [
                { "value": "w@x", "type": "work", "primary": true },
                { "value": "h@x", "type": "home" },
            ],
        })
    }

    #[test]
    fn entra_capitalised_ops_string_booleans_and_pathless_dotted_keys() {
        let doc = patched(
            user(),
            json!([
                { "op": "Replace", "path": "active", "value": "False" },
                { "op": "Add", "value": {
                    "name.familyName": "J",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "D",
                    "displayName": "BJ",
                } },
            ]),
        )
        .unwrap();
        assert_eq!(doc["active"], false);
        assert_eq!(doc["name"], json!({ "givenName": "B", "familyName": "J" }));
        assert_eq!(doc[urn::ENTERPRISE]["department"], "D");
        assert_eq!(doc["displayName"], "BJ");
    }

    #[test]
    fn value_paths_select_change_and_make_values() {
        let doc = patched(
            user(),
            json!([
                { "op": "replace", "path": "emails[type eq \"work\"].value", "value": "w2@x" },
                { "op": "add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "555" },
                { "op": "remove", "path": "emails[type eq \"home\"]" },
            ]),
        )
        .unwrap();
        assert_eq!(
            doc["emails"],
            json!([{ "value": "w2@x", "type": "work", "primary": true }])
        );
        assert_eq!(doc["phoneNumbers"], json!([{ "type": "mobile", "value": "555" }]));
    }

    #[test]
    fn a_new_primary_value_demotes_the_old_one() {
        let doc = patched(
            user(),
            json!([{ "op": "add", "path": "emails", "value": [{ "value": "n@x", "primary": true }] }]),
        )
        .unwrap();
        assert_eq!(doc["emails"][0]["primary"], false);
        assert_eq!(doc["emails"][2]["primary"], true);
    }

    #[test]
    fn refusals_name_their_scim_type() {
        let kind = |ops: Value| patched(user(), ops).unwrap_err().scim_type;
        assert_eq!(kind(json!([{ "op": "remove" }])), Some(ScimType::NoTarget));
        assert_eq!(
            kind(json!([{ "op": "replace", "path": "groups", "value": [] }])),
            Some(ScimType::Mutability)
        );
        assert_eq!(
            kind(json!([{ "op": "replace", "path": "emails[type eq", "value": "x" }])),
            Some(ScimType::InvalidPath)
        );
        assert_eq!(
            kind(json!([{ "op": "move", "path": "x", "value": 1 }])),
            Some(ScimType::InvalidSyntax)
        );
    }

    #[test]
    fn remove_takes_a_list_of_values_entra_style() {
        let mut doc = json!({ "displayName": "G", "members": [{ "value": "a" }, { "value": "b" }] });
        let body = json!({ "schemas": [urn::PATCH], "Operations": [
            { "op": "Remove", "path": "members", "value": [{ "value": "a" }] },
        ] });
        apply(&mut doc, &operations(&body).unwrap(), Kind::Group).unwrap();
        assert_eq!(doc["members"], json!([{ "value": "b" }]));
    }
}
