//! SCIM User filters as the contract's structured [`pb::UserFilter`]. Nothing of the filter's
//! text reaches SQL: each comparison becomes a typed comparison on one of the user's fields or
//! metadata entries, per [`USER_ATTRIBUTES`] (how the SCIM face stores a SCIM User on Roster's
//! user). What Roster cannot answer truthfully is refused with a [`FilterError`] naming it.
//!
//! Case (RFC 7644 §3.4.2.2: strings compare without case unless `caseExact`): the core's
//! LIKE, PREFIX and CONTAINS ignore ASCII case, and so do its EQ and NE on login and email;
//! so `eq` on other case-insensitive text is a LIKE with the value's wildcards escaped, and
//! `ne` its negation. `caseExact` attributes (`id`, `externalId`) use EQ and NE; their `co`,
//! `sw` and `ew` use the same core operators as the others, which ignore ASCII case: they
//! match more than the RFC says, never less. Metadata entries compare with case in the core
//! (EQ, NE), so `eq` on a metadata-backed attribute keeps case there.
//!
//! The contract compares an unset field as false, also under `not`; `not (title eq "x")`
//! therefore does not hold for a user without a title, where the RFC's reading would.

use super::check::check_comparison;
use super::eval::{comp_bool, parse_date_time};
use super::{AttrPath, CompValue, CompareOp, Filter, FilterError};
use crate::dialects::scim::schema::{self, AttrType, ENTERPRISE_USER_URN, Resource, USER_URN};
use roster_proto::v1 as pb;
use roster_proto::v1::ComparisonOperator as O;
use roster_proto::v1::UserField as F;
use roster_proto::v1::filter_value::Kind as V;

/// The core's limits on a filter tree (`roster_domain::filter`), checked here so that a SCIM
/// client gets an `invalidFilter` message in SCIM terms.
const CORE_MAX_NODES: usize = 256;
const CORE_MAX_DEPTH: usize = 16;

/// How a text field's `eq` and `ne` treat case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// Without case, by LIKE (the core's EQ keeps case on this field).
    Like,
    /// Without case, by EQ / NE, which ignore case on this field (login, email).
    CoreEq,
    /// With case (`caseExact`).
    Exact,
}

/// Where Roster keeps a SCIM attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The user's id, a UUID compared whole.
    Id,
    /// The ids of the groups the user is a direct member of.
    Groups,
    /// `active` is "status is ACTIVE".
    Active,
    Time(F),
    Text(F, Case),
    /// A metadata entry, by key.
    Metadata(&'static str),
}

use Case::{CoreEq, Exact, Like};
use Target::{Metadata, Text, Time};

/// (schema, attribute or `attribute.sub` as the schema spells it, where Roster keeps it).
/// A bare complex attribute (`emails`, `groups`, `manager`) stands for its `value`.
const USER_ATTRIBUTES: &[(&str, &str, Target)] = &[
    (USER_URN, "id", Target::Id),
    (USER_URN, "externalId", Text(F::ExternalId, Exact)),
    (USER_URN, "userName", Text(F::Login, CoreEq)),
    (USER_URN, "displayName", Text(F::DisplayName, Like)),
    (USER_URN, "title", Text(F::JobTitle, Like)),
    (USER_URN, "timezone", Text(F::TimeZone, Like)),
    (USER_URN, "name.givenName", Text(F::FirstName, Like)),
    (USER_URN, "name.familyName", Text(F::LastName, Like)),
    (USER_URN, "emails.value", Text(F::Email, CoreEq)),
    (USER_URN, "phoneNumbers.value", Text(F::Phone, Like)),
    (USER_URN, "addresses.streetAddress", Text(F::Address, Like)),
    (USER_URN, "addresses.locality", Text(F::City, Like)),
    (USER_URN, "addresses.region", Text(F::State, Like)),
    (USER_URN, "addresses.postalCode", Text(F::PostalCode, Like)),
    (USER_URN, "addresses.country", Text(F::Country, Like)),
    (USER_URN, "meta.created", Time(F::CreateTime)),
    (USER_URN, "meta.lastModified", Time(F::UpdateTime)),
    (USER_URN, "groups.value", Target::Groups),
    (USER_URN, "active", Target::Active),
    (USER_URN, "nickName", Metadata("scim:nickName")),
    (USER_URN, "userType", Metadata("scim:userType")),
    (USER_URN, "locale", Metadata("scim:locale")),
    (
        USER_URN,
        "preferredLanguage",
        Metadata("scim:preferredLanguage"),
    ),
    (USER_URN, "profileUrl", Metadata("scim:profileUrl")),
    (
        USER_URN,
        "name.middleName",
        Metadata("scim:name.middleName"),
    ),
    (
        USER_URN,
        "name.honorificPrefix",
        Metadata("scim:name.honorificPrefix"),
    ),
    (
        USER_URN,
        "name.honorificSuffix",
        Metadata("scim:name.honorificSuffix"),
    ),
    (USER_URN, "name.formatted", Metadata("scim:name.formatted")),
    (
        ENTERPRISE_USER_URN,
        "organization",
        Text(F::CompanyName, Like),
    ),
    (
        ENTERPRISE_USER_URN,
        "employeeNumber",
        Metadata("scim:enterprise:employeeNumber"),
    ),
    (
        ENTERPRISE_USER_URN,
        "costCenter",
        Metadata("scim:enterprise:costCenter"),
    ),
    (
        ENTERPRISE_USER_URN,
        "division",
        Metadata("scim:enterprise:division"),
    ),
    (
        ENTERPRISE_USER_URN,
        "department",
        Metadata("scim:enterprise:department"),
    ),
    (
        ENTERPRISE_USER_URN,
        "manager.value",
        Metadata("scim:enterprise:manager"),
    ),
];

