//! Queries (RFC 7644 §3.4.2, §3.4.3) of Users, Groups and both (`/.search`): `filter`,
//! `sortBy` / `sortOrder`, paging by `startIndex` / `count` or by RFC 9865 cursors, and
//! `attributes` / `excludedAttributes`. User filters become the contract's structured filter
//! and pages are the core's keyset pages; a user cursor is the core's page token, signed and
//! bound to its filter and order, so a cursor that was altered or belongs to another query
//! is refused (`invalidCursor`). Groups, of which a tenant has few, are filtered and sorted
//! here over the core's group pages.

use super::auth::Ctx;
use super::doc;
use super::error::{ScimError, ScimType};
use super::filter::{self, Filter};
use super::group_map;
use super::projection::Projection;
use super::reply::{self, Base};
use super::{ScimLimits, schema, urn, users};
use crate::core_error::CoreError;
use axum::body::Body;
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use roster_proto::v1 as pb;
use serde_json::{Map, Value, json};

/// How the client pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Paging {
    /// `startIndex` (1-based) and `count`.
    Index { start: u64, count: u32 },
    /// RFC 9865: `cursor` (empty for the first page) and `count`.
    Cursor { cursor: String, count: u32 },
}

/// One query, from the URL or a SearchRequest body.
#[derive(Debug, Clone)]
pub(crate) struct Query {
    pub(crate) filter: Option<Filter>,
    pub(crate) sort_by: Option<String>,
    pub(crate) descending: bool,
    pub(crate) paging: Paging,
    pub(crate) projection: Projection,
}

/// `attributes` / `excludedAttributes` of a raw query string.
pub(crate) fn projection(raw: Option<&str>) -> Projection {
    let params = params(raw);
    Projection::new(
        param(&params, "attributes"),
        param(&params, "excludedAttributes"),
    )
}

fn params(raw: Option<&str>) -> Vec<(String, String)> {
    raw.and_then(|r| serde_urlencoded::from_str(r).ok())
        .unwrap_or_default()
}

/// A parameter by name, without case (identity providers do not agree on it).
fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn number(name: &str, raw: Option<&str>) -> Result<Option<i64>, ScimError> {
    raw.map(|r| {
        r.trim()
            .parse::<i64>()
            .map_err(|_| ScimError::invalid_value(format!("{name} must be an integer")))
    })
    .transpose()
}

fn parsed_filter(raw: Option<&str>) -> Result<Option<Filter>, ScimError> {
    raw.filter(|f| !f.trim().is_empty())
        .map(|f| {
            filter::parse_filter(f)
                .map_err(|e| ScimError::bad(ScimType::InvalidFilter, e.to_string()))
        })
        .transpose()
}

impl Query {
    /// From the URL's parameters.
    pub(crate) fn from_params(raw: Option<&str>, limits: ScimLimits) -> Result<Self, ScimError> {
        let p = params(raw);
        let get = |n: &str| param(&p, n);
        Self::build(
            Fields {
                filter: get("filter"),
                sort_by: get("sortBy"),
                sort_order: get("sortOrder"),
                start_index: number("startIndex", get("startIndex"))?,
                count: number("count", get("count"))?,
                cursor: get("cursor"),
                attributes: get("attributes"),
                excluded: get("excludedAttributes"),
            },
            limits,
        )
    }

