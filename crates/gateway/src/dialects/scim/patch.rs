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

fn known(name: &str) -> String {
    canonical_name(name).map_or_else(|| name.to_owned(), str::to_owned)
}

/// The target of a PATCH path.
pub(crate) fn target(path: &str) -> Result<Target, ScimError> {
    let p = filter::parse_path(path)
        .map_err(|e| ScimError::bad(ScimType::InvalidPath, format!("The path {path:?}: {e}")))?;
    let ext = p
        .path
        .urn
        .as_deref()
        .filter(|u| u.eq_ignore_ascii_case(urn::ENTERPRISE))
        .map(|_| urn::ENTERPRISE);
    Ok(Target {
        ext,
        attr: known(&p.path.name),
        filter: p.filter,
        sub: p.path.sub.as_deref().map(known),
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

    fn resource(self) -> schema::Resource {
        match self {
            Self::User => schema::Resource::User,
            Self::Group => schema::Resource::Group,
        }
    }

    /// The attribute `attr` of the core schema, when it is one.
    fn attribute(self, ext: Option<&str>, attr: &str) -> Option<&'static schema::Attribute> {
        match ext {
            None => self.resource().core().attribute(attr),
            Some(_) => None,
        }
    }

    fn multi_valued(self, ext: Option<&str>, attr: &str) -> bool {
        self.attribute(ext, attr).is_some_and(|a| a.multi_valued)
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
                    if key == urn::ENTERPRISE {
                        extension(doc, op.op, Some(value), kind)?;
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
            // The path is the extension itself: its object as a whole.
            (Some(path), value) if path.eq_ignore_ascii_case(urn::ENTERPRISE) => {
                extension(doc, op.op, value.as_ref(), kind)?;
            }
            (Some(path), value) => one(doc, op.op, &target(path)?, value.as_ref(), kind)?,
        }
    }
    Ok(())
}

/// An operation on the enterprise extension's object: `remove` drops it, `replace` sets it
/// whole, `add` sets the attributes it names, one by one.
fn extension(doc: &mut Value, op: Op, value: Option<&Value>, kind: Kind) -> Result<(), ScimError> {
    if matches!(op, Op::Remove | Op::Replace)
        && let Some(o) = doc.as_object_mut()
    {
        o.remove(urn::ENTERPRISE);
    }
    if op == Op::Remove {
        return Ok(());
    }
    let Some(Value::Object(inner)) = value else {
        return Err(ScimError::invalid_value(format!(
            "{} takes an object",
            urn::ENTERPRISE
        )));
    };
    for (k, v) in inner
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("schemas"))
    {
        let t = target(&format!("{}:{k}", urn::ENTERPRISE))?;
        one(doc, Op::Add, &t, Some(v), kind)?;
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
        other @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)) => {
            other.clone()
        }
    }
}

/// Applies one operation to one target.
fn one(
    doc: &mut Value,
    op: Op,
    t: &Target,
    value: Option<&Value>,
    kind: Kind,
) -> Result<(), ScimError> {
    if kind.read_only(&t.attr) {
        return Err(ScimError::bad(
            ScimType::Mutability,
            format!("{} is read-only", t.attr),
        ));
    }
    let value = value.map(|v| normalize(&t.attr, v));
    let multi = kind.multi_valued(t.ext, &t.attr);
    if let (Some(f), Some(parent)) = (&t.filter, kind.attribute(t.ext, &t.attr)) {
        filter::check_value_filter(f, parent).map_err(|e| {
            ScimError::bad(ScimType::InvalidPath, format!("The path's filter: {e}"))
        })?;
    }
    let o = container(doc, t)
        .ok_or_else(|| ScimError::invalid_syntax("The resource is not an object"))?;
    let key = key_in(o, &t.attr);
    if t.filter.is_some() && !multi {
        return Err(ScimError::bad(
            ScimType::InvalidPath,
            format!("{} is not multi-valued: it takes no filter", t.attr),
        ));
    }
    if let Some(parent) = kind.attribute(t.ext, &t.attr).filter(|a| a.multi_valued) {
        return many(o, &key, op, t, value, parent);
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
                other @ (Value::Null
                | Value::Bool(_)
                | Value::Number(_)
                | Value::String(_)
                | Value::Array(_)) => *other = Value::Object(new),
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
        other @ (Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Object(_)) => {
            vec![other]
        }
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
    resource: &mut Map<String, Value>,
    key: &str,
    op: Op,
    target: &Target,
    value: Option<Value>,
    parent: &schema::Attribute,
) -> Result<(), ScimError> {
    let mut items = resource.get(key).cloned().map(as_list).unwrap_or_default();
    match &target.filter {
        None => unfiltered(&mut items, key, op, target.sub.as_deref(), value)?,
        Some(selector) => {
            let chosen: Vec<usize> = (0..items.len())
                .filter(|i| filter::matches_value(selector, &items[*i], parent))
                .collect();
            let value = value.unwrap_or(Value::Null);
            let sub = target.sub.as_deref();
            match op {
                Op::Remove => remove_chosen(&mut items, &chosen, sub),
                Op::Add | Op::Replace => {
                    set_chosen(&mut items, &chosen, op, sub, &value);
                    if chosen.is_empty() {
                        // Entra ID adds `emails[type eq "work"].value` to a user without a
                        // work email: the value the filter describes is made.
                        let made = made_from(selector, sub, &value).ok_or_else(|| {
                            ScimError::bad(
                                ScimType::NoTarget,
                                format!("No value of {key} matches the path's filter"),
                            )
                        })?;
                        items.push(made);
                    }
                    let newest = chosen
                        .last()
                        .copied()
                        .or_else(|| items.len().checked_sub(1));
                    let flagged =
                        newest.filter(|i| items[*i].get("primary") == Some(&Value::Bool(true)));
                    one_primary(&mut items, flagged);
                }
            }
        }
    }
    if items.is_empty() {
        resource.remove(key);
    } else {
        resource.insert(key.to_owned(), Value::Array(items));
    }
    Ok(())
}

/// An operation on a whole multi-valued attribute, or on a sub-attribute of every value.
fn unfiltered(
    items: &mut Vec<Value>,
    key: &str,
    op: Op,
    sub: Option<&str>,
    value: Option<Value>,
) -> Result<(), ScimError> {
    match (op, sub, value) {
        // Entra ID removes members by listing them as the value.
        (Op::Remove, None, Some(listed)) => {
            let gone = as_list(listed);
            items.retain(|item| !gone.iter().any(|g| same(item, g)));
        }
        (Op::Remove, None, None) => items.clear(),
        (Op::Remove, Some(sub), _) => {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                let k = key_in(item, sub);
                item.remove(&k);
            }
        }
        (Op::Add, Some(_), _) => {
            return Err(ScimError::bad(
                ScimType::InvalidPath,
                format!("add to {key}.<sub-attribute> needs a filter to say which value"),
            ));
        }
        (Op::Add, None, value) => {
            let start = items.len();
            for new in as_list(value.unwrap_or(Value::Null)) {
                if !items.iter().any(|item| same(item, &new)) {
                    items.push(new);
                }
            }
            let added_primary = (start..items.len())
                .rfind(|i| items[*i].get("primary") == Some(&Value::Bool(true)));
            one_primary(items, added_primary);
        }
        (Op::Replace, Some(sub), value) => {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                let k = key_in(item, sub);
                item.insert(k, value.clone().unwrap_or(Value::Null));
            }
        }
        (Op::Replace, None, value) => {
            *items = as_list(value.unwrap_or(Value::Null));
            one_primary(items, None);
        }
    }
    Ok(())
}

