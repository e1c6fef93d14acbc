//! Filters evaluated in memory over SCIM JSON as rendered (keys as the RFC spells them), with
//! RFC 7644 §3.4.2.2 semantics: names ignore case; strings compare without case unless the
//! attribute is `caseExact` (Unicode lowercase; no normalisation form is applied); dateTimes
//! compare as instants, numbers numerically; a multi-valued attribute matches when any of its
//! values does; a bare complex attribute compares as its `value` sub-attribute; `pr` is
//! "present and neither null nor empty". A comparison with an attribute that has no value is
//! false (`eq null` holds exactly when there is none); `not` negates whatever is inside.
//!
//! [`matches`] never fails: what [`super::check`] refuses simply does not match.

use super::{AttrPath, CompValue, CompareOp, Filter};
use crate::dialects::scim::schema::{self, AttrType, Attribute, Resource};
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// Whether `resource`, a rendered SCIM resource of type `kind`, satisfies `filter`.
pub(crate) fn matches(filter: &Filter, resource: &Value, kind: Resource) -> bool {
    eval(filter, Scope::Resource(kind, resource))
}

/// Whether `element`, one value of the multi-valued (or single) complex attribute `parent`,
/// satisfies `filter`, whose paths name `parent`'s sub-attributes (the inside of a value path,
/// as in the PATCH path `emails[type eq "work"]`). For a multi-valued attribute of simple
/// values, `value` names the element itself.
pub(crate) fn matches_value(filter: &Filter, element: &Value, parent: &Attribute) -> bool {
    eval(filter, Scope::Element(parent, element))
}

#[derive(Clone, Copy)]
enum Scope<'a> {
    Resource(Resource, &'a Value),
    Element(&'a Attribute, &'a Value),
}

fn eval(f: &Filter, scope: Scope<'_>) -> bool {
    match f {
        Filter::And(parts) => parts.iter().all(|p| eval(p, scope)),
        Filter::Or(parts) => parts.iter().any(|p| eval(p, scope)),
        Filter::Not(inner) => !eval(inner, scope),
        Filter::Present { path, .. } => {
            nodes(scope, path).is_some_and(|(_, values)| values.into_iter().any(present))
        }
        Filter::Compare {
            path, op, value, ..
        } => {
            let Some((attr, values)) = nodes(scope, path).and_then(|(a, v)| comparable(a, v))
            else {
                return false;
            };
            match (value, op) {
                (CompValue::Null, CompareOp::Eq) => !values.into_iter().any(present),
                (CompValue::Null, CompareOp::Ne) => values.into_iter().any(present),
                (CompValue::Null, _) => false,
                (CompValue::String(_) | CompValue::Number(_) | CompValue::Bool(_), _) => {
                    values.into_iter().any(|v| compare(attr, v, *op, value))
                }
            }
        }
        Filter::ValuePath { path, filter, .. } => {
            let Scope::Resource(kind, resource) = scope else {
                return false;
            };
            let Some(r) = schema::resolve(kind, path) else {
                return false;
            };
            if r.sub.is_some() || r.attribute.kind != AttrType::Complex {
                return false;
            }
            elements(resource, &r)
                .into_iter()
                .any(|el| matches_value(filter, el, r.attribute))
        }
    }
}

/// The value of `key` in the object `v`, the key compared without case.
pub(crate) fn get_ci<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    let o = v.as_object()?;
    o.get(key).or_else(|| {
        o.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// An array's items, or the value itself; nothing for null.
fn spread(v: &Value) -> Vec<&Value> {
    match v {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().filter(|i| !i.is_null()).collect(),
        Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Object(_) => vec![v],
    }
}

/// Neither null nor empty (`pr`).
fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => items.iter().any(present),
        Value::Object(members) => members.values().any(present),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// The sub-attribute `sub` of one value; a bare string stands for its `value` (Entra sends
/// `"manager": "<id>"`).
fn sub_of<'a>(element: &'a Value, sub: &Attribute) -> Option<&'a Value> {
    match element {
        Value::Object(_) => get_ci(element, sub.name),
        Value::String(_) | Value::Number(_) | Value::Bool(_)
            if sub.name.eq_ignore_ascii_case("value") =>
        {
            Some(element)
        }
        Value::Null | Value::Array(_) | Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            None
        }
    }
}

