//! `GET /users`: a page of users, by id ascending, filtered by CEQL `where`; inactive users
//! only with `includeInactive=true`. The response is a JSON array with the headers
//! `elements-next-page-token` (always: at the end it points after the last user, so users
//! added later can still be fetched; clients stop when `elements-returned-count` is 0),
//! `elements-returned-count` and `elements-request-id`.

use super::auth::Ctx;
use super::ceql;
use super::doc;
use super::error::ElementsError;
use super::model::{Extras, User};
use super::page_token::{self, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use axum::Json;
use axum::extract::RawQuery;
use axum::response::{IntoResponse, Response};
use http::HeaderValue;
use roster_proto::v1 as pb;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Query {
    #[serde(rename = "where")]
    condition: Option<String>,
    next_page: Option<String>,
    page_size: Option<String>,
    include_inactive: Option<String>,
}

/// `true` / `false` (any case); absent is `false`.
pub(crate) fn flag(name: &str, v: Option<&str>) -> Result<bool, ElementsError> {
    match v.map(str::trim) {
        None | Some("") => Ok(false),
        Some(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        Some(s) => Err(ElementsError::bad_request(format!(
            "{name} must be true or false, not '{s}'"
        ))),
    }
}

fn page_size(v: Option<&str>) -> Result<i32, ElementsError> {
    match v.map(str::trim) {
        None | Some("") => Ok(DEFAULT_PAGE_SIZE),
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .ok_or_else(|| {
                ElementsError::bad_request(format!(
                    "pageSize must be a number from 1 to {MAX_PAGE_SIZE}, not '{s}'"
                ))
            }),
    }
}

/// The filter of a request: its CEQL condition. Deactivated users are listed too, with
/// `active` saying which they are (the vendor keeps them "if you might need to access the user
/// later"); `where active = true` leaves them out.
fn filter(condition: Option<&str>) -> Result<Option<pb::UserFilter>, ElementsError> {
    // Parsed untrimmed, so that error positions count from the client's first character.
    condition
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            ceql::parse(c)
                .map_err(|e| ElementsError::bad_request(format!("Invalid where clause: {e}")))
        })
        .transpose()
}

/// Lists a page of the organization's users, by id.
#[utoipa::path(
    get,
    path = "/users",
    operation_id = "elements_ListUsers",
    params(doc::ListQuery),
    responses((status = 200, description = "A page of users, by id ascending.", body = [User], headers(("elements-next-page-token" = String, description = "The `nextPage` of the next page; always present (at the end it points after the last user)."), ("elements-returned-count" = i64, description = "The number of users in this page; 0 at the end.")))),
)]
pub(crate) async fn list(ctx: Ctx, RawQuery(raw): RawQuery) -> Result<Response, ElementsError> {
    let q: Query = serde_urlencoded::from_str(raw.as_deref().unwrap_or_default())
        .map_err(|e| ElementsError::bad_request(format!("Invalid query: {e}")))?;
    let size = page_size(q.page_size.as_deref())?;
    // `includeInactive` is still read (a bad value is a 400) but changes nothing: every user
    // is listed.
    flag("includeInactive", q.include_inactive.as_deref())?;
    let filter = filter(q.condition.as_deref())?;
    let page_token = match q
        .next_page
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(t) => page_token::unwrap(t).ok_or_else(|| {
            ElementsError::bad_request(
                "Invalid nextPage token: it is altered or belongs to another query",
            )
        })?,
        None => String::new(),
    };
    let req = pb::ListUsersRequest {
        page_size: size,
        page_token,
        filter,
        always_next_page_token: true,
        ..Default::default()
    };
    let page = ctx
        .core
        .users()
        .list_users(req)
        .await
        .map_err(|s| ElementsError::from_core(&s.into(), "No users found"))?
        .into_inner();
    let extras = Extras {
        password_placeholder: true,
        ..Extras::default()
    };
    let users: Vec<User> = page
        .users
        .iter()
        .map(|u| User::from_pb(u, extras))
        .collect();
    let count = users.len();
    let mut res = Json(users).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&page_token::wrap(&page.next_page_token)) {
        h.insert("elements-next-page-token", v);
    }
    h.insert("elements-returned-count", HeaderValue::from(count));
    Ok(res)
}
