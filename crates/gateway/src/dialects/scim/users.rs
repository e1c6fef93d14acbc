//! `/Users`: create, read, replace (PUT), modify (PATCH), delete, and the queries. Every
//! write reads the user, works out the change, and writes it with the etag it read, so a
//! concurrent change is never lost: a write the client pinned with `If-Match` is then 412,
//! any other is worked out again on the new version.

use super::auth::Ctx;
use super::doc;
use super::error::ScimError;
use super::list::{self, Query};
use super::patch::{self, Kind};
use super::precondition::Conditions;
use super::projection::Projection;
use super::reply::{self, Base};
use super::user_map::{Desired, canonical, render};
use crate::core_error::CoreError;
use axum::body::Body;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use prost_types::FieldMask;
use roster_proto::v1 as pb;
use serde_json::Value;

/// How often a write is worked out again when another write lands in between.
const ATTEMPTS: usize = 5;

fn missing(id: &str) -> String {
    format!("User {id} not found")
}

/// The user `id` names; 404 for an id that is no user's (or no UUID).
pub(crate) async fn find(ctx: &Ctx, id: &str) -> Result<pb::User, ScimError> {
    let req = pb::GetUserRequest {
        key: Some(pb::UserKey {
            key: Some(pb::user_key::Key::Id(id.to_owned())),
        }),
    };
    match ctx.core.users().get_user(req).await {
        Ok(u) => Ok(u.into_inner()),
        Err(s) if CoreError::from(&s).is_malformed_key() => Err(ScimError::not_found(missing(id))),
        Err(s) => Err(ctx.refused(s, &missing(id))),
    }
}

/// Creates the user `doc` describes.
pub(crate) async fn create_user(ctx: &Ctx, doc: &Value) -> Result<pb::User, ScimError> {
    let d = Desired::from_doc(doc)?;
    let req = pb::CreateUserRequest {
        user: Some(d.to_new_user()),
        password: d.password.clone(),
        request_id: String::new(),
    };
    ctx.core
        .users()
        .create_user(req)
        .await
        .map(tonic::Response::into_inner)
        .map_err(|s| ctx.refused(s, "Not found"))
}

/// Writes what `change` makes of the current user, under `cond`; retried on a concurrent
/// change unless the client pinned the version.
async fn write<F>(ctx: &Ctx, id: &str, cond: &Conditions, change: F) -> Result<pb::User, ScimError>
where
    F: Fn(&pb::User) -> Result<Desired, ScimError>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = find(ctx, id).await?;
        cond.check_write(&current.etag)?;
        let desired = change(&current)?;
        let (mut next, paths) = desired.changes_to(&current);
        if paths.is_empty() && desired.password.is_none() {
            return Ok(current);
        }
        next.etag.clone_from(&current.etag);
        let req = pb::UpdateUserRequest {
            user: Some(next),
            update_mask: Some(FieldMask { paths }),
            password: desired.password.clone(),
            request_id: String::new(),
        };
        match ctx.core.users().update_user(req).await {
            Ok(u) => return Ok(u.into_inner()),
            Err(s) => {
                let e = CoreError::from(&s);
                let raced = e.is(roster_proto::v1::ErrorReason::EtagMismatch);
                if raced && !cond.pinned() && attempt < ATTEMPTS {
                    continue;
                }
                return Err(ctx.refused(s, &missing(id)));
            }
        }
    }
}

/// Replaces the user with `doc` (PUT).
pub(crate) async fn replace_user(
    ctx: &Ctx,
    id: &str,
    doc: &Value,
    cond: &Conditions,
) -> Result<pb::User, ScimError> {
    let desired = Desired::from_doc(doc)?;
    write(ctx, id, cond, |_| Ok(desired.clone())).await
}

/// Applies a PatchOp body to the user.
pub(crate) async fn patch_user(
    ctx: &Ctx,
    id: &str,
    body: &Value,
    base: &str,
    cond: &Conditions,
) -> Result<pb::User, ScimError> {
    let ops = patch::operations(body)?;
    write(ctx, id, cond, |current| {
        let mut doc = render(current, base);
        patch::apply(&mut doc, &ops, Kind::User)?;
        Desired::from_doc(&doc)
    })
    .await
}

/// Deletes the user, under `cond`.
pub(crate) async fn delete_user(ctx: &Ctx, id: &str, cond: &Conditions) -> Result<(), ScimError> {
    let current = find(ctx, id).await?;
    cond.check_write(&current.etag)?;
    let etag = if cond.pinned() {
        current.etag
    } else {
        String::new()
    };
    ctx.core
        .delete_user(current.id, etag)
        .await
        .map_err(|s| ctx.refused(s, &missing(id)))
}

fn shown(full: &Value, q: Option<&str>) -> Value {
    let p = list::projection(q);
    p.apply(full.clone())
}