/// The values (or elements) of the attribute `r` resolves to in `resource`.
fn elements<'a>(resource: &'a Value, r: &schema::Resolved) -> Vec<&'a Value> {
    let container = if r.in_extension() {
        get_ci(resource, r.schema.id)
    } else {
        Some(resource)
    };
    container
        .and_then(|c| get_ci(c, r.attribute.name))
        .map(spread)
        .unwrap_or_default()
}

/// What `path` names in `scope`: the attribute that types the values, and the values (the
/// elements of a multi-valued attribute spread out).
fn nodes<'a>(scope: Scope<'a>, path: &AttrPath) -> Option<(&'static Attribute, Vec<&'a Value>)> {
    match scope {
        Scope::Resource(kind, resource) => {
            let r = schema::resolve(kind, path)?;
            let els = elements(resource, &r);
            Some(match r.sub {
                Some(sub) => (
                    sub,
                    els.into_iter()
                        .filter_map(|el| sub_of(el, sub))
                        .flat_map(spread)
                        .collect(),
                ),
                None => (r.attribute, els),
            })
        }
        Scope::Element(parent, element) => {
            let attr = element_attr(parent, path)?;
            if parent.kind != AttrType::Complex {
                return Some((attr, spread(element)));
            }
            Some((attr, sub_of(element, attr).map(spread).unwrap_or_default()))
        }
    }
}

/// What `value` names inside a value filter over a simple multi-valued attribute (which has
/// no sub-attributes): the value itself, typed as a plain string. (No attribute of the schema
/// table is such an attribute; this keeps `matches_value` total.)
const ITSELF: Attribute = Attribute {
    name: "value",
    kind: AttrType::String,
    multi_valued: false,
    required: false,
    case_exact: false,
    mutability: schema::Mutability::ReadWrite,
    returned: schema::Returned::Default,
    uniqueness: schema::Uniqueness::None,
    canonical_values: &[],
    reference_types: &[],
    sub_attributes: &[],
    description: "",
};

/// The sub-attribute of `parent` that `path` names inside a value filter.
pub(super) fn element_attr(parent: &Attribute, path: &AttrPath) -> Option<&'static Attribute> {
    if path.urn.is_some() || path.sub.is_some() {
        return None;
    }
    if parent.kind == AttrType::Complex {
        return parent.sub_attribute(&path.name);
    }
    path.name.eq_ignore_ascii_case("value").then_some(&ITSELF)
}

/// The attribute and values a comparison works on: a complex attribute compares as its
/// `value` sub-attribute.
fn comparable<'a>(
    attr: &'static Attribute,
    values: Vec<&'a Value>,
) -> Option<(&'static Attribute, Vec<&'a Value>)> {
    if attr.kind != AttrType::Complex {
        return Some((attr, values));
    }
    let value = attr.sub_attribute("value")?;
    let subs = values
        .into_iter()
        .filter_map(|el| sub_of(el, value))
        .flat_map(spread)
        .collect();
    Some((value, subs))
}

/// A boolean as a filter or a resource may spell it: `true`, or Entra's `"True"`.
pub(crate) fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        Value::Null | Value::Number(_) | Value::String(_) | Value::Array(_) | Value::Object(_) => {
            None
        }
    }
}

/// A comparison value's boolean, `"true"` / `"false"` (any case) included.
pub(crate) fn comp_bool(v: &CompValue) -> Option<bool> {
    match v {
        CompValue::Bool(b) => Some(*b),
        CompValue::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        CompValue::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        CompValue::String(_) | CompValue::Number(_) | CompValue::Null => None,
    }
}

/// An `xsd:dateTime`: RFC 3339, or without a zone (read as UTC).
pub(crate) fn parse_date_time(s: &str) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t);
    }
    let local = [
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    ];
    local
        .iter()
        .find_map(|f| PrimitiveDateTime::parse(s, f).ok())
        .map(PrimitiveDateTime::assume_utc)
}

