//! One user: read (with its secret when `Elements-User-Password` is right), create, PATCH
//! and delete. Users are named by their integer id, or by email where the vendor allows it.

use super::auth::Ctx;
use super::body::{Body, UserBody, check_password};
use super::doc;
use super::error::ElementsError;
use super::list::flag;
use super::model::{Extras, User};
use crate::core_error::CoreError;
use crate::session::preconditions::{IfMatch, Unmet, etag_header, write_etag};
use axum::Json;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use http::HeaderMap;
use http::StatusCode;
use roster_proto::v1 as pb;
use std::collections::HashMap;

/// How a path names a user: an id (a positive integer), or an email when `email_ok`.
pub(crate) fn user_key(raw: &str, email_ok: bool) -> Result<pb::UserKey, ElementsError> {
    let key = match raw.parse::<i64>() {
        Ok(n) if n > 0 => pb::user_key::Key::Number(n),
        _ if email_ok && raw.contains('@') => pb::user_key::Key::Email(raw.to_owned()),
        _ => return Err(not_found(raw)),
    };
    Ok(pb::UserKey { key: Some(key) })
}

pub(crate) fn not_found(raw: &str) -> ElementsError {
    ElementsError::not_found(format!("No user found with ID or email {raw}"))
}

/// The user a path names.
pub(crate) async fn find(ctx: &Ctx, raw: &str, email_ok: bool) -> Result<pb::User, ElementsError> {
    let req = pb::GetUserRequest {
        key: Some(user_key(raw, email_ok)?),
    };
    match ctx
        .core
        .users()
        .get_user(req)
        .await
        .map_err(CoreError::from)
    {
        Ok(u) => Ok(u.into_inner()),
        // A key the core cannot parse (e.g. a malformed email) names nobody.
        Err(e) if e.is_malformed_key() => Err(not_found(raw)),
        Err(e) => Err(ElementsError::from_core(&e, &not_found(raw).message)),
    }
}

/// 200 with the user and its `ETag`.
fn answer(u: &pb::User, extras: Extras<'_>) -> Response {
    let mut res = Json(User::from_pb(u, extras)).into_response();
    if let Some((name, value)) = etag_header(&u.etag) {
        res.headers_mut().insert(name, value);
    }
    res
}

/// The etag a write of `current` carries, or a 412 when `If-Match` names another version.
fn precondition(if_match: Option<&IfMatch>, current: &pb::User) -> Result<String, ElementsError> {
    write_etag(if_match, &current.etag).map_err(|Unmet| unmet())
}

fn unmet() -> ElementsError {
    ElementsError::new(
        StatusCode::PRECONDITION_FAILED,
        "If-Match does not match the user's current ETag",
    )
}

/// A core refusal of a write: 412 when `If-Match` asked for a version a change replaced.
fn write_refused(if_match: Option<&IfMatch>, e: &CoreError, missing: &str) -> ElementsError {
    if Unmet::by_core(if_match, e) {
        unmet()
    } else {
        ElementsError::from_core(e, missing)
    }
}

