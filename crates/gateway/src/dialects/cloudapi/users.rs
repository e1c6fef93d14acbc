//! Users (`lib/users.js`): list, get, create, update, change password, delete. The account
//! owner is a user of the core but not a CloudAPI sub-user, so it never shows here. A user's
//! reads and updates answer its `ETag`; updates and deletes honour `If-Match` (412 when it
//! names no current etag).

use super::context::{Allowed, Any, Ctx, Json, Signed, user_key};
use super::doc;
use super::error::{ApiError, or_not_found};
use super::model::User;
use super::params::Params;
use super::response::{created, encode_segment, json_response, no_content, ok};
use super::validate::{check_email, check_login, check_password};
use crate::core_error::CoreError;
use crate::session::preconditions::{IfMatch, Unmet, etag_header, write_etag};
use axum::response::Response;
use http::StatusCode;
use roster_proto::v1 as pb;
use roster_proto::v1::filter_value::Kind as V;

/// The updatable profile fields: (CloudAPI name, UFDS alias, core field path).
pub(crate) const PROFILE: [(&str, Option<&str>, &str); 9] = [
    ("companyName", Some("company"), "company_name"),
    ("firstName", Some("givenName"), "first_name"),
    ("lastName", Some("sn"), "last_name"),
    ("address", None, "address"),
    ("postalCode", None, "postal_code"),
    ("city", None, "city"),
    ("state", None, "state"),
    ("country", None, "country"),
    ("phone", None, "phone"),
];

fn set_profile(u: &mut pb::User, path: &str, value: Option<String>) {
    let slot = match path {
        "company_name" => &mut u.company_name,
        "first_name" => &mut u.first_name,
        "last_name" => &mut u.last_name,
        "address" => &mut u.address,
        "postal_code" => &mut u.postal_code,
        "city" => &mut u.city,
        "state" => &mut u.state,
        "country" => &mut u.country,
        _ => &mut u.phone,
    };
    *slot = value;
}

/// The profile fields present in `params`: `""` (or null) means remove.
fn profile_changes(params: &Params, u: &mut pb::User) -> Vec<String> {
    let mut paths = Vec::new();
    for (name, alias, path) in PROFILE {
        let key = if params.has(name) {
            Some(name)
        } else {
            alias.filter(|a| params.has(a))
        };
        if let Some(key) = key {
            set_profile(u, path, params.text(key).filter(|v| !v.is_empty()));
            paths.push(path.to_owned());
        }
    }
    paths
}

/// Every user of the tenant but its owner, in creation order.
async fn all_users(ctx: &Ctx) -> Result<Vec<pb::User>, ApiError> {
    let not_owner = pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Compare(pb::UserComparison {
            field: pb::UserField::Id.into(),
            operator: pb::ComparisonOperator::Ne.into(),
            values: vec![pb::FilterValue {
                kind: Some(V::StringValue(ctx.caller.owner_user_id.clone())),
            }],
            metadata_key: String::new(),
        })),
    };
    let mut out = Vec::new();
    let mut token = String::new();
    loop {
        let req = pb::ListUsersRequest {
            page_size: 1000,
            page_token: token,
            filter: Some(not_owner.clone()),
            ..Default::default()
        };
        let page = ctx.core.users().list_users(req).await?.into_inner();
        out.extend(page.users);
        if page.next_page_token.is_empty() {
            return Ok(out);
        }
        token = page.next_page_token;
    }
}

/// The sub-user `user` names (login or id); `missing` says how CloudAPI reports its absence.
pub(crate) async fn find(
    ctx: &Ctx,
    user: &str,
    missing: impl FnOnce() -> String,
) -> Result<pb::User, ApiError> {
    let req = pb::GetUserRequest {
        key: Some(user_key(user)),
    };
    let found = ctx.core.users().get_user(req).await;
    match found {
        Ok(u) if u.get_ref().id != ctx.caller.owner_user_id => Ok(u.into_inner()),
        Ok(_) => Err(ApiError::not_found(missing())),
        Err(s) if CoreError::from(&s).is_malformed_key() => Err(ApiError::not_found(missing())),
        Err(s) => Err(or_not_found(&s, missing)),
    }
}

/// `GET /<account>/users`.
async fn list_users(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed { ctx, .. } = req.allow("listusers").await?;
    let users: Vec<User> = all_users(&ctx)
        .await?
        .iter()
        .map(|u| User::from_pb(u, false))
        .collect();
    Ok(ok(&users))
}

/// `GET /<account>/users/<user>`.
async fn get_user(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed {
        ctx,
        p,
        target: user,
        ..
    } = req.allow("getuser").await?;
    let u = find(&ctx, &user, || format!("{user} does not exist")).await?;
    Ok(answer(&u, p.truthy("membership")))
}

/// 200 with the user and its `ETag`.
fn answer(u: &pb::User, membership: bool) -> Response {
    let etag = etag_header(&u.etag).into_iter().collect();
    json_response(StatusCode::OK, &User::from_pb(u, membership), etag)
}

/// The etag a write of `current` carries, or CloudAPI's 412 when `If-Match` names another.
fn precondition(if_match: Option<&IfMatch>, current: &pb::User) -> Result<String, ApiError> {
    write_etag(if_match, &current.etag).map_err(|Unmet| unmet())
}

fn unmet() -> ApiError {
    ApiError::precondition_failed("if-match did not match the user's etag")
}

/// A core refusal of a conditional write: 412 when a change landed after the read.
fn write_refused(if_match: Option<&IfMatch>, s: &tonic::Status) -> ApiError {
    let e = CoreError::from(s);
    if Unmet::by_core(if_match, &e) {
        unmet()
    } else {
        ApiError::from_core(e)
    }
}

