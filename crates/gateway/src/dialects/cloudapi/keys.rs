//! SSH keys (`lib/keys.js`) of the account and of sub-users; one set of handlers for both.

use super::context::{Allowed, Any, Ctx, Json, Signed, user_key};
use super::doc;
use super::error::{ApiError, or_not_found};
use super::model::Key;
use super::response::{created, encode_segment, no_content, ok};
use crate::core_error::{CoreError, Kind};
use axum::response::Response;
use roster_proto::v1 as pb;
use roster_proto::v1::ErrorReason;
use roster_proto::v1::key_owner::Owner;
use serde_json::Value;

/// Whose keys a route manages.
#[derive(Debug, Clone, Copy)]
enum Whose {
    Account,
    User,
}

impl Whose {
    /// CloudAPI's action for `verb` on these keys (`getkey`, `getuserkey`, `listuserkeys`).
    fn action(self, verb: &str) -> String {
        let infix = match self {
            Self::Account => "",
            Self::User => "user",
        };
        let plural = if verb == "list" { "s" } else { "" };
        format!("{verb}{infix}key{plural}")
    }
}

/// The keys a request manages, and how to say it.
struct Keyring {
    owner: pb::KeyOwner,
    /// `/<account>` or `/<account>/users/<user>`, for `Location`.
    base: String,
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
            user: None,
        }
    }

    fn user(ctx: &Ctx, user: &str) -> Self {
        Self {
            owner: pb::KeyOwner {
                owner: Some(Owner::User(user_key(user))),
            },
            base: format!("/{}/users/{}", ctx.caller.account, encode_segment(user)),
            user: Some(user.to_owned()),
        }
    }

    /// The keyring the allowed request's path names, and the key it names (if any).
    fn of(whose: Whose, a: &Allowed) -> (Self, String) {
        match whose {
            Whose::Account => (Self::account(&a.ctx), a.target.clone()),
            Whose::User => (
                Self::user(&a.ctx, &a.target),
                a.names.get(1).cloned().unwrap_or_default(),
            ),
        }
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

async fn list_keys(req: Signed<Any>, whose: Whose) -> Result<Response, ApiError> {
    let a = req.allow(&whose.action("list")).await?;
    let (ring, _) = Keyring::of(whose, &a);
    let ctx = &a.ctx;
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

async fn get_key(req: Signed<Any>, whose: Whose) -> Result<Response, ApiError> {
    let a = req.allow(&whose.action("get")).await?;
    let (ring, key) = Keyring::of(whose, &a);
    let (ctx, key) = (&a.ctx, key.as_str());
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

async fn create_key(req: Signed<Json>, whose: Whose) -> Result<Response, ApiError> {
    let a = req.allow(&whose.action("create")).await?;
    let (ring, _) = Keyring::of(whose, &a);
    let (ctx, p) = (&a.ctx, &a.p);
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
        request_id: String::new(),
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

async fn delete_key(req: Signed<Any>, whose: Whose) -> Result<Response, ApiError> {
    let a = req.allow(&whose.action("delete")).await?;
    let (ring, key) = Keyring::of(whose, &a);
    let (ctx, key) = (&a.ctx, key.as_str());
    let req = pb::DeleteKeyRequest {
        owner: Some(ring.owner.clone()),
        name_or_fingerprint: key.to_owned(),
        request_id: String::new(),
    };
    ctx.core
        .keys()
        .delete_key(req)
        .await
        .map_err(|s| ring.error(&s, Some(key)))?;
    Ok(no_content())
}

operations! {
    /// Lists the account's SSH keys.
    list(req: Any) => list_keys(req, Whose::Account),
        get "/{account}/keys" as "cloudapi_ListKeys", 200 "The keys." => [Key];
    /// Reads an account key by name or fingerprint.
    get(req: Any) => get_key(req, Whose::Account),
        get "/{account}/keys/{key}" as "cloudapi_GetKey", 200 "The key." => Key;
    /// Registers an account SSH key.
    create(req: Json) => create_key(req, Whose::Account),
        post "/{account}/keys" as "cloudapi_CreateKey", request_body = doc::CreateKey,
        201 "Registered." => Key;
    /// Deletes an account key.
    delete(req: Any) => delete_key(req, Whose::Account),
        delete "/{account}/keys/{key}" as "cloudapi_DeleteKey", 204 "Deleted.";
    /// Lists a sub-user's SSH keys.
    list_user(req: Any) => list_keys(req, Whose::User),
        get "/{account}/users/{user}/keys" as "cloudapi_ListUserKeys",
        200 "The keys." => [Key];
    /// Reads a sub-user's key by name or fingerprint.
    get_user(req: Any) => get_key(req, Whose::User),
        get "/{account}/users/{user}/keys/{key}" as "cloudapi_GetUserKey",
        200 "The key." => Key;
    /// Registers a sub-user's SSH key.
    create_user(req: Json) => create_key(req, Whose::User),
        post "/{account}/users/{user}/keys" as "cloudapi_CreateUserKey",
        request_body = doc::CreateKey, 201 "Registered." => Key;
    /// Deletes a sub-user's key.
    delete_user(req: Any) => delete_key(req, Whose::User),
        delete "/{account}/users/{user}/keys/{key}" as "cloudapi_DeleteUserKey",
        204 "Deleted.";
}