/// Removes the values a filter chose, or their sub-attribute `sub`.
fn remove_chosen(items: &mut Vec<Value>, chosen: &[usize], sub: Option<&str>) {
    match sub {
        None => {
            let mut index = 0;
            items.retain(|_| {
                index += 1;
                !chosen.contains(&(index - 1))
            });
        }
        Some(sub) => {
            for i in chosen {
                if let Some(item) = items[*i].as_object_mut() {
                    let k = key_in(item, sub);
                    item.remove(&k);
                }
            }
        }
    }
}

/// Sets the values a filter chose (merging objects for `add`), or their sub-attribute.
fn set_chosen(items: &mut [Value], chosen: &[usize], op: Op, sub: Option<&str>, value: &Value) {
    for i in chosen {
        let item = &mut items[*i];
        match (sub, item) {
            (Some(sub), Value::Object(fields)) => {
                let k = key_in(fields, sub);
                fields.insert(k, value.clone());
            }
            (None, Value::Object(fields)) if op == Op::Add && value.is_object() => {
                if let Value::Object(new) = value {
                    fields.extend(new.clone());
                }
            }
            (None, item) => *item = value.clone(),
            (Some(_), _) => {}
        }
    }
}

/// The value a filter of `eq` comparisons describes, with `sub` set to `v` (or `v`'s
/// sub-attributes merged in): `None` when the filter is not such a description.
fn made_from(f: &Filter, sub: Option<&str>, v: &Value) -> Option<Value> {
    let mut m = Map::new();
    for (k, val) in equalities(f)? {
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

/// The `attr eq value` comparisons a filter is made of, when it is only such comparisons
/// joined by `and`: the value it describes.
pub(crate) fn equalities(f: &Filter) -> Option<Vec<(String, Value)>> {
    match f {
        Filter::Compare {
            path,
            op: filter::CompareOp::Eq,
            value,
            ..
        } if path.urn.is_none() && path.sub.is_none() => {
            let v = match value {
                filter::CompValue::String(s) => Value::String(s.clone()),
                filter::CompValue::Number(n) => Value::Number(n.clone()),
                filter::CompValue::Bool(b) => Value::Bool(*b),
                filter::CompValue::Null => return None,
            };
            Some(vec![(path.name.clone(), v)])
        }
        Filter::And(parts) => {
            let mut out = Vec::new();
            for p in parts {
                out.extend(equalities(p)?);
            }
            Some(out)
        }
        Filter::Compare { .. }
        | Filter::Or(_)
        | Filter::Not(_)
        | Filter::Present { .. }
        | Filter::ValuePath { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patched(doc: Value, ops: &Value) -> Result<Value, ScimError> {
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
            &json!([
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
            &json!([
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
        assert_eq!(
            doc["phoneNumbers"],
            json!([{ "type": "mobile", "value": "555" }])
        );
    }

    #[test]
    fn a_new_primary_value_demotes_the_old_one() {
        let doc = patched(
            user(),
            &json!([{ "op": "add", "path": "emails", "value": [{ "value": "n@x", "primary": true }] }]),
        )
        .unwrap();
        assert_eq!(doc["emails"][0]["primary"], false);
        assert_eq!(doc["emails"][2]["primary"], true);
    }

    #[test]
    fn refusals_name_their_scim_type() {
        let kind = |ops: Value| patched(user(), &ops).unwrap_err().scim_type;
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
        let mut doc =
            json!({ "displayName": "G", "members": [{ "value": "a" }, { "value": "b" }] });
        let body = json!({ "schemas": [urn::PATCH], "Operations": [
            { "op": "Remove", "path": "members", "value": [{ "value": "a" }] },
        ] });
        apply(&mut doc, &operations(&body).unwrap(), Kind::Group).unwrap();
        assert_eq!(doc["members"], json!([{ "value": "b" }]));
    }
}