/// The contract filter a SCIM filter on Users asks for.
pub(crate) fn to_user_filter(filter: &Filter) -> Result<pb::UserFilter, FilterError> {
    let f = translate(filter, None)?;
    let mut nodes = 0;
    if !fits(&f, 0, &mut nodes) {
        return Err(FilterError::new(
            0,
            format!(
                "the filter is too complex (at most {CORE_MAX_NODES} conditions and \
                 {CORE_MAX_DEPTH} levels once translated)"
            ),
        ));
    }
    Ok(f)
}

/// Whether the tree keeps within the core's limits, counted as the core counts.
fn fits(f: &pb::UserFilter, depth: usize, nodes: &mut usize) -> bool {
    use pb::user_filter::Kind as K;
    *nodes += 1;
    if depth > CORE_MAX_DEPTH || *nodes > CORE_MAX_NODES {
        return false;
    }
    match &f.kind {
        Some(K::All(l) | K::Any(l)) => l.filters.iter().all(|c| fits(c, depth + 1, nodes)),
        Some(K::Not(inner)) => fits(inner, depth + 1, nodes),
        Some(K::Compare(_)) | None => true,
    }
}

/// `f`; inside a value path, `parent` is the attribute whose values it filters.
fn translate(f: &Filter, parent: Option<&AttrPath>) -> Result<pb::UserFilter, FilterError> {
    let full = |path: &AttrPath, at: usize| -> Result<AttrPath, FilterError> {
        let Some(p) = parent else {
            return Ok(path.clone());
        };
        if path.urn.is_some() || path.sub.is_some() {
            return Err(FilterError::new(
                at,
                format!("expected a sub-attribute name of \"{p}\", found \"{path}\""),
            ));
        }
        Ok(AttrPath {
            sub: Some(path.name.clone()),
            ..p.clone()
        })
    };
    Ok(match f {
        Filter::And(parts) => all(parts
            .iter()
            .map(|p| translate(p, parent))
            .collect::<Result<_, _>>()?),
        Filter::Or(parts) => any(parts
            .iter()
            .map(|p| translate(p, parent))
            .collect::<Result<_, _>>()?),
        Filter::Not(inner) => not(translate(inner, parent)?),
        Filter::Present { path, at } => present(&full(path, *at)?, *at)?,
        Filter::Compare {
            path,
            op,
            value,
            at,
        } => comparison(&full(path, *at)?, *op, value, *at)?,
        Filter::ValuePath { path, filter, at } => {
            if parent.is_some() {
                return Err(FilterError::new(*at, "value filters cannot be nested"));
            }
            let r = resolve(path, *at)?;
            if r.attribute.kind != AttrType::Complex || path.sub.is_some() {
                return Err(FilterError::new(
                    *at,
                    format!("\"{path}\" has no sub-attributes to filter on"),
                ));
            }
            translate(filter, Some(path))?
        }
    })
}

fn resolve(path: &AttrPath, at: usize) -> Result<schema::Resolved, FilterError> {
    schema::resolve(Resource::User, path)
        .ok_or_else(|| FilterError::new(at, format!("\"{path}\" is not an attribute of a User")))
}

