//! SSH keys (`lib/keys.js`) of the account and of sub-users; one set of handlers for both.

use super::context::{AnyParams, Ctx, JsonParams, user_key};
use super::doc;
use super::error::{ApiError, or_not_found};
use super::model::Key;
use super::params::Params;
use super::response::{created, encode_segment, no_content, ok};
use crate::core_error::{CoreError, Kind};
use axum::extract::Path;
use axum::response::Response;
use roster_proto::v1 as pb;
use roster_proto::v1::ErrorReason;
use roster_proto::v1::key_owner::Owner;
use serde_json::Value;

/// Whose keys a route manages, with CloudAPI's action names for it.
struct Keyring {
    owner: pb::KeyOwner,
    /// `/<account>` or `/<account>/users/<user>`, for `Location`.
    base: String,
    /// "" for account keys, "user" for user keys (`listkeys` / `listuserkeys`).
    infix: &'static str,
    /// The path's user, to report it missing.
    user: Option<String>,
}

impl Keyring {
    fn account(ctx: &Ctx) -> Self {
        Self {
            owner: pb::KeyOwner {
                owner: Some(Owner::Account(true)),
            },
            base: format!("/{}", ctx.caller.account),
            infix: "",
            user: None,
        }
    }

    fn user(ctx: &Ctx, user: &str) -> Self {
        Self {
            owner: pb::KeyOwner {
                owner: Some(Owner::User(user_key(user))),
            },
            base: format!("/{}/users/{}", ctx.caller.account, encode_segment(user)),
            infix: "user",
            user: Some(user.to_owned()),
        }
    }

    fn action(&self, verb: &str) -> String {
        format!("{verb}{}key", self.infix)
    }

    /// A core error: an unknown user or key is CloudAPI's ResourceNotFound.
    fn error(&self, s: &tonic::Status, key: Option<&str>) -> ApiError {
        let e = CoreError::from(s);
        let what = self
            .user
            .clone()
            .filter(|_| e.is(ErrorReason::UserNotFound))
            .or_else(|| key.map(str::to_owned))
            .unwrap_or_default();
        or_not_found(e, || format!("{what} does not exist"))
    }
}

async fn list_keys(
    ctx: &Ctx,
    ring: &Keyring,
    account: &str,
    p: &Params,
) -> Result<Response, ApiError> {
    ctx.authorize(account, &format!("list{}keys", ring.infix), p)
        .await?;
    let req = pb::ListKeysRequest {
        owner: Some(ring.owner.clone()),
    };
    let keys = ctx
        .core
        .keys()
        .list_keys(req)
        .await
        .map_err(|s| ring.error(&s, None))?
        .into_inner()
        .keys;
    Ok(ok(&keys.iter().map(Key::from).collect::<Vec<_>>()))
}

async fn get_key(
    ctx: &Ctx,
    ring: &Keyring,
    account: &str,
    key: &str,
    p: &Params,
) -> Result<Response, ApiError> {
    ctx.authorize(account, &ring.action("get"), p).await?;
    let req = pb::GetKeyRequest {
        owner: Some(ring.owner.clone()),
        name_or_fingerprint: key.to_owned(),
    };
    let k = ctx
        .core
        .keys()
        .get_key(req)
        .await
        .map_err(|s| ring.error(&s, Some(key)))?
        .into_inner();
    Ok(ok(&Key::from(&k)))
}

async fn create_key(
    ctx: &Ctx,
    ring: &Keyring,
    account: &str,
    p: &Params,
) -> Result<Response, ApiError> {
    ctx.authorize(account, &ring.action("create"), p).await?;
    let line = match p.get("key") {
        None | Some(Value::Null) => return Err(ApiError::missing("key is a required argument")),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(ApiError::invalid("key must be a String")),
    };
    if line.split_whitespace().count() < 2 {
        return Err(ApiError::invalid("key is invalid"));
    }
    let req = pb::CreateKeyRequest {
        owner: Some(ring.owner.clone()),
        public_key: line,
        name: p.text("name").unwrap_or_default(),
    };
    let k = ctx.core.keys().create_key(req).await.map_err(|s| {
        let e = CoreError::from(&s);
        if e.kind == Kind::Taken {
            ApiError::invalid("key already exists or is invalid")
        } else if e.code == tonic::Code::InvalidArgument {
            ApiError::invalid("key is invalid")
        } else {
            ring.error(&s, None)
        }
    })?;
    let k = k.into_inner();
    let location = format!("{}/keys/{}", ring.base, encode_segment(&k.fingerprint));
    Ok(created(&Key::from(&k), &location))
}

async fn delete_key(
    ctx: &Ctx,
    ring: &Keyring,
    account: &str,
    key: &str,
    p: &Params,
) -> Result<Response, ApiError> {
    ctx.authorize(account, &ring.action("delete"), p).await?;
    let req = pb::DeleteKeyRequest {
        owner: Some(ring.owner.clone()),
        name_or_fingerprint: key.to_owned(),
    };
    ctx.core
        .keys()
        .delete_key(req)
        .await
        .map_err(|s| ring.error(&s, Some(key)))?;
    Ok(no_content())
}

