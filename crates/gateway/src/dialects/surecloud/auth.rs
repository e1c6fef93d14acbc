//! `Authorization: Bearer <JWT>`, the token `POST /restful/v1/token` returned. The gateway
//! cannot check a token itself (the core holds the keys), so the first request with a token
//! asks the core (`AuthService.IntrospectToken`) and the answer is cached until shortly
//! before the token expires: a PATCH then costs one round trip. The core checks the token
//! again on the call itself, secret key included, so a revoked or rotated key is refused at
//! once even while its token is cached here (the entry is then dropped).

use super::SureCloud;
use super::error::ScError;
use crate::upstream::call;
use crate::{CachedToken, RequestId, credential_key};
use http::HeaderMap;
use roster_proto::v1 as pb;
use std::time::{Duration, SystemTime};

/// A caller whose token the core accepted.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) token: CachedToken,
    key: [u8; 32],
}

impl Caller {
    /// A core request carrying the caller's token.
    pub(crate) fn req<T>(&self, message: T, rid: &RequestId) -> tonic::Request<T> {
        call(message, &self.token.token, rid)
    }

    /// The core refused the token after all (revoked or rotated meanwhile): forget it.
    pub(crate) fn forget(&self, api: &SureCloud) {
        api.state.tokens.forget(&self.key);
    }
}

/// The token of a `Bearer` Authorization header (scheme without case).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

async fn introspect(api: &SureCloud, rid: &RequestId, token: &str) -> Result<CachedToken, ScError> {
    let r = api
        .state
        .upstream
        .auth()
        .introspect_token(call(pb::IntrospectTokenRequest {}, token, rid))
        .await
        .map_err(|s| ScError::from_status(&s))?
        .into_inner();
    if r.tenant_id.is_empty() {
        // An installation-admin token acts in no tenant.
        return Err(ScError::unauthorized());
    }
    let expires = r
        .expire_time
        .as_ref()
        .and_then(|t| u64::try_from(t.seconds).ok())
        .map_or(SystemTime::now(), |s| {
            SystemTime::UNIX_EPOCH + Duration::from_secs(s)
        });
    Ok(CachedToken::new(
        token.to_owned(),
        r.tenant_id,
        r.subject,
        r.scopes,
        expires,
    ))
}

/// The caller of a request, or 401.
pub(crate) async fn authenticate(
    api: &SureCloud,
    headers: &HeaderMap,
    rid: &RequestId,
) -> Result<Caller, ScError> {
    let token = bearer(headers).ok_or_else(ScError::unauthorized)?;
    let key = credential_key("surecloud", &[token]);
    let token = api
        .state
        .tokens
        .get_or_fetch(key, || introspect(api, rid, token))
        .await?;
    Ok(Caller { token, key })
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