/// Where `path` is kept, and the attribute that types its values.
fn target(path: &AttrPath, at: usize) -> Result<(Target, &'static schema::Attribute), FilterError> {
    let r = resolve(path, at)?;
    let sub = r.sub.or_else(|| {
        (r.attribute.kind == AttrType::Complex)
            .then(|| r.attribute.sub_attribute("value"))
            .flatten()
    });
    let key = match sub {
        Some(s) => format!("{}.{}", r.attribute.name, s.name),
        None => r.attribute.name.to_owned(),
    };
    let found = USER_ATTRIBUTES
        .iter()
        .find(|(urn, name, _)| *urn == r.schema.id && *name == key);
    if let Some((_, _, t)) = found {
        return Ok((*t, sub.unwrap_or(r.attribute)));
    }
    let why = match (r.attribute.name, sub.map(|s| s.name)) {
        ("emails" | "phoneNumbers" | "addresses", Some("type" | "primary" | "display")) => format!(
            " (Roster keeps one value of \"{}\", without type or primary)",
            r.attribute.name
        ),
        _ => String::new(),
    };
    Err(FilterError::new(
        at,
        format!("filtering on \"{path}\" is not supported{why}"),
    ))
}

/// `path pr`.
fn present(path: &AttrPath, at: usize) -> Result<pb::UserFilter, FilterError> {
    let (t, _) = target(path, at)?;
    Ok(match t {
        // Always set.
        Target::Id | Target::Active => all(Vec::new()),
        Target::Groups => compare(F::GroupId, O::IsNotNull, Vec::new()),
        Target::Time(f) | Target::Text(f, _) => compare(f, O::IsNotNull, Vec::new()),
        Target::Metadata(key) => metadata(key, O::IsNotNull, Vec::new()),
    })
}

/// `path op value`.
fn comparison(
    path: &AttrPath,
    op: CompareOp,
    value: &CompValue,
    at: usize,
) -> Result<pb::UserFilter, FilterError> {
    let (t, attr) = target(path, at)?;
    check_comparison(path, attr, op, value, at)?;
    let unsupported = || {
        Err(FilterError::new(
            at,
            format!(
                "the operator \"{}\" is not supported on \"{path}\"",
                op.as_str()
            ),
        ))
    };
    if *value == CompValue::Null {
        // `eq null`: no value; `ne null`: a value (check_comparison allows only these two).
        let is_null = op == CompareOp::Eq;
        return Ok(match (t, is_null) {
            (Target::Id | Target::Active, true) => any(Vec::new()),
            (Target::Id | Target::Active, false) => all(Vec::new()),
            (Target::Groups, _) => compare(F::GroupId, null_op(is_null), Vec::new()),
            (Target::Time(f) | Target::Text(f, _), _) => compare(f, null_op(is_null), Vec::new()),
            (Target::Metadata(key), _) => metadata(key, null_op(is_null), Vec::new()),
        });
    }
    match t {
        Target::Active => {
            let wanted = comp_bool(value).unwrap_or(true);
            match op {
                CompareOp::Eq => Ok(active_is(wanted)),
                CompareOp::Ne => Ok(active_is(!wanted)),
                CompareOp::Co
                | CompareOp::Sw
                | CompareOp::Ew
                | CompareOp::Gt
                | CompareOp::Ge
                | CompareOp::Lt
                | CompareOp::Le => unsupported(),
            }
        }
        Target::Id | Target::Groups => {
            let CompValue::String(s) = value else {
                return unsupported();
            };
            by_id(t == Target::Id, op, s).map_or_else(unsupported, Ok)
        }
        Target::Time(field) => {
            let CompValue::String(s) = value else {
                return unsupported();
            };
            let Some(o) = plain_op(op) else {
                return unsupported();
            };
            let Some(t) = parse_date_time(s) else {
                return Err(FilterError::new(
                    at,
                    format!(
                        "\"{path}\" takes a dateTime such as \"2011-05-13T04:42:34Z\", not {value}"
                    ),
                ));
            };
            let ts = prost_types::Timestamp {
                seconds: t.unix_timestamp(),
                nanos: i32::try_from(t.nanosecond()).unwrap_or(0),
            };
            Ok(compare(field, o, vec![V::TimeValue(ts)]))
        }
        Target::Text(field, case) => {
            let CompValue::String(s) = value else {
                return unsupported();
            };
            Ok(text(op, s, case, |o, v| compare(field, o, vec![v])))
        }
        Target::Metadata(key) => {
            let CompValue::String(s) = value else {
                return unsupported();
            };
            Ok(text(op, s, Exact, |o, v| metadata(key, o, vec![v])))
        }
    }
}

