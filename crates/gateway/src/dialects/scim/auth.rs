//! `Authorization: Bearer <provisioning token>`: a tenant's provisioning token
//! (`roster scim-token issue`), exchanged with the core (`AuthService.Authenticate`) for a
//! core token that is cached per credential, so a call costs one round trip. The core checks
//! on every call that the provisioning token is not revoked; a cached token it refuses is
//! forgotten here, so the next request authenticates afresh (and a revoked token gets 401).

use super::Scim;
use super::error::ScimError;
use crate::core_error::{CoreError, Kind};
use crate::session::Core;
use crate::{CachedToken, RequestId, credential_key};
use axum::extract::FromRequestParts;
use http::HeaderMap;
use http::request::Parts;
use roster_proto::v1 as pb;

/// A request from an identity provider whose provisioning token the core accepted.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// The core, as this caller reaches it.
    pub(crate) core: Core,
    key: [u8; 32],
    api: Scim,
}

impl Ctx {
    /// A failed core call in SCIM's words; `missing` is the 404 text. A refused token is
    /// forgotten.
    pub(crate) fn refused(&self, s: tonic::Status, missing: &str) -> ScimError {
        let e = CoreError::from(s);
        if e.kind == Kind::Unauthenticated {
            self.api.state.tokens.forget(&self.key);
        }
        ScimError::from_core(&e, missing)
    }

    pub(crate) fn api(&self) -> &Scim {
        &self.api
    }
}

/// The token of a `Bearer` Authorization header (scheme without case).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

async fn authenticate(core: &Core, token: String) -> Result<CachedToken, ScimError> {
    let request = pb::AuthenticateRequest {
        credential: Some(pb::authenticate_request::Credential::ProvisioningToken(
            token,
        )),
    };
    let r = core
        .auth()
        .authenticate(request)
        .await
        .map_err(|s| match CoreError::from(s) {
            e if matches!(e.kind, Kind::Unauthenticated | Kind::Forbidden) => {
                ScimError::unauthorized()
            }
            e => ScimError::from_core(&e, "Not found"),
        })?
        .into_inner();
    Ok(CachedToken::authenticated(r))
}

impl FromRequestParts<Scim> for Ctx {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, api: &Scim) -> Result<Self, Self::Rejection> {
        let rid = RequestId::of(parts);
        let token = bearer(&parts.headers)
            .ok_or_else(ScimError::unauthorized)?
            .to_owned();
        let key = credential_key("scim", &[&token]);
        let anonymous = Core::anonymous(&api.state.upstream, &rid);
        let cached = api
            .state
            .tokens
            .sign_in(key, crate::session::wants_fresh(parts), || {
                authenticate(&anonymous, token)
            })
            .await?;
        let core = anonymous.with_token(&cached.token);
        core.admit().await.map_err(|_| ScimError::internal())?;
        Ok(Self {
            core,
            key,
            api: api.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn only_a_bearer_header_with_a_token_is_read() {
        let of = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                http::header::AUTHORIZATION,
                HeaderValue::from_str(v).unwrap(),
            );
            bearer(&h).map(str::to_owned)
        };
        assert_eq!(of("Bearer abc").as_deref(), Some("abc"));
        assert_eq!(of("bearer  abc ").as_deref(), Some("abc"));
        assert_eq!(of("Basic abc"), None);
        assert_eq!(of("Bearer "), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
