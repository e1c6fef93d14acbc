//! The fields CEQL may name on users, and what each comparison becomes in the contract's
//! structured filter. Dates compare by day when given as `YYYY-MM-DD` (`createdDate =
//! '2017-07-13'` is that whole day, as the date the response shows), by instant when given
//! with a time. `lastLoginDate` of a user who never logged in is its `createdDate` (the vendor's
//! "or the date that someone created the account"), as shown, and compares as such;
//! `lastLoginDate IS NULL` finds exactly those users. DESIGN: field names ignore case; in
//! `LIKE` only `%` is a wildcard (the vendor documents no other).

use super::CeqlError;
use super::parser::{CmpOp, Literal};
use super::values::{Instant, date_value};
use roster_proto::v1 as pb;
use roster_proto::v1::ComparisonOperator as O;
use roster_proto::v1::filter_value::Kind as V;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Active,
    /// A time; when it is unset, the time of the field `unset_is` stands in (the creation
    /// time for the last sign-in).
    Date {
        unset_is: Option<pb::UserField>,
    },
}

/// The kind of a creation date, always set.
const CREATED: Kind = Kind::Date { unset_is: None };
/// The kind of the last sign-in, unset when there was none.
const LAST_LOGIN: Kind = Kind::Date {
    unset_is: Some(pb::UserField::CreateTime),
};

/// (CEQL name, core field, kind), in the order error messages list them.
const FIELDS: [(&str, pb::UserField, Kind); 15] = [
    ("id", pb::UserField::Number, Kind::Int),
    ("email", pb::UserField::Email, Kind::Text),
    ("firstName", pb::UserField::FirstName, Kind::Text),
    ("lastName", pb::UserField::LastName, Kind::Text),
    ("fullName", pb::UserField::FullName, Kind::Text),
    ("active", pb::UserField::Status, Kind::Active),
    ("enabled", pb::UserField::Status, Kind::Active),
    ("createdDate", pb::UserField::CreateTime, CREATED),
    ("lastLoginDate", pb::UserField::LastActivityTime, LAST_LOGIN),
    ("city", pb::UserField::City, Kind::Text),
    ("country", pb::UserField::Country, Kind::Text),
    ("phone", pb::UserField::Phone, Kind::Text),
    ("postalCode", pb::UserField::PostalCode, Kind::Text),
    ("stateProvince", pb::UserField::State, Kind::Text),
    ("externalId", pb::UserField::ExternalId, Kind::Text),
];

pub(crate) fn field_names() -> String {
    FIELDS.map(|f| f.0).join(", ")
}

pub(crate) fn cmp(field: pb::UserField, op: O, values: Vec<V>) -> pb::UserFilter {
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

pub(crate) fn all(filters: Vec<pb::UserFilter>) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::All(pb::UserFilterList { filters })),
    }
}

pub(crate) fn any(filters: Vec<pb::UserFilter>) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Any(pb::UserFilterList { filters })),
    }
}

pub(crate) fn not(f: pb::UserFilter) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Not(Box::new(f))),
    }
}

/// `active = true` / `active = false` as a status comparison.
pub(crate) fn active_is(active: bool) -> pb::UserFilter {
    let op = if active { O::Eq } else { O::Ne };
    cmp(
        pb::UserField::Status,
        op,
        vec![V::StringValue("ACTIVE".into())],
    )
}

