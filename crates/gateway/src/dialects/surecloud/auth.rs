//! `Authorization: Bearer <JWT>`, the token `POST /restful/v1/token` returned. The gateway
//! cannot check a token itself (the core holds the keys), so the first request with a token
//! asks the core (`AuthService.IntrospectToken`) and the answer is cached until shortly
//! before the token expires: a PATCH then costs one round trip. The core checks the token
//! again on the call itself, secret key included, so a revoked or rotated key is refused at
//! once even while its token is cached here (the entry is then dropped).

use super::SureCloud;
use super::error::ScError;
use crate::core_error::{CoreError, Kind};
use crate::session::Core;
use crate::{CachedToken, RequestId, credential_key};
use http::HeaderMap;
use roster_proto::v1 as pb;

/// A caller whose token the core accepted.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) token: CachedToken,
    key: [u8; 32],
    /// The core, as this caller reaches it.
    pub(crate) core: Core,
}

impl Caller {
    /// A failed core call in SureCloud's words; a refused token (revoked or rotated while
    /// cached here) is forgotten.
    pub(crate) fn refused(&self, api: &SureCloud, s: tonic::Status) -> ScError {
        let e = CoreError::from(s);
        if e.kind == Kind::Unauthenticated {
            api.state.tokens.forget(&self.key);
        }
        ScError::from_core(e)
    }
}

/// The token of a `Bearer` Authorization header (scheme without case).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

async fn introspect(core: &Core, token: &str) -> Result<CachedToken, ScError> {
    let r = core
        .with_token(token)
        .auth()
        .introspect_token(pb::IntrospectTokenRequest {})
        .await
        .map_err(ScError::from_core)?
        .into_inner();
    if r.tenant_id.is_empty() {
        // An installation-admin token acts in no tenant.
        return Err(ScError::unauthorized());
    }
    Ok(CachedToken::introspected(token, r))
}

/// The caller of a request, or 401.
pub(crate) async fn authenticate(
    api: &SureCloud,
    headers: &HeaderMap,
    rid: &RequestId,
) -> Result<Caller, ScError> {
    let token = bearer(headers).ok_or_else(ScError::unauthorized)?;
    let key = credential_key("surecloud", &[token]);
    let anonymous = Core::anonymous(&api.state.upstream, rid);
    let token = api
        .state
        .tokens
        .get_or_fetch(key, || introspect(&anonymous, token))
        .await?;
    let core = anonymous.with_token(&token.token);
    core.admit().await.map_err(|_| ScError::internal())?;
    Ok(Caller { token, key, core })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn only_a_bearer_header_with_a_token_counts() {
        let h = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                http::header::AUTHORIZATION,
                HeaderValue::from_str(v).unwrap(),
            );
            h
        };
        assert_eq!(bearer(&h("Bearer abc.def.ghi")), Some("abc.def.ghi"));
        assert_eq!(bearer(&h("bearer  abc")), Some("abc"));
        for bad in ["Bearer", "Bearer ", "Basic abc", "abc"] {
            assert_eq!(bearer(&h(bad)), None, "{bad}");
        }
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
