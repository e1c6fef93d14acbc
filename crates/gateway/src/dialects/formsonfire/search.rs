//! `GET /api/v2/user/search`: `Name` (case-insensitive substring of "FirstName LastName"),
//! `Email` (case-insensitive substring) and `ExternalId` (exact), each optional: without any,
//! every user, a page at a time (the vendor sends clients to search "to retrieve multiple
//! Users at once"); optionally `Status`; pages by `PageNo` (from 0) and `PageSize` (default 100, at most
//! 250), in creation order, with `TotalRows` counting every match. One round trip: the page
//! and the count come from one ListUsers call (`skip` + `include_total_size`).
//!
//! DESIGN: Roster removes deleted users at once and keeps no audit of them, so
//! `IncludeDeletedUserAudits` (checked to be a boolean) adds no rows, and `Status=Deleted`
//! matches nobody.

use super::call::Call;
use super::error::{FofError, field};
use super::get::query_naming;
use super::reply::Reply;
use super::response_status::FieldError;
use super::user_input::parse_bool;
use super::user_view::UserOut;
use super::vocab;
use roster_proto::v1 as pb;
use roster_proto::v1::filter_value::Kind as V;

pub(crate) const DEFAULT_PAGE_SIZE: i64 = 100;
pub(crate) const MAX_PAGE_SIZE: i64 = 250;

fn compare(field: pb::UserField, op: pb::ComparisonOperator, value: V) -> pb::UserFilter {
    pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Compare(pb::UserComparison {
            field: field.into(),
            operator: op.into(),
            values: vec![pb::FilterValue { kind: Some(value) }],
            metadata_key: String::new(),
        })),
    }
}

/// What the query asks for.
struct Criteria {
    filters: Vec<pb::UserFilter>,
    /// `Status=Deleted`: nobody can match.
    deleted: bool,
    page_no: i64,
    page_size: i64,
}

fn criteria(c: &Call) -> Result<Criteria, Vec<FieldError>> {
    use pb::ComparisonOperator as Op;
    use pb::UserField as F;
    let get = |n: &str| c.query.get(n).map(str::trim).filter(|v| !v.is_empty());
    let mut errors = Vec::new();
    let mut filters = Vec::new();
    if let Some(name) = get("Name") {
        filters.push(compare(
            F::FullName,
            Op::Contains,
            V::StringValue(name.to_owned()),
        ));
    }
    if let Some(email) = get("Email") {
        filters.push(compare(
            F::Email,
            Op::Contains,
            V::StringValue(email.to_owned()),
        ));
    }
    if let Some(x) = get("ExternalId") {
        filters.push(compare(F::ExternalId, Op::Eq, V::StringValue(x.to_owned())));
    }
    let mut deleted = false;
    match get("Status") {
        None => {}
        Some(s) if s.eq_ignore_ascii_case("Deleted") => deleted = true,
        Some(s) => match vocab::status_value(s) {
            Some(st) => filters.push(compare(
                F::Status,
                Op::Eq,
                V::StringValue(st.as_str_name().to_owned()),
            )),
            None => errors.push(field(
                "InvalidValue",
                "Status",
                format!("'Status' must be {} or Deleted.", vocab::status_choices()),
            )),
        },
    }
    let mut number =
        |name: &str, default: i64, range: std::ops::RangeInclusive<i64>| match get(name)
            .map(str::parse::<i64>)
        {
            None => default,
            Some(Ok(n)) if range.contains(&n) => n,
            Some(_) => {
                errors.push(field(
                    "InvalidValue",
                    name,
                    format!(
                        "'{name}' must be a whole number from {} to {}.",
                        range.start(),
                        range.end()
                    ),
                ));
                default
            }
        };
    let page_no = number("PageNo", 0, 0..=i64::from(i32::MAX));
    let page_size = number("PageSize", DEFAULT_PAGE_SIZE, 1..=MAX_PAGE_SIZE);
    if get("IncludeDeletedUserAudits").is_some_and(|v| parse_bool(v).is_none()) {
        errors.push(field(
            "InvalidValue",
            "IncludeDeletedUserAudits",
            "'IncludeDeletedUserAudits' must be true or false.",
        ));
    }
    // The core counts skipped rows in 32 bits.
    if page_no.saturating_mul(page_size) > i64::from(i32::MAX) {
        errors.push(field("InvalidValue", "PageNo", "'PageNo' is too large."));
    }
    if errors.is_empty() {
        Ok(Criteria {
            filters,
            deleted,
            page_no,
            page_size,
        })
    } else {
        Err(errors)
    }
}

pub(crate) async fn search(c: Call) -> Result<Reply, FofError> {
    let session = c.session(&c.query_credential()).await?;
    let naming = query_naming(&c)?;
    let q = criteria(&c).map_err(FofError::fields)?;
    if q.deleted {
        return Ok(Reply::Search {
            users: Vec::new(),
            total: 0,
        });
    }
    let req = pb::ListUsersRequest {
        page_size: i32::try_from(q.page_size).unwrap_or(100),
        skip: i32::try_from(q.page_no * q.page_size).unwrap_or(i32::MAX),
        filter: Some(pb::UserFilter {
            kind: Some(pb::user_filter::Kind::All(pb::UserFilterList {
                filters: q.filters,
            })),
        }),
        include_total_size: true,
        ..Default::default()
    };
    let page = session.core.users().list_users(req).await?.into_inner();
    Ok(Reply::Search {
        users: page
            .users
            .iter()
            .map(|u| UserOut::full(u, session.company_id, naming))
            .collect(),
        total: page.total_size.unwrap_or_default(),
    })
}