/// One comparison in the contract's terms.
pub(crate) fn comparison(
    name: &str,
    pos: usize,
    op: CmpOp,
    values: &[(Literal, usize)],
) -> Result<pb::UserFilter, CeqlError> {
    let Some((_, field, kind)) = FIELDS.iter().find(|f| f.0.eq_ignore_ascii_case(name)) else {
        return Err(CeqlError::new(
            format!("unknown field '{name}' (fields: {})", field_names()),
            pos,
        ));
    };
    let (field, kind) = (*field, *kind);
    let refuse = || CeqlError::new(format!("{} does not apply to '{name}'", op.text()), pos);
    if matches!(op, CmpOp::IsNull | CmpOp::IsNotNull) {
        let o = if op == CmpOp::IsNull {
            O::IsNull
        } else {
            O::IsNotNull
        };
        return Ok(cmp(field, o, Vec::new()));
    }
    match kind {
        Kind::Int => {
            let o = simple_op(op).ok_or_else(refuse)?;
            let ints = values
                .iter()
                .map(|(v, p)| int_value(name, v, *p))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(cmp(field, o, ints))
        }
        Kind::Text => {
            let texts = values
                .iter()
                .map(|(v, p)| text_value(name, v, *p))
                .collect::<Result<Vec<_>, _>>()?;
            match op {
                CmpOp::Like | CmpOp::NotLike => {
                    let pattern = match texts.first() {
                        Some(V::StringValue(s)) => like_pattern(s),
                        _ => String::new(),
                    };
                    let f = cmp(field, O::Like, vec![V::StringValue(pattern)]);
                    Ok(if op == CmpOp::Like { f } else { not(f) })
                }
                CmpOp::Eq
                | CmpOp::Ne
                | CmpOp::Lt
                | CmpOp::Le
                | CmpOp::Gt
                | CmpOp::Ge
                | CmpOp::In
                | CmpOp::NotIn
                | CmpOp::IsNull
                | CmpOp::IsNotNull => Ok(cmp(field, simple_op(op).ok_or_else(refuse)?, texts)),
            }
        }
        Kind::Active => {
            let bools = values
                .iter()
                .map(|(v, p)| bool_value(name, v, *p))
                .collect::<Result<Vec<_>, _>>()?;
            let first = bools.first().copied().unwrap_or(true);
            match op {
                CmpOp::Eq => Ok(active_is(first)),
                CmpOp::Ne => Ok(active_is(!first)),
                CmpOp::In => Ok(any(bools.into_iter().map(active_is).collect())),
                CmpOp::NotIn => Ok(all(bools.into_iter().map(|b| active_is(!b)).collect())),
                CmpOp::Lt
                | CmpOp::Le
                | CmpOp::Gt
                | CmpOp::Ge
                | CmpOp::Like
                | CmpOp::NotLike
                | CmpOp::IsNull
                | CmpOp::IsNotNull => Err(refuse()),
            }
        }
        Kind::Date { unset_is } => {
            let dates = values
                .iter()
                .map(|(v, p)| date_value(name, v, *p))
                .collect::<Result<Vec<_>, _>>()?;
            let cond = date_condition(op, &dates).ok_or_else(refuse)?;
            let f = cond.to_pb(field);
            let Some(stand_in) = unset_is else {
                return Ok(f);
            };
            // Each branch says whether the field is set, so the whole is true or false for
            // every user (never SQL's unknown), and NOT around it stays exact.
            Ok(any(vec![
                all(vec![cmp(field, O::IsNotNull, Vec::new()), f]),
                all(vec![
                    cmp(field, O::IsNull, Vec::new()),
                    cond.to_pb(stand_in),
                ]),
            ]))
        }
    }
}

fn simple_op(op: CmpOp) -> Option<O> {
    Some(match op {
        CmpOp::Eq => O::Eq,
        CmpOp::Ne => O::Ne,
        CmpOp::Lt => O::Lt,
        CmpOp::Le => O::Le,
        CmpOp::Gt => O::Gt,
        CmpOp::Ge => O::Ge,
        CmpOp::In => O::In,
        CmpOp::NotIn => O::NotIn,
        CmpOp::Like | CmpOp::NotLike | CmpOp::IsNull | CmpOp::IsNotNull => return None,
    })
}

fn int_value(name: &str, v: &Literal, pos: usize) -> Result<V, CeqlError> {
    let raw = match v {
        Literal::Bare(s) | Literal::Str(s) => s.as_str(),
        Literal::Bool(_) => "",
    };
    raw.parse::<i64>()
        .map(V::IntValue)
        .map_err(|_| CeqlError::new(format!("'{name}' takes a whole number"), pos))
}

fn text_value(name: &str, v: &Literal, pos: usize) -> Result<V, CeqlError> {
    match v {
        Literal::Str(s) | Literal::Bare(s) => Ok(V::StringValue(s.clone())),
        Literal::Bool(_) => Err(CeqlError::new(
            format!("'{name}' takes a quoted string"),
            pos,
        )),
    }
}