/// The user's secret as the core hands it over with a write: to its creator, and to a write
/// that sets its password.
fn api_secret<T>(res: &tonic::Response<T>) -> Option<String> {
    res.metadata()
        .get("roster-api-secret")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The user's secret when `password` is its password (a wrong one counts towards the guess
/// limit and reveals nothing).
async fn revealed_secret(
    ctx: &Ctx,
    id: &str,
    password: &str,
) -> Result<Option<String>, ElementsError> {
    let req = pb::VerifyPasswordRequest {
        key: Some(pb::UserKey {
            key: Some(pb::user_key::Key::Id(id.to_owned())),
        }),
        password: password.to_owned(),
    };
    let r = ctx
        .core
        .users()
        .reveal_api_secret(req)
        .await
        .map_err(|s| ElementsError::from_core(&s.into(), &not_found(id).message))?
        .into_inner();
    Ok(r.valid.then_some(r.api_secret))
}

/// Reads a user by id or email.
#[utoipa::path(
    get,
    path = "/users/{user}",
    operation_id = "elements_GetUser",
    params(doc::GetQuery, doc::PasswordHeader),
    responses((status = 200, description = "The user; with its `secret` when `Elements-User-Password` is its password.", body = User)),
)]
pub(crate) async fn get(
    ctx: Ctx,
    Path(user): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ElementsError> {
    // A deactivated user is read like any other (`active` says it); `includeInactive` is
    // still read but changes nothing.
    flag(
        "includeInactive",
        q.get("includeInactive").map(String::as_str),
    )?;
    let u = find(&ctx, &user, true).await?;
    let password = headers
        .get("elements-user-password")
        .and_then(|v| v.to_str().ok())
        .filter(|p| !p.is_empty());
    let secret = match password {
        Some(password) => revealed_secret(&ctx, &u.id, password).await?,
        None => None,
    };
    let extras = Extras {
        secret: secret.as_deref(),
        ..Extras::default()
    };
    Ok(answer(&u, extras))
}

/// The profile fields of `b` into `u`, with their mask paths.
fn profile(b: &UserBody, u: &mut pb::User, paths: &mut Vec<String>) -> Result<(), ElementsError> {
    if b.street2.as_deref().is_some_and(|s| !s.trim().is_empty()) {
        return Err(ElementsError::bad_request(
            "street2 is not supported: put the whole street address in street1",
        ));
    }
    let fields: [(&Option<String>, &mut Option<String>, &str); 9] = [
        (&b.first_name, &mut u.first_name, "first_name"),
        (&b.last_name, &mut u.last_name, "last_name"),
        (&b.city, &mut u.city, "city"),
        (&b.country, &mut u.country, "country"),
        (&b.phone, &mut u.phone, "phone"),
        (&b.postal_code, &mut u.postal_code, "postal_code"),
        (&b.state_province, &mut u.state, "state"),
        (&b.street1, &mut u.address, "address"),
        (&b.external_id, &mut u.external_id, "external_id"),
    ];
    for (from, to, path) in fields {
        if let Some(v) = from {
            *to = Some(v.clone()).filter(|s| !s.is_empty());
            paths.push(path.to_owned());
        }
    }
    // An email cannot be removed, so an empty one leaves it as it is: the vendor's own PATCH
    // example sends `"email": ""`.
    if let Some(email) = b.email.as_ref().filter(|e| !e.trim().is_empty()) {
        u.email.clone_from(email);
        paths.push("email".to_owned());
    }
    if let Some(active) = b.active {
        u.status = if active {
            pb::UserStatus::Active
        } else {
            pb::UserStatus::Disabled
        }
        .into();
        paths.push("status".to_owned());
    }
    Ok(())
}

/// Creates a user in the organization.
///
/// Needs `email`, `firstName` and `lastName`; `org` is added to the roles asked for.
// DESIGN: the vendor documents create under `/accounts/{id}/users` and `/organizations/users`;
// `/users` creates in the organization too.
#[utoipa::path(
    post,
    path = "/users",
    operation_id = "elements_CreateUser",
    request_body(content = doc::NewUser, content_type = "application/json"),
    responses((status = 200, description = "The new user, with its `secret` and `roles`.", body = User)),
)]
pub(crate) async fn create(ctx: Ctx, Body(b): Body<UserBody>) -> Result<Response, ElementsError> {
    for (name, v) in [
        ("email", &b.email),
        ("firstName", &b.first_name),
        ("lastName", &b.last_name),
    ] {
        if v.as_deref().is_none_or(|s| s.trim().is_empty()) {
            return Err(ElementsError::bad_request(format!("{name} is required")));
        }
    }
    if let Some(p) = &b.password {
        check_password(p)?;
    }
    let mut keys = b.role_keys()?.unwrap_or_default();
    keys.push("org".to_owned());
    let mut u = pb::User {
        role_keys: keys,
        ..Default::default()
    };
    profile(&b, &mut u, &mut Vec::new())?;
    let req = pb::CreateUserRequest {
        user: Some(u),
        password: b.password.clone(),
        request_id: String::new(),
    };
    let res = ctx
        .core
        .users()
        .create_user(req)
        .await
        .map_err(|s| ElementsError::from_core(&s.into(), "Not found"))?;
    let secret = api_secret(&res);
    let made = res.into_inner();
    let extras = Extras {
        secret: secret.as_deref(),
        ..Extras::default()
    };
    Ok(Json(User::from_pb(&made, extras)).into_response())
}

