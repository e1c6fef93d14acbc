//! Whether a filter makes sense for a resource type, before it is evaluated or translated:
//! RFC 7644 §3.4.2.2 calls a filter invalid when it names an unknown attribute, applies an
//! operator that does not fit the attribute's type (`gt` on a boolean), or compares with a
//! value of the wrong type.

use super::eval::{comp_bool, element_attr, parse_date_time};
use super::{AttrPath, CompValue, CompareOp, Filter, FilterError};
use crate::dialects::scim::schema::{self, AttrType, Attribute, Resource};

/// Whether every path of `filter` names an attribute of `kind`, and every comparison fits its
/// attribute's type; for the inside of a PATCH value path, see [`check_value_filter`].
pub(crate) fn check(filter: &Filter, kind: Resource) -> Result<(), FilterError> {
    check_in(filter, Ctx::Resource(kind))
}

/// [`check`] for a filter over the sub-attributes of `parent` (a PATCH path's `[...]`).
pub(crate) fn check_value_filter(filter: &Filter, parent: &Attribute) -> Result<(), FilterError> {
    check_in(filter, Ctx::Element(parent))
}

#[derive(Clone, Copy)]
enum Ctx<'a> {
    Resource(Resource),
    Element(&'a Attribute),
}

fn check_in(f: &Filter, ctx: Ctx<'_>) -> Result<(), FilterError> {
    match f {
        Filter::And(parts) | Filter::Or(parts) => parts.iter().try_for_each(|p| check_in(p, ctx)),
        Filter::Not(inner) => check_in(inner, ctx),
        Filter::Present { path, at } => target(ctx, path, *at).map(|_| ()),
        Filter::Compare {
            path,
            op,
            value,
            at,
        } => {
            let attr = target(ctx, path, *at)?;
            let attr = if attr.kind == AttrType::Complex {
                attr.sub_attribute("value").ok_or_else(|| {
                    FilterError::new(
                        *at,
                        format!(
                            "\"{path}\" is complex: compare one of its sub-attributes, e.g. \
                             \"{path}.{}\"",
                            attr.sub_attributes.first().map_or("value", |s| s.name)
                        ),
                    )
                })?
            } else {
                attr
            };
            check_comparison(path, attr, *op, value, *at)
        }
        Filter::ValuePath { path, filter, at } => {
            if matches!(ctx, Ctx::Element(_)) {
                return Err(FilterError::new(*at, "value filters cannot be nested"));
            }
            let attr = target(ctx, path, *at)?;
            if attr.kind != AttrType::Complex || path.sub.is_some() {
                return Err(FilterError::new(
                    *at,
                    format!("\"{path}\" has no sub-attributes to filter on"),
                ));
            }
            check_in(filter, Ctx::Element(attr))
        }
    }
}

/// The attribute `path` names in `ctx`, or an error saying it names none.
fn target(ctx: Ctx<'_>, path: &AttrPath, at: usize) -> Result<&'static Attribute, FilterError> {
    match ctx {
        Ctx::Resource(kind) => schema::attribute(kind, path).ok_or_else(|| {
            FilterError::new(
                at,
                format!("\"{path}\" is not an attribute of a {}", kind.name()),
            )
        }),
        Ctx::Element(parent) => element_attr(parent, path).ok_or_else(|| {
            FilterError::new(
                at,
                format!("\"{path}\" is not a sub-attribute of \"{}\"", parent.name),
            )
        }),
    }
}

/// Whether `op value` applies to `attr` (RFC 7644 §3.4.2.2: no ordering on booleans and
/// binaries; values of the attribute's type).
pub(crate) fn check_comparison(
    path: &AttrPath,
    attr: &Attribute,
    op: CompareOp,
    value: &CompValue,
    at: usize,
) -> Result<(), FilterError> {
    let refuse = |why: &str| Err(FilterError::new(at, why.to_owned()));
    let op_name = op.as_str();
    if *value == CompValue::Null {
        return match op {
            CompareOp::Eq | CompareOp::Ne => Ok(()),
            CompareOp::Co
            | CompareOp::Sw
            | CompareOp::Ew
            | CompareOp::Gt
            | CompareOp::Ge
            | CompareOp::Lt
            | CompareOp::Le => refuse(&format!(
                "\"{op_name}\" cannot compare \"{path}\" with null (only eq and ne can)"
            )),
        };
    }
    let substring = matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew);
    match attr.kind {
        AttrType::Boolean => {
            if !matches!(op, CompareOp::Eq | CompareOp::Ne) {
                return refuse(&format!(
                    "\"{op_name}\" does not apply to the boolean \"{path}\" (only eq and ne do)"
                ));
            }
            if comp_bool(value).is_none() {
                return refuse(&format!("\"{path}\" takes true or false, not {value}"));
            }
        }
        AttrType::Integer | AttrType::Decimal => {
            if substring {
                return refuse(&format!(
                    "\"{op_name}\" does not apply to the number \"{path}\""
                ));
            }
            if !matches!(value, CompValue::Number(_)) {
                return refuse(&format!("\"{path}\" takes a number, not {value}"));
            }
        }
        AttrType::DateTime => match value {
            CompValue::String(s) if substring || parse_date_time(s).is_some() => {}
            CompValue::String(_) | CompValue::Number(_) | CompValue::Bool(_) | CompValue::Null => {
                return refuse(&format!(
                    "\"{path}\" takes a dateTime such as \"2011-05-13T04:42:34Z\", not {value}"
                ));
            }
        },
        AttrType::Binary if op.is_ordering() => {
            return refuse(&format!(
                "\"{op_name}\" does not apply to the binary \"{path}\""
            ));
        }
        AttrType::String | AttrType::Reference | AttrType::Binary => {
            if !matches!(value, CompValue::String(_)) {
                return refuse(&format!("\"{path}\" takes a quoted string, not {value}"));
            }
        }
        AttrType::Complex => {
            return refuse(&format!(
                "\"{path}\" is complex: compare one of its sub-attributes"
            ));
        }
    }
    Ok(())
}