    /// From a SearchRequest body (`POST …/.search`).
    pub(crate) fn from_search(body: &Value, limits: ScimLimits) -> Result<Self, ScimError> {
        reply::require_schema(body, urn::SEARCH)?;
        let o = body
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("A SearchRequest must be an object"))?;
        let get = |n: &str| {
            o.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v)
        };
        let text = |n: &str| -> Result<Option<String>, ScimError> {
            match get(n) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                // `attributes` may be a list of names.
                Some(Value::Array(a)) => Ok(Some(
                    a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(","),
                )),
                Some(_) => Err(ScimError::invalid_value(format!("{n} must be a string"))),
            }
        };
        let int = |n: &str| -> Result<Option<i64>, ScimError> {
            match get(n) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_i64()
                    .map(Some)
                    .ok_or_else(|| ScimError::invalid_value(format!("{n} must be an integer"))),
            }
        };
        let (filter, sort_by, sort_order) = (text("filter")?, text("sortBy")?, text("sortOrder")?);
        let (cursor, attributes, excluded) = (
            text("cursor")?,
            text("attributes")?,
            text("excludedAttributes")?,
        );
        Self::build(
            Fields {
                filter: filter.as_deref(),
                sort_by: sort_by.as_deref(),
                sort_order: sort_order.as_deref(),
                start_index: int("startIndex")?,
                count: int("count")?,
                cursor: cursor.as_deref(),
                attributes: attributes.as_deref(),
                excluded: excluded.as_deref(),
            },
            limits,
        )
    }

    fn build(f: Fields<'_>, limits: ScimLimits) -> Result<Self, ScimError> {
        // A negative count is read as 0 and a count above the most as the most (§3.4.2.4).
        let count = f.count.map_or(limits.default_page_size, |c| {
            u32::try_from(c.max(0))
                .unwrap_or(u32::MAX)
                .min(limits.max_page_size)
        });
        let paging = match (f.cursor, f.start_index) {
            (Some(_), Some(_)) => {
                return Err(ScimError::invalid_value(
                    "Use either cursor or startIndex, not both",
                ));
            }
            (Some(cursor), None) => Paging::Cursor {
                cursor: cursor.trim().to_owned(),
                count,
            },
            // A startIndex below 1 is read as 1.
            (None, start) => Paging::Index {
                start: u64::try_from(start.unwrap_or(1).max(1)).unwrap_or(1),
                count,
            },
        };
        let descending = match f.sort_order {
            None => false,
            Some(o) if o.eq_ignore_ascii_case("ascending") => false,
            Some(o) if o.eq_ignore_ascii_case("descending") => true,
            Some(o) => {
                return Err(ScimError::invalid_value(format!(
                    "sortOrder must be ascending or descending, not {o:?}"
                )));
            }
        };
        Ok(Self {
            filter: parsed_filter(f.filter)?,
            sort_by: f
                .sort_by
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned),
            descending,
            paging,
            projection: Projection::new(f.attributes, f.excluded),
        })
    }

    fn count(&self) -> u32 {
        match self.paging {
            Paging::Index { count, .. } | Paging::Cursor { count, .. } => count,
        }
    }
}

/// The parameters of a query, from wherever they came.
#[derive(Clone, Copy)]
struct Fields<'a> {
    filter: Option<&'a str>,
    sort_by: Option<&'a str>,
    sort_order: Option<&'a str>,
    start_index: Option<i64>,
    count: Option<i64>,
    cursor: Option<&'a str>,
    attributes: Option<&'a str>,
    excluded: Option<&'a str>,
}

/// `path` without a core schema's URN in front (`urn:…:User:userName` is `userName`).
pub(crate) fn strip_urn(path: &str) -> &str {
    for schema in [urn::USER, urn::GROUP] {
        if let Some(head) = path.get(..schema.len())
            && head.eq_ignore_ascii_case(schema)
            && let Some(rest) = path[schema.len()..].strip_prefix(':')
        {
            return rest;
        }
    }
    path
}

/// Whether a filter reads the attribute `name`.
fn mentions(f: &Filter, name: &str) -> bool {
    match f {
        Filter::And(parts) | Filter::Or(parts) => parts.iter().any(|p| mentions(p, name)),
        Filter::Not(inner) => mentions(inner, name),
        Filter::Compare { path, .. }
        | Filter::Present { path, .. }
        | Filter::ValuePath { path, .. } => path.name.eq_ignore_ascii_case(name),
    }
}