fn ordered(ord: Ordering, op: CompareOp) -> bool {
    match op {
        CompareOp::Eq => ord == Ordering::Equal,
        CompareOp::Ne => ord != Ordering::Equal,
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

fn text(actual: &str, expected: &str, op: CompareOp, case_exact: bool) -> bool {
    let (a, e): (Cow<'_, str>, Cow<'_, str>) = if case_exact {
        (actual.into(), expected.into())
    } else {
        (actual.to_lowercase().into(), expected.to_lowercase().into())
    };
    match op {
        CompareOp::Co => a.contains(e.as_ref()),
        CompareOp::Sw => a.starts_with(e.as_ref()),
        CompareOp::Ew => a.ends_with(e.as_ref()),
        CompareOp::Eq
        | CompareOp::Ne
        | CompareOp::Gt
        | CompareOp::Ge
        | CompareOp::Lt
        | CompareOp::Le => ordered(a.cmp(&e), op),
    }
}

fn number_order(a: &serde_json::Number, b: &serde_json::Number) -> Option<Ordering> {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// One value of `attr` against the filter's value.
fn compare(attr: &Attribute, actual: &Value, op: CompareOp, expected: &CompValue) -> bool {
    match attr.kind {
        AttrType::String | AttrType::Reference | AttrType::Binary => match (actual, expected) {
            (Value::String(a), CompValue::String(e)) => text(a, e, op, attr.case_exact),
            _ => false,
        },
        AttrType::DateTime => match (actual, expected) {
            (Value::String(a), CompValue::String(e)) => {
                match (op, parse_date_time(a), parse_date_time(e)) {
                    (CompareOp::Co | CompareOp::Sw | CompareOp::Ew, _, _)
                    | (_, None, _)
                    | (_, _, None) => text(a, e, op, false),
                    (_, Some(a), Some(e)) => ordered(a.cmp(&e), op),
                }
            }
            _ => false,
        },
        AttrType::Boolean => match (as_bool(actual), comp_bool(expected), op) {
            (Some(a), Some(e), CompareOp::Eq) => a == e,
            (Some(a), Some(e), CompareOp::Ne) => a != e,
            _ => false,
        },
        AttrType::Integer | AttrType::Decimal => match (actual, expected) {
            (Value::Number(a), CompValue::Number(e)) => {
                number_order(a, e).is_some_and(|ord| ordered(ord, op))
            }
            _ => false,
        },
        AttrType::Complex => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::check::check_comparison;
    use super::*;
    use serde_json::json;

    /// No attribute Roster serves is a number, so numbers are tried on one made here.
    #[test]
    fn numbers_compare_numerically_and_refuse_substrings() {
        let mut count = ITSELF;
        count.kind = AttrType::Integer;
        let n = |text: &str| CompValue::Number(serde_json::from_str(text).unwrap());
        assert!(compare(&count, &json!(10), CompareOp::Gt, &n("9")));
        assert!(compare(&count, &json!(10), CompareOp::Eq, &n("10.0")));
        assert!(compare(&count, &json!(2.5), CompareOp::Lt, &n("3")));
        assert!(compare(&count, &json!(-1), CompareOp::Le, &n("-1")));
        assert!(!compare(&count, &json!(10), CompareOp::Co, &n("1")));
        assert!(!compare(&count, &json!("10"), CompareOp::Eq, &n("10")));
        let path = AttrPath::new("count");
        assert!(check_comparison(&path, &count, CompareOp::Co, &n("1"), 0).is_err());
        assert!(check_comparison(&path, &count, CompareOp::Eq, &CompValue::Bool(true), 0).is_err());
        assert!(check_comparison(&path, &count, CompareOp::Ge, &n("1"), 0).is_ok());
    }

    #[test]
    fn date_times_parse_with_and_without_zones() {
        let at = |s| parse_date_time(s).map(OffsetDateTime::unix_timestamp);
        assert_eq!(at("1970-01-01T00:00:01Z"), Some(1));
        assert_eq!(at("1970-01-01T01:00:01+01:00"), Some(1));
        assert_eq!(at("1970-01-01T00:00:01"), Some(1));
        assert_eq!(at("1970-01-01T00:00:01.25"), Some(1));
        assert_eq!(at("1970-01-01"), None, "a dateTime has a time");
        assert_eq!(at("yesterday"), None);
    }
}
