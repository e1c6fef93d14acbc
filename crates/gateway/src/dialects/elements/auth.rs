//! `Authorization: User <user secret>, Organization <organization secret>` (name and words
//! without case, either order). The core's `AuthService.Authenticate` proves both secrets
//! (the user belongs to the organization and is not disabled); this dialect then admits only
//! organization administrators: holders of the built-in `org-admin` role, and the tenant's
//! owner (who holds it from the start and so can never be locked out). Anyone else gets
//! 401, as the vendor answers. Tokens are cached per credential ([`crate::TokenCache`]), so a
//! call costs one round trip to the core; only administrators' tokens are ever cached.

use super::Elements;
use super::error::ElementsError;
use crate::core_error::{CoreError, Kind};
use crate::session::{Core, wants_fresh};
use crate::{CachedToken, RequestId, credential_key};
use axum::extract::FromRequestParts;
use http::request::Parts;
use roster_proto::v1 as pb;

/// A request from an organization administrator.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub(crate) token: CachedToken,
    /// The core, as this caller reaches it.
    pub(crate) core: Core,
}

/// The two secrets of the header, or `None` when it is not that header.
pub(crate) fn parse_header(value: &str) -> Option<(String, String)> {
    let (mut user, mut org) = (None, None);
    for part in value.split(',') {
        let (word, secret) = part.trim().split_once(char::is_whitespace)?;
        let secret = secret.trim();
        if secret.is_empty() {
            return None;
        }
        let slot = if word.eq_ignore_ascii_case("user") {
            &mut user
        } else if word.eq_ignore_ascii_case("organization") {
            &mut org
        } else {
            return None;
        };
        if slot.replace(secret.to_owned()).is_some() {
            return None;
        }
    }
    Some((user?, org?))
}

async fn authenticate(
    core: &Core,
    user: String,
    org: String,
) -> Result<CachedToken, ElementsError> {
    let request = pb::AuthenticateRequest {
        credential: Some(pb::authenticate_request::Credential::Organization(
            pb::OrganizationCredential {
                user_secret: user,
                organization_secret: org,
            },
        )),
    };
    let r = core
        .auth()
        .authenticate(request)
        .await
        .map_err(|s| match CoreError::from(s) {
            e if matches!(e.kind, Kind::Unauthenticated | Kind::Forbidden) => {
                ElementsError::unauthorized()
            }
            e => ElementsError::from_core(&e, "Not found"),
        })?
        .into_inner();
    if !(r.owner || r.role_keys.iter().any(|k| k == "org-admin")) {
        return Err(ElementsError::unauthorized());
    }
    Ok(CachedToken::authenticated(r))
}

impl FromRequestParts<Elements> for Ctx {
    type Rejection = ElementsError;

    async fn from_request_parts(
        parts: &mut Parts,
        api: &Elements,
    ) -> Result<Self, Self::Rejection> {
        let rid = RequestId::of(parts);
        let (user, org) = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_header)
            .ok_or_else(ElementsError::unauthorized)?;
        let key = credential_key("elements", &[&user, &org]);
        let anonymous = Core::anonymous(&api.state.upstream, &rid);
        let token = api
            .state
            .tokens
            .sign_in(key, wants_fresh(parts), || {
                authenticate(&anonymous, user, org)
            })
            .await?;
        let core = anonymous.with_token(&token.token);
        core.admit().await.map_err(|_| ElementsError::internal())?;
        Ok(Self { token, core })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_takes_both_secrets_in_any_order_and_case() {
        let both = Some(("u=1".to_owned(), "o/2".to_owned()));
        assert_eq!(parse_header("User u=1, Organization o/2"), both);
        assert_eq!(parse_header("organization o/2,user   u=1"), both);
        for bad in [
            "",
            "User u",
            "Organization o",
            "User , Organization o",
            "User u, Organization o, User v",
            "Bearer x",
            "User u, Account o",
        ] {
            assert_eq!(parse_header(bad), None, "{bad}");
        }
    }
}