fn bool_value(name: &str, v: &Literal, pos: usize) -> Result<bool, CeqlError> {
    match v {
        Literal::Bool(b) => Ok(*b),
        Literal::Str(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Literal::Str(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        Literal::Str(_) | Literal::Bare(_) => {
            Err(CeqlError::new(format!("'{name}' takes true or false"), pos))
        }
    }
}

/// A CEQL LIKE pattern in the contract's syntax: `%` stays a wildcard, `_` and `\` match
/// themselves.
fn like_pattern(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '_' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A condition on one time field, in microseconds; evaluable, to decide what it says of an
/// unset last login.
#[derive(Debug, Clone, PartialEq)]
enum DateCond {
    All(Vec<DateCond>),
    Any(Vec<DateCond>),
    Cmp(O, i64),
}

impl DateCond {
    fn to_pb(&self, field: pb::UserField) -> pb::UserFilter {
        match self {
            Self::All(cs) => all(cs.iter().map(|c| c.to_pb(field)).collect()),
            Self::Any(cs) => any(cs.iter().map(|c| c.to_pb(field)).collect()),
            Self::Cmp(op, v) => cmp(field, *op, vec![V::TimeValue(micros_to_pb(*v))]),
        }
    }
}

fn micros_to_pb(m: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: m.div_euclid(1_000_000),
        nanos: i32::try_from(m.rem_euclid(1_000_000) * 1000).unwrap_or(0),
    }
}

/// `op` against each date: a day is the range `[start, end)`, an instant itself.
fn date_condition(op: CmpOp, dates: &[Instant]) -> Option<DateCond> {
    let one = |d: &Instant| -> Option<DateCond> {
        Some(match (op, *d) {
            (CmpOp::Eq | CmpOp::In, Instant::At(t)) => DateCond::Cmp(O::Eq, t),
            (CmpOp::Ne | CmpOp::NotIn, Instant::At(t)) => DateCond::Cmp(O::Ne, t),
            (CmpOp::Lt, Instant::At(t)) => DateCond::Cmp(O::Lt, t),
            (CmpOp::Le, Instant::At(t)) => DateCond::Cmp(O::Le, t),
            (CmpOp::Gt, Instant::At(t)) => DateCond::Cmp(O::Gt, t),
            (CmpOp::Ge, Instant::At(t)) => DateCond::Cmp(O::Ge, t),
            (CmpOp::Eq | CmpOp::In, Instant::Day(s, e)) => {
                DateCond::All(vec![DateCond::Cmp(O::Ge, s), DateCond::Cmp(O::Lt, e)])
            }
            (CmpOp::Ne | CmpOp::NotIn, Instant::Day(s, e)) => {
                DateCond::Any(vec![DateCond::Cmp(O::Lt, s), DateCond::Cmp(O::Ge, e)])
            }
            (CmpOp::Lt, Instant::Day(s, _)) => DateCond::Cmp(O::Lt, s),
            (CmpOp::Le, Instant::Day(_, e)) => DateCond::Cmp(O::Lt, e),
            (CmpOp::Gt, Instant::Day(_, e)) => DateCond::Cmp(O::Ge, e),
            (CmpOp::Ge, Instant::Day(s, _)) => DateCond::Cmp(O::Ge, s),
            (CmpOp::Like | CmpOp::NotLike | CmpOp::IsNull | CmpOp::IsNotNull, _) => return None,
        })
    };
    let conds = dates.iter().map(one).collect::<Option<Vec<_>>>()?;
    Some(match op {
        CmpOp::In => DateCond::Any(conds),
        CmpOp::NotIn => DateCond::All(conds),
        CmpOp::Eq
        | CmpOp::Ne
        | CmpOp::Lt
        | CmpOp::Le
        | CmpOp::Gt
        | CmpOp::Ge
        | CmpOp::Like
        | CmpOp::NotLike
        | CmpOp::IsNull
        | CmpOp::IsNotNull => conds.into_iter().next()?,
    })
}