/// The order a `sortBy` of Users asks for.
fn user_order(sort_by: Option<&str>, descending: bool) -> Result<Option<pb::UserOrder>, ScimError> {
    use pb::UserOrderField as F;
    let Some(path) = sort_by else {
        return Ok(descending.then_some(pb::UserOrder {
            field: F::Number.into(),
            descending,
        }));
    };
    let bare = strip_urn(path);
    let field = [
        ("userName", F::Login),
        ("emails", F::Email),
        ("emails.value", F::Email),
        ("id", F::Id),
        ("externalId", F::ExternalId),
        ("displayName", F::DisplayName),
        ("name.givenName", F::FirstName),
        ("name.familyName", F::LastName),
        ("title", F::JobTitle),
        ("meta.created", F::CreateTime),
        ("meta.lastModified", F::UpdateTime),
    ]
    .into_iter()
    .find(|(n, _)| n.eq_ignore_ascii_case(bare))
    .map(|(_, f)| f)
    .ok_or_else(|| ScimError::invalid_value(format!("Sorting by {path:?} is not supported")))?;
    Ok(Some(pb::UserOrder {
        field: field.into(),
        descending,
    }))
}

/// RFC 9865's cursors of a page: the core's page tokens for the pages after and before it.
#[derive(Debug, Default)]
struct Cursors {
    next: Option<String>,
    previous: Option<String>,
}

impl Cursors {
    /// The cursors of a page `count` asked for; a page of zero (a count of the total) has none.
    fn of(count: u32, next: String, previous: String) -> Self {
        let keep = |t: String| (count > 0 && !t.is_empty()).then_some(t);
        Self {
            next: keep(next),
            previous: keep(previous),
        }
    }
}

fn list_response(total: u64, start: Option<u64>, cursors: Cursors, resources: Vec<Value>) -> Value {
    let mut o = Map::new();
    o.insert("schemas".to_owned(), json!([urn::LIST]));
    o.insert("totalResults".to_owned(), json!(total));
    o.insert("itemsPerPage".to_owned(), json!(resources.len()));
    if let Some(s) = start {
        o.insert("startIndex".to_owned(), json!(s));
    }
    if let Some(n) = cursors.next {
        o.insert("nextCursor".to_owned(), json!(n));
    }
    if let Some(p) = cursors.previous {
        o.insert("previousCursor".to_owned(), json!(p));
    }
    o.insert("Resources".to_owned(), Value::Array(resources));
    Value::Object(o)
}

/// The structured filter of a Users query; 400 `invalidFilter` for what the core cannot ask.
fn user_filter(q: &Query) -> Result<Option<pb::UserFilter>, ScimError> {
    q.filter
        .as_ref()
        .map(|f| {
            filter::to_user_filter(f)
                .map_err(|e| ScimError::bad(ScimType::InvalidFilter, e.to_string()))
        })
        .transpose()
}

/// One page of users and the total.
async fn user_page(
    ctx: &Ctx,
    q: &Query,
    filter: Option<pb::UserFilter>,
    skip: u64,
    page_size: u32,
    token: String,
) -> Result<pb::ListUsersResponse, ScimError> {
    let req = pb::ListUsersRequest {
        page_size: i32::try_from(page_size.max(1)).unwrap_or(1000),
        page_token: token,
        skip: i32::try_from(skip)
            .map_err(|_| ScimError::invalid_value("startIndex is too large"))?,
        filter,
        order_by: user_order(q.sort_by.as_deref(), q.descending)?,
        include_total_size: true,
        always_next_page_token: false,
    };
    ctx.core
        .users()
        .list_users(req)
        .await
        .map(tonic::Response::into_inner)
        .map_err(|s| {
            if CoreError::from(&s).is(pb::ErrorReason::InvalidPageToken) {
                ScimError::bad(
                    ScimType::InvalidCursor,
                    "The cursor is not valid: altered, or from another query",
                )
            } else {
                ctx.refused(s, "Not found")
            }
        })
}