#[utoipa::path(
    get,
    path = "/{account}/keys",
    operation_id = "cloudapi_ListKeys",
    summary = "Lists the account's SSH keys.",
    params(doc::AccountPath, doc::AsRole),
    responses((status = 200, description = "The keys.", body = [Key]), doc::Errors),
)]
pub(crate) async fn list(
    ctx: Ctx,
    Path(account): Path<String>,
    AnyParams(p): AnyParams,
) -> Result<Response, ApiError> {
    list_keys(&ctx, &Keyring::account(&ctx), &account, &p).await
}

#[utoipa::path(
    get,
    path = "/{account}/keys/{key}",
    operation_id = "cloudapi_GetKey",
    summary = "Reads an account key by name or fingerprint.",
    params(doc::AccountPath, doc::KeyPath, doc::AsRole),
    responses((status = 200, description = "The key.", body = Key), doc::Errors),
)]
pub(crate) async fn get(
    ctx: Ctx,
    Path((account, key)): Path<(String, String)>,
    AnyParams(p): AnyParams,
) -> Result<Response, ApiError> {
    get_key(&ctx, &Keyring::account(&ctx), &account, &key, &p).await
}

#[utoipa::path(
    post,
    path = "/{account}/keys",
    operation_id = "cloudapi_CreateKey",
    summary = "Registers an account SSH key.",
    params(doc::AccountPath, doc::AsRole),
    request_body = doc::CreateKey,
    responses((status = 201, description = "Registered.", body = Key), doc::Errors),
)]
pub(crate) async fn create(
    ctx: Ctx,
    Path(account): Path<String>,
    JsonParams(p): JsonParams,
) -> Result<Response, ApiError> {
    create_key(&ctx, &Keyring::account(&ctx), &account, &p).await
}

#[utoipa::path(
    delete,
    path = "/{account}/keys/{key}",
    operation_id = "cloudapi_DeleteKey",
    summary = "Deletes an account key.",
    params(doc::AccountPath, doc::KeyPath, doc::AsRole),
    responses((status = 204, description = "Deleted."), doc::Errors),
)]
pub(crate) async fn delete(
    ctx: Ctx,
    Path((account, key)): Path<(String, String)>,
    AnyParams(p): AnyParams,
) -> Result<Response, ApiError> {
    delete_key(&ctx, &Keyring::account(&ctx), &account, &key, &p).await
}

#[utoipa::path(
    get,
    path = "/{account}/users/{user}/keys",
    operation_id = "cloudapi_ListUserKeys",
    summary = "Lists a sub-user's SSH keys.",
    params(doc::AccountPath, doc::UserPath, doc::AsRole),
    responses((status = 200, description = "The keys.", body = [Key]), doc::Errors),
)]
pub(crate) async fn list_user(
    ctx: Ctx,
    Path((account, user)): Path<(String, String)>,
    AnyParams(p): AnyParams,
) -> Result<Response, ApiError> {
    list_keys(&ctx, &Keyring::user(&ctx, &user), &account, &p).await
}

#[utoipa::path(
    get,
    path = "/{account}/users/{user}/keys/{key}",
    operation_id = "cloudapi_GetUserKey",
    summary = "Reads a sub-user's key by name or fingerprint.",
    params(doc::AccountPath, doc::UserPath, doc::KeyPath, doc::AsRole),
    responses((status = 200, description = "The key.", body = Key), doc::Errors),
)]
pub(crate) async fn get_user(
    ctx: Ctx,
    Path((account, user, key)): Path<(String, String, String)>,
    AnyParams(p): AnyParams,
) -> Result<Response, ApiError> {
    get_key(&ctx, &Keyring::user(&ctx, &user), &account, &key, &p).await
}

#[utoipa::path(
    post,
    path = "/{account}/users/{user}/keys",
    operation_id = "cloudapi_CreateUserKey",
    summary = "Registers a sub-user's SSH key.",
    params(doc::AccountPath, doc::UserPath, doc::AsRole),
    request_body = doc::CreateKey,
    responses((status = 201, description = "Registered.", body = Key), doc::Errors),
)]
pub(crate) async fn create_user(
    ctx: Ctx,
    Path((account, user)): Path<(String, String)>,
    JsonParams(p): JsonParams,
) -> Result<Response, ApiError> {
    create_key(&ctx, &Keyring::user(&ctx, &user), &account, &p).await
}

#[utoipa::path(
    delete,
    path = "/{account}/users/{user}/keys/{key}",
    operation_id = "cloudapi_DeleteUserKey",
    summary = "Deletes a sub-user's key.",
    params(doc::AccountPath, doc::UserPath, doc::KeyPath, doc::AsRole),
    responses((status = 204, description = "Deleted."), doc::Errors),
)]
pub(crate) async fn delete_user(
    ctx: Ctx,
    Path((account, user, key)): Path<(String, String, String)>,
    AnyParams(p): AnyParams,
) -> Result<Response, ApiError> {
    delete_key(&ctx, &Keyring::user(&ctx, &user), &account, &key, &p).await
}
