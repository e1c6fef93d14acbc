//! A user's roles: list, grant (`PUT`, 409 when held already) and revoke (`DELETE`, 404 when
//! not held). Grants and revocations send the etag of the user they read and retry when
//! another write got in between, so concurrent changes never lose one another.

use super::auth::Ctx;
use super::body::role_key;
use super::error::ElementsError;
use super::model::Role;
use super::users::{find, not_found};
use crate::core_error::CoreError;
use axum::Json;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use roster_proto::v1 as pb;
use roster_proto::v1::ErrorReason;

/// Lists the roles a user holds.
#[utoipa::path(
    get,
    path = "/users/{user}/roles",
    operation_id = "elements_ListUserRoles",
    responses((status = 200, description = "The user's roles.", body = [Role])),
)]
pub(crate) async fn list(ctx: Ctx, Path(user): Path<String>) -> Result<Response, ElementsError> {
    let u = find(&ctx, &user, false).await?;
    Ok(Json(Role::all_of(&u)).into_response())
}

/// Sets the user's keys to `change(current)`, retrying on a concurrent write; `change`
/// refuses by returning an error.
async fn change(
    ctx: &Ctx,
    user: &str,
    change: impl Fn(&[String]) -> Result<Vec<String>, ElementsError>,
) -> Result<(), ElementsError> {
    for _ in 0..5 {
        let current = find(ctx, user, false).await?;
        let keys = change(&current.role_keys)?;
        let req = pb::UpdateUserRequest {
            user: Some(pb::User {
                id: current.id,
                etag: current.etag,
                role_keys: keys,
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["role_keys".to_owned()],
            }),
            password: None,
            request_id: String::new(),
        };
        match ctx
            .core
            .users()
            .update_user(req)
            .await
            .map_err(CoreError::from)
        {
            Ok(_) => return Ok(()),
            Err(e) if e.is(ErrorReason::EtagMismatch) => {}
            Err(e) => return Err(ElementsError::from_core(&e, &not_found(user).message)),
        }
    }
    Err(ElementsError::conflict(
        "The user keeps changing; try again",
    ))
}

/// Grants a user a role (409 when held already).
#[utoipa::path(
    put,
    path = "/users/{user}/roles/{key}",
    operation_id = "elements_GrantUserRole",
    responses((status = 200, description = "The role granted.", body = Role)),
)]
pub(crate) async fn grant(
    ctx: Ctx,
    Path((user, key)): Path<(String, String)>,
) -> Result<Response, ElementsError> {
    let key = role_key(&key)?;
    change(&ctx, &user, |held| {
        if held.contains(&key) {
            return Err(ElementsError::conflict(format!(
                "The user already has the role '{key}'"
            )));
        }
        Ok(held.iter().cloned().chain([key.clone()]).collect())
    })
    .await?;
    let role = Role::of(&key).ok_or_else(ElementsError::internal)?;
    Ok(Json(role).into_response())
}

/// Revokes a role from a user (404 when not held).
#[utoipa::path(
    delete,
    path = "/users/{user}/roles/{key}",
    operation_id = "elements_RevokeUserRole",
    responses((status = 200, description = "Revoked; the body is empty.")),
)]
pub(crate) async fn revoke(
    ctx: Ctx,
    Path((user, key)): Path<(String, String)>,
) -> Result<Response, ElementsError> {
    let key = role_key(&key)?;
    change(&ctx, &user, |held| {
        if !held.contains(&key) {
            return Err(ElementsError::not_found(format!(
                "The user does not have the role '{key}'"
            )));
        }
        Ok(held.iter().filter(|k| **k != key).cloned().collect())
    })
    .await?;
    Ok(http::StatusCode::OK.into_response())
}