/// Changes the fields the body names.
///
/// The fields sent, `password` included, are written at once; the password is never echoed.
#[utoipa::path(
    patch,
    path = "/users/{user}",
    operation_id = "elements_UpdateUser",
    params(crate::openapi::IfMatch),
    request_body(content = UserBody, content_type = "application/json"),
    responses((status = 200, description = "The user as it is now.", body = User)),
)]
pub(crate) async fn update(
    ctx: Ctx,
    Path(user): Path<String>,
    headers: HeaderMap,
    Body(b): Body<UserBody>,
) -> Result<Response, ElementsError> {
    let if_match = IfMatch::of(&headers);
    if let Some(p) = &b.password {
        check_password(p)?;
    }
    let keys = b.role_keys()?;
    let current = find(&ctx, &user, false).await?;
    // DESIGN: as with DELETE, an administrator cannot deactivate itself: a disabled user gets
    // no token, so it would lock itself out (the owner included).
    if b.active == Some(false) && current.id == *ctx.token.user_id {
        return Err(ElementsError::forbidden("You cannot deactivate yourself"));
    }
    precondition(if_match.as_ref(), &current)?;
    // The etag read goes with the write either way: a change landing in between is a 412
    // when `If-Match` asked for this version, else a 409 (the vendor's "conflict").
    let mut u = pb::User {
        id: current.id.clone(),
        etag: current.etag.clone(),
        ..Default::default()
    };
    let mut paths = Vec::new();
    profile(&b, &mut u, &mut paths)?;
    if let Some(keys) = &keys {
        u.role_keys.clone_from(keys);
        paths.push("role_keys".to_owned());
    }
    let missing = not_found(&user).message;
    // The password goes in the same write as the other fields, so a refused password leaves
    // the user as it was.
    let mut secret = None;
    let updated = if paths.is_empty() && b.password.is_none() {
        current
    } else {
        let req = pb::UpdateUserRequest {
            user: Some(u),
            update_mask: Some(prost_types::FieldMask { paths }),
            password: b.password.clone(),
            request_id: String::new(),
        };
        let res = ctx
            .core
            .users()
            .update_user(req)
            .await
            .map_err(|s| write_refused(if_match.as_ref(), &s.into(), &missing))?;
        // As the vendor's example shows, a PATCH that sets the password answers the user's
        // secret: the core hands it over with the write, the new password revealing it as
        // `Elements-User-Password` does on a read (a token alone never reads a secret).
        secret = api_secret(&res);
        res.into_inner()
    };
    let extras = Extras {
        password_placeholder: b.password.is_some(),
        secret: secret.as_deref(),
    };
    Ok(answer(&updated, extras))
}

/// Deletes a user, not oneself.
///
/// 200 with an empty body. An administrator cannot delete itself (403), so that an
/// organization keeps someone who can manage it.
#[utoipa::path(
    delete,
    path = "/users/{user}",
    operation_id = "elements_DeleteUser",
    params(crate::openapi::IfMatch),
    responses((status = 200, description = "Deleted; the body is empty.")),
)]
pub(crate) async fn delete(
    ctx: Ctx,
    Path(user): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ElementsError> {
    let if_match = IfMatch::of(&headers);
    let current = find(&ctx, &user, false).await?;
    if current.id == *ctx.token.user_id {
        return Err(ElementsError::forbidden("You cannot delete yourself"));
    }
    let etag = precondition(if_match.as_ref(), &current)?;
    ctx.core
        .delete_user(current.id, etag)
        .await
        .map_err(|s| write_refused(if_match.as_ref(), &s.into(), &not_found(&user).message))?;
    Ok(http::StatusCode::OK.into_response())
}
