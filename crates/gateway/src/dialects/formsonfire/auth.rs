//! `CompanyId` + `IntegrationKey`: exchanged once for a token by the core
//! (`AuthService.Authenticate`), then served from the gateway's token cache until shortly
//! before the token expires, so that a call costs one round trip to the core. Anything wrong
//! or missing is one 401, which never says which part was wrong.

use super::error::FofError;
use crate::core_error::{CoreError, Kind};
use crate::session::{CachedToken, Core, credential_key};
use crate::{AppState, RequestId};
use roster_proto::v1 as pb;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) company_id: i64,
    /// The core, as this caller reaches it.
    pub(crate) core: Core,
}

/// The credential, wherever the request carried it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Credential {
    pub(crate) company_id: Option<String>,
    pub(crate) integration_key: Option<String>,
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
    let anonymous = Core::anonymous(&state.upstream, rid);
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
            let r = anonymous
                .auth()
                .authenticate(req)
                .await
                .map_err(|s| match CoreError::from(s) {
                    e if matches!(e.kind, Kind::Unauthenticated | Kind::Forbidden)
                        || e.code == tonic::Code::InvalidArgument =>
                    {
                        FofError::unauthorized()
                    }
                    e => FofError::from(e),
                })?
                .into_inner();
            Ok::<_, FofError>(CachedToken::authenticated(r))
        })
        .await?;
    let core = anonymous.with_token(&token.token);
    core.admit().await.map_err(|_| FofError::internal())?;
    Ok(Session { company_id, core })
}