/// A page of Users.
pub(crate) async fn users(ctx: &Ctx, base: &str, q: &Query) -> Result<Response, ScimError> {
    let filter = user_filter(q)?;
    let (r, start) = match &q.paging {
        Paging::Index { start, count } => (
            user_page(ctx, q, filter, start - 1, *count, String::new()).await?,
            Some(*start),
        ),
        Paging::Cursor { cursor, count } => (
            user_page(ctx, q, filter, 0, *count, cursor.clone()).await?,
            None,
        ),
    };
    let take = usize::try_from(q.count()).unwrap_or(usize::MAX);
    let resources: Vec<Value> = r
        .users
        .iter()
        .take(take)
        .map(|u| users::project(u, base, &q.projection))
        .collect();
    let total = u64::try_from(r.total_size.unwrap_or(0)).unwrap_or(0);
    let cursors = match q.paging {
        Paging::Cursor { count, .. } => {
            Cursors::of(count, r.next_page_token, r.previous_page_token)
        }
        Paging::Index { .. } => Cursors::default(),
    };
    Ok(reply::json(
        StatusCode::OK,
        &list_response(total, start, cursors, resources),
    ))
}

/// A page of Groups.
pub(crate) async fn groups(ctx: &Ctx, base: &str, q: &Query) -> Result<Response, ScimError> {
    let found = matching_groups(ctx, base, q).await?;
    let total = found.total;
    let resources: Vec<Value> = found
        .page
        .into_iter()
        .map(|g| q.projection.apply(g))
        .collect();
    Ok(reply::json(
        StatusCode::OK,
        &list_response(total, found.start, found.cursors, resources),
    ))
}

/// The groups of one query's page.
struct GroupPage {
    total: u64,
    start: Option<u64>,
    cursors: Cursors,
    page: Vec<Value>,
}

async fn matching_groups(ctx: &Ctx, base: &str, q: &Query) -> Result<GroupPage, ScimError> {
    if let Some(f) = &q.filter {
        filter::check(f, schema::Resource::Group)
            .map_err(|e| ScimError::bad(ScimType::InvalidFilter, e.to_string()))?;
    }
    // Members are fetched with the groups when the filter reads them, else for the page only.
    let filter_reads_members = q.filter.as_ref().is_some_and(|f| mentions(f, "members"));
    let wants_members = !q.projection.drops("members");
    let keep = |g: &Value| {
        q.filter
            .as_ref()
            .is_none_or(|f| filter::matches(f, g, schema::Resource::Group))
    };
    let (mut page, total, start, cursors) = match &q.paging {
        Paging::Cursor { cursor, count } => {
            if q.sort_by.is_some() {
                return Err(ScimError::invalid_value(
                    "Groups paged by cursor come in path order: sortBy needs startIndex paging",
                ));
            }
            let r = group_map::groups_page(ctx, cursor, *count).await?;
            let mut page =
                group_map::render_all(ctx, base, &r.groups, filter_reads_members).await?;
            page.retain(|g| keep(g));
            let all = group_map::list_all(ctx).await?;
            let total = if q.filter.is_some() {
                let all = group_map::render_all(ctx, base, &all, filter_reads_members).await?;
                all.iter().filter(|g| keep(g)).count()
            } else {
                all.len()
            };
            if *count == 0 {
                page.clear();
            }
            let cursors = Cursors::of(*count, r.next_page_token, r.previous_page_token);
            (page, total, None, cursors)
        }
        Paging::Index { start, count } => {
            let all = group_map::list_all(ctx).await?;
            let mut rendered = group_map::render_all(ctx, base, &all, filter_reads_members).await?;
            rendered.retain(|g| keep(g));
            if let Some(by) = &q.sort_by {
                group_map::sort(&mut rendered, by, q.descending)?;
            }
            let total = rendered.len();
            let from = usize::try_from(start - 1).unwrap_or(usize::MAX);
            let take = usize::try_from(*count).unwrap_or(usize::MAX);
            let page = rendered.into_iter().skip(from).take(take).collect();
            (page, total, Some(*start), Cursors::default())
        }
    };
    if wants_members && !filter_reads_members {
        group_map::add_members(ctx, base, &mut page).await?;
    }
    Ok(GroupPage {
        total: total as u64,
        start,
        cursors,
        page,
    })
}

