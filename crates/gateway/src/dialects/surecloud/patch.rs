//! `PATCH /restful/v1/user`: create and modify many users in one call. The checks come in
//! the order the dialect promises: 401 (token), 403 (no user administration), 406 (Accept),
//! 415 (Content-Type), 413 (bytes, then users: refused whole), 400 (not JSON, or no `users`
//! array). Then every item becomes one item of one `BatchUpsertUsers` call, all or nothing
//! on its own; an item that fails comes back with its `patchErrorMessage` and nothing of it
//! written, and the others go on.

use super::SureCloud;
use super::auth::{Caller, authenticate};
use super::doc;
use super::error::ScError;
use super::item::{Planned, plan, report};
use super::media::{check_accept, check_content_type};
use super::model::{PatchRequest, UserModel};
use crate::RequestId;
use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::header;
use roster_proto::v1 as pb;
use serde::Deserialize;

/// The body as first read: only its shape and size, each item still raw.
#[derive(Deserialize)]
struct Envelope {
    users: Vec<serde_json::Value>,
}

#[utoipa::path(
    patch,
    path = "/restful/v1/user",
    tag = "SureCloud",
    operation_id = "surecloud_PatchUsers",
    summary = "Creates or modifies users, each on its own.",
    description = "Each item creates a user (`email` and `role` required) or modifies one \
                   (found by `userID` or `email`). Attributes left out stay as they are, \
                   except `personType`, which becomes `INTERNAL`. An item that fails comes \
                   back with `patchErrorMessage` and nothing of it is written; a group that \
                   does not exist or is malformed is reported the same way while the rest \
                   of the item applies.",
    request_body(content = PatchRequest, content_type = "application/json"),
    security(("surecloud_bearer" = [])),
    responses(
        (status = 200, description = "One user per item, in request order.", body = [UserModel]),
        doc::Errors,
    ),
)]
pub(crate) async fn patch(State(api): State<SureCloud>, req: Request) -> Response {
    match run(&api, req).await {
        Ok(users) => Json(users).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn run(api: &SureCloud, req: Request) -> Result<Vec<UserModel>, ScError> {
    let rid = req
        .extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or_default();
    let caller = authenticate(api, req.headers(), &rid).await?;
    if !caller.token.has_scope("users.write") {
        return Err(ScError::forbidden(
            "The caller may not administer users (needs ADMINISTRATOR)",
        ));
    }
    check_accept(req.headers())?;
    check_content_type(req.headers())?;
    let max = api.limits.max_body_bytes;
    let too_big = || {
        ScError::too_large(format!(
            "The request body is larger than {max} bytes; send fewer users per request"
        ))
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_big());
    }
    let bytes = axum::body::to_bytes(req.into_body(), max)
        .await
        .map_err(|_| too_big())?;
    let envelope: Envelope = serde_json::from_slice(&bytes).map_err(|e| {
        ScError::bad_request(format!(
            "The body must be JSON of the form {{\"users\": [...]}}: {e}"
        ))
    })?;
    let users = envelope.users;
    if users.len() > api.limits.max_users {
        return Err(ScError::too_large(format!(
            "{} users in one request; at most {} are accepted",
            users.len(),
            api.limits.max_users
        )));
    }
    let planned: Vec<Planned> = users.iter().map(plan).collect();
    let items: Vec<pb::UpsertUserItem> =
        planned.iter().filter_map(|p| p.item.clone().ok()).collect();
    let mut results = if items.is_empty() {
        Vec::new()
    } else {
        upsert(api, &caller, &rid, items).await?
    }
    .into_iter();
    Ok(planned
        .into_iter()
        .map(|p| {
            let result = if p.item.is_ok() { results.next() } else { None };
            report(p, result)
        })
        .collect())
}

async fn upsert(
    api: &SureCloud,
    caller: &Caller,
    rid: &RequestId,
    items: Vec<pb::UpsertUserItem>,
) -> Result<Vec<pb::UpsertUserResult>, ScError> {
    let sent = items.len();
    let r = api
        .state
        .upstream
        .users()
        .batch_upsert_users(caller.req(pb::BatchUpsertUsersRequest { items }, rid))
        .await
        .map_err(|s| {
            if s.code() == tonic::Code::Unauthenticated {
                caller.forget(api);
            }
            ScError::from_status(&s)
        })?
        .into_inner();
    if r.results.len() != sent {
        tracing::error!(
            sent,
            got = r.results.len(),
            "SureCloud: the core answered another number of items."
        );
        return Err(ScError::from_status(&tonic::Status::internal(
            "result count",
        )));
    }
    Ok(r.results)
}
