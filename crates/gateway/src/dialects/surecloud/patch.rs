//! `PATCH /restful/v1/user`: create and modify many users in one call. The checks come in
//! the order the dialect promises: 401 (token), 403 (no user administration), 406 (Accept),
//! 415 (Content-Type), 413 (bytes, then users: refused whole), 400 (not JSON, or no `users`
//! array). Then every item becomes one item of one `BatchUpsertUsers` call, all or nothing
//! on its own; an item that fails comes back with its `patchErrorMessage` and nothing of it
//! written, and the others go on.

use super::SureCloud;
use super::auth::{Caller, authenticate};
use super::body::{check_accept, check_content_type, read_body};
use super::doc;
use super::error::ScError;
use super::item::{PathProblems, Planned, Sent, group_paths, plan, report, retryable};
use super::model::{PatchRequest, UserModel};
use crate::RequestId;
use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::header;
use roster_proto::v1 as pb;
use serde::Deserialize;
use std::collections::BTreeSet;

/// The body as first read: only its shape and size, each item still raw.
#[derive(Deserialize)]
struct Envelope {
    users: Vec<serde_json::Value>,
}

/// Creates or modifies users, each on its own.
#[utoipa::path(
    patch,
    path = "/restful/v1/user",
    operation_id = "surecloud_PatchUsers",
    description = "Each item creates a user (`email` and `role` required) or modifies one \
                   (found by `userID` or `email`). Attributes left out stay as they are, \
                   except `personType`, which becomes `INTERNAL`. An item that fails comes \
                   back with `patchErrorMessage` and nothing of it is written; a group that \
                   does not exist or is malformed is reported the same way while the rest \
                   of the item applies.",
    request_body(content = PatchRequest, content_type = "application/json"),
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
    let caller = authenticate(api, req.headers(), &RequestId::of_request(&req)).await?;
    if !caller.token.has_scope("users.write") {
        return Err(ScError::forbidden(
            "The caller may not administer users (needs ADMINISTRATOR)",
        ));
    }
    check_accept(req.headers())?;
    check_content_type(req.headers())?;
    let max = api.limits.max_body_bytes;
    let too_big =
        format!("The request body is larger than {max} bytes; send fewer users per request");
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(ScError::too_large(too_big));
    }
    let bytes = read_body(req.into_body(), max, &too_big).await?;
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
    let problems = check_group_paths(api, &caller, &users).await?;
    let planned: Vec<Planned> = users.iter().map(|u| plan(u, &problems)).collect();
    let items: Vec<pb::UpsertUserItem> =
        planned.iter().filter_map(|p| p.item.clone().ok()).collect();
    let mut results = if items.is_empty() {
        Vec::new()
    } else {
        upsert(api, &caller, items).await?
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

/// The core's verdict on every group path the request names (the rules are the core's), so
/// that an item skips a malformed path with a note and keeps its other groups.
async fn check_group_paths(
    api: &SureCloud,
    caller: &Caller,
    users: &[serde_json::Value],
) -> Result<PathProblems, ScError> {
    let paths: BTreeSet<&str> = users.iter().flat_map(group_paths).collect();
    if paths.is_empty() {
        return Ok(PathProblems::new());
    }
    let paths: Vec<String> = paths.into_iter().map(str::to_owned).collect();
    let problems = caller
        .core
        .groups()
        .check_group_paths(pb::CheckGroupPathsRequest {
            paths: paths.clone(),
        })
        .await
        .map_err(|s| caller.refused(api, s))?
        .into_inner()
        .problems;
    Ok(paths
        .into_iter()
        .zip(problems)
        .filter(|(_, why)| !why.is_empty())
        .collect())
}

/// Items one call to the core carries. A larger PATCH goes as several calls in turn, so that
/// when one fails (the database too slow for the deadline, the core gone) the users of the
/// calls before it, committed, are answered as written.
const CALL_ITEMS: usize = 1000;

async fn upsert(
    api: &SureCloud,
    caller: &Caller,
    items: Vec<pb::UpsertUserItem>,
) -> Result<Vec<Sent>, ScError> {
    let total = items.len();
    let mut out: Vec<Sent> = Vec::with_capacity(total);
    let mut rest = items.into_iter().peekable();
    while rest.peek().is_some() {
        let chunk: Vec<pb::UpsertUserItem> = rest.by_ref().take(CALL_ITEMS).collect();
        let sent = chunk.len();
        let answer = caller
            .core
            .users()
            .batch_upsert_users(pb::BatchUpsertUsersRequest {
                items: chunk,
                request_id: String::new(),
            })
            .await;
        match answer {
            Ok(r) => {
                let r = r.into_inner();
                if r.results.len() != sent {
                    tracing::error!(
                        sent,
                        got = r.results.len(),
                        "SureCloud: the core answered another number of items."
                    );
                    return Err(ScError::internal());
                }
                // Nothing of the request committed and the database said "try again" (busy,
                // unreachable, out of time): the whole request is that answer, as when the
                // call itself fails, so that a retrying client sends it again rather than
                // taking 200 as final.
                if out.is_empty()
                    && let Some(e) = retry_whole(&r.results)
                {
                    return Err(ScError::from_core(e));
                }
                out.extend(r.results.into_iter().map(|r| Sent::Answered(Box::new(r))));
            }
            // Nothing written yet: the request fails as a whole, in the dialect's shape.
            Err(s) if out.is_empty() => return Err(caller.refused(api, s)),
            Err(s) => {
                tracing::warn!(
                    code = ?s.code(),
                    answered = out.len(),
                    total,
                    "SureCloud: a call of a large PATCH failed; its users and those after it are answered as not confirmed."
                );
                out.extend((0..sent).map(|_| Sent::Unconfirmed));
                out.extend(rest.by_ref().map(|_| Sent::Skipped));
            }
        }
    }
    Ok(out)
}

/// The "try again" of a call's results when none of its items was written and one failed
/// for a reason that passes (the others' own refusals come again on the retry).
fn retry_whole(results: &[pb::UpsertUserResult]) -> Option<crate::core_error::CoreError> {
    let failed = |r: &pb::UpsertUserResult| r.status.as_ref().is_some_and(|s| s.code != 0);
    if !results.iter().all(failed) {
        return None;
    }
    results
        .iter()
        .filter_map(|r| r.status.as_ref())
        .map(crate::core_error::CoreError::from)
        .find(retryable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(code: tonic::Code) -> pb::UpsertUserResult {
        pb::UpsertUserResult {
            status: Some(tonic_types::Status {
                code: code as i32,
                message: String::new(),
                details: vec![],
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_call_that_wrote_nothing_for_a_passing_reason_is_answered_try_again() {
        use tonic::Code::{AlreadyExists, DeadlineExceeded, Ok, Unavailable};
        let again = retry_whole(&[result(AlreadyExists), result(Unavailable)]);
        assert_eq!(again.map(|e| e.code), Some(Unavailable));
        assert!(retry_whole(&[result(DeadlineExceeded)]).is_some());
        // One item written: the others are answered one by one.
        assert!(retry_whole(&[result(Ok), result(Unavailable)]).is_none());
        // Only final refusals: a 200 with each one's message.
        assert!(retry_whole(&[result(AlreadyExists)]).is_none());
    }
}