/// `id` (`is_user`) or `groups` `op s`, if the operator applies: ids compare whole.
fn by_id(is_user: bool, op: CompareOp, s: &str) -> Option<pb::UserFilter> {
    let (field, uuid) = if is_user {
        // caseExact: only the id as Roster writes it is equal.
        let exact = uuid::Uuid::parse_str(s)
            .ok()
            .filter(|u| u.hyphenated().to_string() == s);
        (F::Id, exact)
    } else {
        (F::GroupId, uuid::Uuid::parse_str(s).ok())
    };
    let uuid = uuid.map(|u| V::StringValue(u.hyphenated().to_string()));
    Some(match (op, uuid) {
        (CompareOp::Eq, Some(u)) => compare(field, O::Eq, vec![u]),
        (CompareOp::Ne, Some(u)) => compare(field, O::Ne, vec![u]),
        // No user has that id, nor is in a group with it.
        (CompareOp::Eq, None) => any(Vec::new()),
        (CompareOp::Ne, None) => all(Vec::new()),
        (
            CompareOp::Co
            | CompareOp::Sw
            | CompareOp::Ew
            | CompareOp::Gt
            | CompareOp::Ge
            | CompareOp::Lt
            | CompareOp::Le,
            _,
        ) => return None,
    })
}

/// A text comparison, `make` building the contract comparison for an operator and value.
fn text(
    op: CompareOp,
    s: &str,
    case: Case,
    make: impl Fn(O, V) -> pb::UserFilter,
) -> pb::UserFilter {
    let string = |v: String| V::StringValue(v);
    match (op, case) {
        (CompareOp::Eq, Like) => make(O::Like, string(escape_like(s))),
        (CompareOp::Ne, Like) => not(make(O::Like, string(escape_like(s)))),
        (CompareOp::Eq, CoreEq | Exact) => make(O::Eq, string(s.to_owned())),
        (CompareOp::Ne, CoreEq | Exact) => make(O::Ne, string(s.to_owned())),
        (CompareOp::Co, _) => make(O::Contains, string(s.to_owned())),
        (CompareOp::Sw, _) => make(O::Prefix, string(s.to_owned())),
        (CompareOp::Ew, _) => make(O::Like, string(format!("%{}", escape_like(s)))),
        (CompareOp::Gt, _) => make(O::Gt, string(s.to_owned())),
        (CompareOp::Ge, _) => make(O::Ge, string(s.to_owned())),
        (CompareOp::Lt, _) => make(O::Lt, string(s.to_owned())),
        (CompareOp::Le, _) => make(O::Le, string(s.to_owned())),
    }
}

/// `s` as a LIKE pattern matching exactly `s`.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn plain_op(op: CompareOp) -> Option<O> {
    Some(match op {
        CompareOp::Eq => O::Eq,
        CompareOp::Ne => O::Ne,
        CompareOp::Gt => O::Gt,
        CompareOp::Ge => O::Ge,
        CompareOp::Lt => O::Lt,
        CompareOp::Le => O::Le,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => return None,
    })
}

fn null_op(is_null: bool) -> O {
    if is_null { O::IsNull } else { O::IsNotNull }
}

/// `active eq <active>`: the status is (or is not) ACTIVE.
fn active_is(active: bool) -> pb::UserFilter {
    let op = if active { O::Eq } else { O::Ne };
    compare(
        F::Status,
        op,
        vec![V::StringValue("USER_STATUS_ACTIVE".to_owned())],
    )
}

pub(super) fn compare(field: F, op: O, values: Vec<V>) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Compare(pb::UserComparison {
            field: field.into(),
            operator: op.into(),
            values: values
                .into_iter()
                .map(|k| pb::FilterValue { kind: Some(k) })
                .collect(),
            metadata_key: String::new(),
        })),
    }
}

pub(super) fn metadata(key: &str, op: O, values: Vec<V>) -> pb::UserFilter {
    let mut f = compare(F::Metadata, op, values);
    if let Some(pb::user_filter::Kind::Compare(c)) = &mut f.kind {
        key.clone_into(&mut c.metadata_key);
    }
    f
}

pub(super) fn all(filters: Vec<pb::UserFilter>) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::All(pb::UserFilterList { filters })),
    }
}

pub(super) fn any(filters: Vec<pb::UserFilter>) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Any(pb::UserFilterList { filters })),
    }
}

pub(super) fn not(f: pb::UserFilter) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Not(Box::new(f))),
    }
}
