//! `roster.v1.ProvisioningTokenService`: a tenant's SCIM provisioning tokens, for its owner
//! (and the operator). Who may is the domain policy's decision
//! (`Action::ManageProvisioningTokens`); the scope `tokens.issue` is only the first gate.

use crate::convert::time::to_pb;
use crate::core::{Core, Store};
use crate::status::IntoStatus;
use crate::tokens::scopes;
use roster_domain::provisioning::ProvisioningToken;
use roster_proto::v1 as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

#[derive(Debug)]
pub struct ProvisioningTokensApi<R> {
    core: Arc<Core<R>>,
}

impl<R> ProvisioningTokensApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

fn token_to_pb(t: &ProvisioningToken) -> pb::ProvisioningToken {
    pb::ProvisioningToken {
        id: t.id.to_string(),
        name: t.name.as_str().to_owned(),
        create_time: Some(to_pb(t.created)),
        last_used_time: t.last_used.map(to_pb),
    }
}

#[tonic::async_trait]
impl<R: Store> pb::provisioning_token_service_server::ProvisioningTokenService
    for ProvisioningTokensApi<R>
{
    async fn create_provisioning_token(
        &self,
        req: Request<pb::CreateProvisioningTokenRequest>,
    ) -> Result<Response<pb::CreateProvisioningTokenResponse>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::TOKENS_ISSUE).await?;
                let issued = self
                    .core
                    .provisioning
                    .create(&who, &req.get_ref().name)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(pb::CreateProvisioningTokenResponse {
                    token: Some(token_to_pb(&issued.token)),
                    secret: issued.bearer,
                }))
            })
            .await
    }

    async fn list_provisioning_tokens(
        &self,
        req: Request<pb::ListProvisioningTokensRequest>,
    ) -> Result<Response<pb::ListProvisioningTokensResponse>, Status> {
        let who = self.core.principal_for(&req, scopes::TOKENS_ISSUE).await?;
        let tokens = self
            .core
            .provisioning
            .list(&who)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(pb::ListProvisioningTokensResponse {
            tokens: tokens.iter().map(token_to_pb).collect(),
        }))
    }

    async fn revoke_provisioning_token(
        &self,
        req: Request<pb::RevokeProvisioningTokenRequest>,
    ) -> Result<Response<()>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::TOKENS_ISSUE).await?;
                self.core
                    .provisioning
                    .revoke(&who, &req.get_ref().id)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(()))
            })
            .await
    }
}