/// `POST /<account>/users`.
async fn create_user(req: Signed<Json>) -> Result<Response, ApiError> {
    let Allowed { ctx, p, .. } = req.allow("createuser").await?;
    let missing: Vec<&str> = ["email", "login", "password"]
        .into_iter()
        .filter(|n| p.required(n).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::missing_params(&missing));
    }
    let (email, login, password) = (
        p.text("email").unwrap_or_default(),
        p.text("login").unwrap_or_default(),
        p.text("password").unwrap_or_default(),
    );
    check_email(&email)?;
    check_login(&login)?;
    check_password(&password)?;
    let mut u = pb::User {
        login: login.clone(),
        email,
        ..Default::default()
    };
    profile_changes(&p, &mut u);
    let req = pb::CreateUserRequest {
        user: Some(u),
        password: Some(password),
        request_id: String::new(),
    };
    let made = ctx.core.users().create_user(req).await?.into_inner();
    let location = format!(
        "/{}/users/{}",
        ctx.caller.account,
        encode_segment(&made.login)
    );
    Ok(created(&User::from_pb(&made, false), &location))
}

/// `POST /<account>/users/<user>`.
async fn update_user(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed {
        ctx,
        p,
        target: id,
        if_match,
        ..
    } = req.allow("updateuser").await?;
    let current = find(&ctx, &id, || {
        format!("user with uuid \"{id}\" does not exist")
    })
    .await?;
    let mut u = pb::User {
        id: current.id.clone(),
        etag: precondition(if_match.as_ref(), &current)?,
        ..Default::default()
    };
    let mut paths = profile_changes(&p, &mut u);
    if let Some(email) = p.text("email").filter(|e| !e.is_empty()) {
        check_email(&email)?;
        u.email = email;
        paths.push("email".to_owned());
    }
    if let Some(login) = p.text("login").filter(|l| !l.is_empty()) {
        check_login(&login)?;
        u.login = login;
        paths.push("login".to_owned());
    }
    let req = pb::UpdateUserRequest {
        user: Some(u),
        update_mask: Some(prost_types::FieldMask { paths }),
        password: None,
        request_id: String::new(),
    };
    // An empty mask would mean "every field set"; CloudAPI without fields changes nothing.
    let updated = if req.update_mask.as_ref().is_some_and(|m| m.paths.is_empty()) {
        current
    } else {
        ctx.core
            .users()
            .update_user(req)
            .await
            .map_err(|s| write_refused(if_match.as_ref(), &s))?
            .into_inner()
    };
    Ok(answer(&updated, false))
}

/// `POST /<account>/users/<user>/change_password`.
async fn change_user_password(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed {
        ctx, p, target: id, ..
    } = req.allow("changeuserpassword").await?;
    let missing: Vec<&str> = ["password", "password_confirmation"]
        .into_iter()
        .filter(|n| p.required(n).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::missing_params(&missing));
    }
    let (password, confirmation) = (
        p.text("password").unwrap_or_default(),
        p.text("password_confirmation").unwrap_or_default(),
    );
    if password != confirmation {
        return Err(ApiError::invalid(
            "password and password_confirmation must have the same value",
        ));
    }
    check_password(&password)?;
    let current = find(&ctx, &id, || {
        format!("user with uuid \"{id}\" does not exist")
    })
    .await?;
    let req = pb::ChangePasswordRequest {
        id: current.id,
        password,
        change_required: false,
        request_id: String::new(),
    };
    let u = ctx.core.users().change_password(req).await?.into_inner();
    Ok(answer(&u, false))
}

/// `DELETE /<account>/users/<user>`.
async fn delete_user(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed {
        ctx,
        target: user,
        if_match,
        ..
    } = req.allow("deleteuser").await?;
    let current = find(&ctx, &user, || format!("{user} does not exist")).await?;
    let etag = precondition(if_match.as_ref(), &current)?;
    ctx.core.delete_user(current.id, etag).await.map_err(|s| {
        match write_refused(if_match.as_ref(), &s) {
            e if e.status == StatusCode::PRECONDITION_FAILED => e,
            _ => or_not_found(&s, || format!("{user} does not exist")),
        }
    })?;
    Ok(no_content())
}

operations! {
    /// Lists the sub-users.
    list(req: Any) => list_users(req),
        get "/{account}/users" as "cloudapi_ListUsers",
        200 "The sub-users, oldest first." => [User];
    /// Reads a sub-user by login or id.
    get(req: Any) => get_user(req),
        get "/{account}/users/{user}" as "cloudapi_GetUser", params(doc::Membership),
        200 "The sub-user." => User;
    /// Creates a sub-user.
    create(req: Json) => create_user(req),
        post "/{account}/users" as "cloudapi_CreateUser", request_body = doc::CreateUser,
        201 "Created; `Location` names it." => User;
    /// Updates a sub-user; an empty string removes a field.
    update(req: Any) => update_user(req),
        post "/{account}/users/{user}" as "cloudapi_UpdateUser",
        params(crate::openapi::IfMatch), request_body = doc::UpdateUser,
        200 "The sub-user as updated." => User;
    /// Sets a sub-user's password.
    change_password(req: Any) => change_user_password(req),
        post "/{account}/users/{user}/change_password" as "cloudapi_ChangeUserPassword",
        request_body = doc::ChangePassword, 200 "The sub-user." => User;
    /// Deletes a sub-user.
    delete(req: Any) => delete_user(req),
        delete "/{account}/users/{user}" as "cloudapi_DeleteUser",
        params(crate::openapi::IfMatch), 204 "Deleted.";
}