/// Queries users and groups together, paged by `startIndex`.
#[utoipa::path(
    post,
    path = "/.search",
    operation_id = "scim_Search",
    request_body(content = doc::Message, content_type = "application/scim+json"),
    responses((status = 200, description = "One page of users, then groups.", body = doc::ListResponse, content_type = "application/scim+json")),
)]
pub(crate) async fn root_search(
    ctx: Ctx,
    Base(base): Base,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let body = reply::read_json(ctx.api(), &headers, body).await?;
    let q = Query::from_search(&body, ctx.api().limits)?;
    let Paging::Index { start, count } = q.paging else {
        return Err(ScimError::invalid_value(
            "A search of every resource type pages by startIndex, not by cursor",
        ));
    };
    if q.sort_by.is_some() {
        return Err(ScimError::invalid_value(
            "A search of every resource type cannot be sorted: search /Users or /Groups",
        ));
    }
    // A filter on an attribute Users do not have matches no user.
    let filter = match user_filter(&q) {
        Ok(f) => Some(f),
        Err(_) if q.filter.is_some() => None,
        Err(e) => return Err(e),
    };
    let users_total = match &filter {
        Some(f) => user_page(&ctx, &q, f.clone(), 0, 1, String::new())
            .await?
            .total_size
            .unwrap_or(0),
        None => 0,
    };
    let users_total = u64::try_from(users_total).unwrap_or(0);
    let mut page = Vec::new();
    let from = start - 1;
    if let Some(f) = filter
        && from < users_total
        && count > 0
    {
        let r = user_page(&ctx, &q, f, from, count, String::new()).await?;
        page.extend(
            r.users
                .iter()
                .map(|u| users::project(u, &base, &q.projection)),
        );
    }
    let group_query = Query {
        paging: Paging::Index {
            start: 1,
            count: u32::MAX,
        },
        ..q.clone()
    };
    // A filter on an attribute Groups do not have matches no group.
    let groups_apply = q
        .filter
        .as_ref()
        .is_none_or(|f| filter::check(f, schema::Resource::Group).is_ok());
    let groups = if groups_apply {
        matching_groups(&ctx, &base, &group_query).await?
    } else {
        GroupPage {
            total: 0,
            start: None,
            cursors: Cursors::default(),
            page: Vec::new(),
        }
    };
    let groups_total = groups.total;
    let room = usize::try_from(count)
        .unwrap_or(usize::MAX)
        .saturating_sub(page.len());
    let skip_groups = usize::try_from(from.saturating_sub(users_total)).unwrap_or(usize::MAX);
    page.extend(
        groups
            .page
            .into_iter()
            .skip(skip_groups)
            .take(room)
            .map(|g| q.projection.apply(g)),
    );
    Ok(reply::json(
        StatusCode::OK,
        &list_response(
            users_total + groups_total,
            Some(start),
            Cursors::default(),
            page,
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(raw: &str) -> Result<Query, ScimError> {
        Query::from_params(Some(raw), ScimLimits::default())
    }

    #[test]
    fn paging_parameters_are_read_leniently_and_bounded() {
        let p = |raw: &str| q(raw).unwrap().paging;
        assert_eq!(
            p(""),
            Paging::Index {
                start: 1,
                count: 100
            }
        );
        assert_eq!(
            p("startIndex=0&count=-5"),
            Paging::Index { start: 1, count: 0 }
        );
        assert_eq!(
            p("STARTINDEX=3&Count=100000"),
            Paging::Index {
                start: 3,
                count: 1000
            }
        );
        assert_eq!(
            p("cursor=&count=2"),
            Paging::Cursor {
                cursor: String::new(),
                count: 2
            }
        );
        assert!(q("cursor=x&startIndex=2").is_err());
        assert!(q("count=ten").is_err());
    }

    #[test]
    fn a_malformed_filter_is_invalid_filter() {
        let e = q("filter=userName%20eq").unwrap_err();
        assert_eq!(
            (e.status.as_u16(), e.scim_type),
            (400, Some(ScimType::InvalidFilter))
        );
    }

    #[test]
    fn sorting_names_a_core_order() {
        let o = user_order(Some("name.FamilyName"), true).unwrap().unwrap();
        assert_eq!(o.field, pb::UserOrderField::LastName as i32);
        assert!(o.descending);
        assert!(user_order(Some("nickName"), false).is_err());
        assert_eq!(user_order(None, false).unwrap(), None);
    }
}
