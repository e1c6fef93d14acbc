//! What every signed CloudAPI handler starts from: the caller, the request id and path, and
//! the checks of `lib/auth.js` `authorize`: the path's account, then RBAC for sub-users.

use super::CloudApi;
use super::auth::{Caller, Grant};
use super::error::ApiError;
use super::params::{Bodies, Params};
use crate::RequestId;
use crate::core_error::{CoreError, Kind};
use crate::session::preconditions::IfMatch;
use crate::session::{Core, body};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use http::request::Parts;
use roster_proto::v1 as pb;

/// A signed request's context.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub(crate) caller: Caller,
    /// The core, as this caller reaches it: with its token, and with the roles the request
    /// asks to act with (`?as-role=`), which the core's policy decides with.
    pub(crate) core: Core,
    /// The request path, for CloudAPI's permission messages.
    pub(crate) path: String,
}

impl FromRequestParts<CloudApi> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        api: &CloudApi,
    ) -> Result<Self, Self::Rejection> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(ApiError::internal)?;
        let as_role = parts
            .uri
            .query()
            .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "as-role"))
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty());
        let core = Core::anonymous(&api.state.upstream, &RequestId::of(parts))
            .with_token(&caller.token.token);
        // Before the roles it acts with: whose keys they are depends on the credential only.
        core.admit().await.map_err(|_| ApiError::internal())?;
        let core = core.acting_as(as_role.as_deref());
        Ok(Self {
            caller,
            core,
            path: parts.uri.path().to_owned(),
        })
    }
}

async fn params(req: Request, bodies: Bodies) -> Result<Params, ApiError> {
    let (parts, body) = req.into_parts();
    let bytes = body::read(body, &bodies.rules())
        .await
        .map_err(|_| ApiError::invalid_content("request body too large or unreadable"))?;
    Params::parse(parts.uri.query(), &parts.headers, &bytes, bodies)
}

/// The bodies a [`Signed`] route reads: JSON or form ([`Any`]) or JSON only ([`Json`]).
pub(crate) trait Reads {
    const BODIES: Bodies;
}

/// JSON or `application/x-www-form-urlencoded`.
#[derive(Debug)]
pub(crate) struct Any;

/// JSON only (routes that declare `application/json`).
#[derive(Debug)]
pub(crate) struct Json;

impl Reads for Any {
    const BODIES: Bodies = Bodies::JsonOrForm;
}

impl Reads for Json {
    const BODIES: Bodies = Bodies::Json;
}

/// A signed request on `/:account/...`, not yet allowed. Its context is reachable only
/// through [`Signed::allow`], so no handler can skip the early check of the path's account
/// and the route's action (CloudAPI's status order; the core's policy decides again on every
/// call it makes).
#[derive(Debug)]
pub(crate) struct Signed<B> {
    ctx: Ctx,
    account: String,
    /// What the path names after the account (`{user}`, `{role}`, `{policy}`, `{key}`), in
    /// order.
    names: Vec<String>,
    p: Params,
    if_match: Option<IfMatch>,
    reads: std::marker::PhantomData<B>,
}

/// A signed request the caller may make.
#[derive(Debug)]
pub(crate) struct Allowed {
    pub(crate) ctx: Ctx,
    pub(crate) p: Params,
    /// What the path names first after the account, `""` when nothing.
    pub(crate) target: String,
    /// Everything the path names after the account, in order.
    pub(crate) names: Vec<String>,
    /// The request's `If-Match`, for the writes that honour it.
    pub(crate) if_match: Option<IfMatch>,
}

impl<B> Signed<B> {
    /// The request, once the caller may run `action` on the path's account.
    pub(crate) async fn allow(self, action: &str) -> Result<Allowed, ApiError> {
        self.ctx.authorize(&self.account, action, &self.p).await?;
        Ok(Allowed {
            ctx: self.ctx,
            p: self.p,
            target: self.names.first().cloned().unwrap_or_default(),
            names: self.names,
            if_match: self.if_match,
        })
    }
}

impl<B: Reads> FromRequest<CloudApi> for Signed<B> {
    type Rejection = ApiError;

    async fn from_request(req: Request, api: &CloudApi) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, api).await?;
        let Path(segments) = Path::<Vec<(String, String)>>::from_request_parts(&mut parts, api)
            .await
            .map_err(|_| ApiError::internal())?;
        let mut values = segments.into_iter().map(|(_, v)| v);
        let account = values.next().unwrap_or_default();
        let names = values.collect();
        let if_match = IfMatch::of(&parts.headers);
        let p = params(Request::from_parts(parts, body), B::BODIES).await?;
        Ok(Self {
            ctx,
            account,
            names,
            p,
            if_match,
            reads: std::marker::PhantomData,
        })
    }
}

impl Ctx {
    /// May the caller run `action` on `account`'s resources?
    pub(crate) async fn authorize(
        &self,
        account: &str,
        action: &str,
        params: &Params,
    ) -> Result<(), ApiError> {
        if account != "my" && !account.eq_ignore_ascii_case(&self.caller.account) {
            return Err(self.foreign_account(account, action).await);
        }
        if self.caller.is_owner {
            return Ok(());
        }
        let active = self.active_roles(params.text("as-role").as_deref(), action)?;
        if active
            .iter()
            .any(|g| g.actions.contains(action) || g.actions.contains("*"))
        {
            Ok(())
        } else {
            Err(self.denied(action))
        }
    }

    fn denied(&self, action: &str) -> ApiError {
        ApiError::not_authorized(format!(
            "You do not have permission to access {} ({action})",
            self.path
        ))
    }

    /// The roles in force: those named by `as-role` (each must be one of the caller's), or
    /// the caller's default roles.
    fn active_roles(&self, as_role: Option<&str>, action: &str) -> Result<Vec<&Grant>, ApiError> {
        match as_role.filter(|s| !s.is_empty()) {
            None => Ok(self.caller.grants.iter().filter(|g| g.default).collect()),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(|name| {
                    self.caller
                        .grants
                        .iter()
                        .find(|g| g.name == name)
                        .ok_or_else(|| self.denied(action))
                })
                .collect(),
        }
    }

    /// Another tenant's path: 403 when it exists, 404 when it does not (CloudAPI's
    /// `loadAccount` then `authorize`).
    async fn foreign_account(&self, account: &str, action: &str) -> ApiError {
        let req = pb::GetTenantRequest {
            key: Some(pb::get_tenant_request::Key::Login(account.to_owned())),
        };
        match self
            .core
            .tenants()
            .get_tenant(req)
            .await
            .map_err(CoreError::from)
        {
            Err(e) if e.kind == Kind::NotFound || e.is_malformed_key() => {
                ApiError::not_found(format!("{account} does not exist"))
            }
            Ok(_) | Err(_) => self.denied(action),
        }
    }
}

/// How CloudAPI names a user in a path: its id (a UUID) or its login.
pub(crate) fn user_key(user: &str) -> pb::UserKey {
    let key = if uuid::Uuid::try_parse(user).is_ok() {
        pb::user_key::Key::Id(user.to_owned())
    } else {
        pb::user_key::Key::Login(user.to_owned())
    };
    pb::UserKey { key: Some(key) }
}
