//! `CompanyId` + `IntegrationKey`: exchanged once for a token by the core
//! (`AuthService.Authenticate`), then served from the gateway's token cache until shortly
//! before the token expires, so that a call costs one round trip to the core. Anything wrong
//! or missing is one 401, which never says which part was wrong.

use super::error::FofError;
use crate::token_cache::{CachedToken, credential_key};
use crate::upstream::anonymous;
use crate::{AppState, RequestId};
use roster_proto::v1 as pb;
use std::time::{Duration, SystemTime};
use tonic::Code;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) token: CachedToken,
    pub(crate) company_id: i64,
}

/// The credential, wherever the request carried it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Credential {
    pub(crate) company_id: Option<String>,
    pub(crate) integration_key: Option<String>,
}

fn expiry(t: Option<&prost_types::Timestamp>) -> SystemTime {
    t.and_then(|t| u64::try_from(t.seconds).ok())
        .map_or(SystemTime::UNIX_EPOCH, |s| {
            SystemTime::UNIX_EPOCH + Duration::from_secs(s)
        })
}

pub(crate) async fn authenticate(
    state: &AppState,
    rid: &RequestId,
    cred: &Credential,
) -> Result<Session, FofError> {
    let company_id = cred
        .company_id
        .as_deref()
        .and_then(|c| c.trim().parse::<i64>().ok())
        .filter(|c| *c > 0)
        .ok_or_else(FofError::unauthorized)?;
    let key = cred
        .integration_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 512)
        .ok_or_else(FofError::unauthorized)?;
    let cache_key = credential_key("formsonfire", &[&company_id.to_string(), key]);
    let token = state
        .tokens
        .get_or_fetch(cache_key, || async {
            let req = pb::AuthenticateRequest {
                credential: Some(pb::authenticate_request::Credential::IntegrationKey(
                    pb::IntegrationKeyCredential {
                        company_id,
                        integration_key: key.to_owned(),
                    },
                )),
            };
            let r = state
                .upstream
                .auth()
                .authenticate(anonymous(req, rid))
                .await
                .map_err(|s| {
                    let refused = matches!(
                        s.code(),
                        Code::Unauthenticated | Code::PermissionDenied | Code::InvalidArgument
                    );
                    if refused {
                        FofError::unauthorized()
                    } else {
                        FofError::from_status(&s)
                    }
                })?
                .into_inner();
            let expires = expiry(r.expire_time.as_ref());
            Ok::<_, FofError>(CachedToken::new(
                r.token,
                r.tenant_id,
                r.user_id,
                r.scopes,
                expires,
            ))
        })
        .await?;
    Ok(Session { token, company_id })
}