/// Creates a user.
#[utoipa::path(
    post,
    path = "/Users",
    operation_id = "scim_CreateUser",
    params(doc::ProjectionQuery),
    request_body(content = doc::User, content_type = "application/scim+json"),
    responses((status = 201, description = "The user made.", body = doc::Resource, content_type = "application/scim+json", headers(("ETag" = String, description = "The version, as `meta.version`."), ("Location" = String, description = "The resource, as `meta.location`.")))),
)]
pub(crate) async fn create(
    ctx: Ctx,
    Base(base): Base,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let doc = canonical(reply::read_json(ctx.api(), &headers, body).await?);
    let u = create_user(&ctx, &doc).await?;
    let full = render(&u, &base);
    Ok(reply::resource(
        StatusCode::CREATED,
        &full,
        &shown(&full, q.as_deref()),
    ))
}

/// Reads a user.
#[utoipa::path(
    get,
    path = "/Users/{id}",
    operation_id = "scim_GetUser",
    params(doc::ProjectionQuery, doc::ReadConditions),
    responses((status = 200, description = "The user.", body = doc::Resource, content_type = "application/scim+json", headers(("ETag" = String, description = "The version, as `meta.version`."))), (status = 304, description = "Not modified: `If-None-Match` names its version.")),
)]
pub(crate) async fn get(
    ctx: Ctx,
    Base(base): Base,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    let u = find(&ctx, &id).await?;
    let cond = Conditions::of(&headers);
    cond.check_read(&u.etag)?;
    if cond.not_modified(&u.etag) {
        return Ok(reply::not_modified(&u.etag));
    }
    let full = render(&u, &base);
    Ok(reply::resource(
        StatusCode::OK,
        &full,
        &shown(&full, q.as_deref()),
    ))
}

/// Replaces a user: what the body leaves out is cleared.
#[utoipa::path(
    put,
    path = "/Users/{id}",
    operation_id = "scim_ReplaceUser",
    params(doc::ProjectionQuery, doc::WriteConditions),
    request_body(content = doc::User, content_type = "application/scim+json"),
    responses((status = 200, description = "The user as replaced.", body = doc::Resource, content_type = "application/scim+json", headers(("ETag" = String, description = "The version, as `meta.version`.")))),
)]
pub(crate) async fn replace(
    ctx: Ctx,
    Base(base): Base,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let doc = canonical(reply::read_json(ctx.api(), &headers, body).await?);
    let u = replace_user(&ctx, &id, &doc, &Conditions::of(&headers)).await?;
    let full = render(&u, &base);
    Ok(reply::resource(
        StatusCode::OK,
        &full,
        &shown(&full, q.as_deref()),
    ))
}

/// Modifies a user with add, remove and replace operations, all or nothing.
#[utoipa::path(
    patch,
    path = "/Users/{id}",
    operation_id = "scim_PatchUser",
    params(doc::ProjectionQuery, doc::WriteConditions),
    request_body(content = doc::Message, content_type = "application/scim+json"),
    responses((status = 200, description = "The user as modified.", body = doc::Resource, content_type = "application/scim+json", headers(("ETag" = String, description = "The version, as `meta.version`.")))),
)]
pub(crate) async fn patch(
    ctx: Ctx,
    Base(base): Base,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let body = reply::read_json(ctx.api(), &headers, body).await?;
    let u = patch_user(&ctx, &id, &body, &base, &Conditions::of(&headers)).await?;
    let full = render(&u, &base);
    Ok(reply::resource(
        StatusCode::OK,
        &full,
        &shown(&full, q.as_deref()),
    ))
}

/// Deletes a user.
#[utoipa::path(
    delete,
    path = "/Users/{id}",
    operation_id = "scim_DeleteUser",
    params(doc::WriteConditions),
    responses((status = 204, description = "Deleted.")),
)]
pub(crate) async fn delete(
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    delete_user(&ctx, &id, &Conditions::of(&headers)).await?;
    Ok(axum::response::IntoResponse::into_response(
        StatusCode::NO_CONTENT,
    ))
}

/// Queries users: filter, sort, and pages by index or cursor.
#[utoipa::path(
    get,
    path = "/Users",
    operation_id = "scim_ListUsers",
    params(doc::ListQuery),
    responses((status = 200, description = "One page of the query.", body = doc::ListResponse, content_type = "application/scim+json")),
)]
pub(crate) async fn list(
    ctx: Ctx,
    Base(base): Base,
    RawQuery(q): RawQuery,
) -> Result<Response, ScimError> {
    let query = Query::from_params(q.as_deref(), ctx.api().limits)?;
    list::users(&ctx, &base, &query).await
}

/// Queries users with a SearchRequest body.
#[utoipa::path(
    post,
    path = "/Users/.search",
    operation_id = "scim_SearchUsers",
    request_body(content = doc::Message, content_type = "application/scim+json"),
    responses((status = 200, description = "One page of the query.", body = doc::ListResponse, content_type = "application/scim+json")),
)]
pub(crate) async fn search(
    ctx: Ctx,
    Base(base): Base,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ScimError> {
    let body = reply::read_json(ctx.api(), &headers, body).await?;
    let query = Query::from_search(&body, ctx.api().limits)?;
    list::users(&ctx, &base, &query).await
}

/// What a projection of a user list needs: used by [`list`].
pub(crate) fn project(u: &pb::User, base: &str, p: &Projection) -> Value {
    p.apply(render(u, base))
}
