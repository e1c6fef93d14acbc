//! `roster.v1.SecretKeyService`: users' secret keys (SureCloud's token credential).

use crate::convert::time::to_pb;
use crate::convert::users::key_from_pb;
use crate::core::{Core, Store};
use crate::status::IntoStatus;
use crate::tokens::scopes;
use roster_proto::v1 as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

#[derive(Debug)]
pub struct SecretKeysApi<R> {
    core: Arc<Core<R>>,
}

impl<R> SecretKeysApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

#[tonic::async_trait]
impl<R: Store> pb::secret_key_service_server::SecretKeyService for SecretKeysApi<R> {
    async fn issue_secret_key(
        &self,
        req: Request<pb::IssueSecretKeyRequest>,
    ) -> Result<Response<pb::IssueSecretKeyResponse>, Status> {
        let who = self
            .core
            .principal_for(&req, scopes::SECRET_KEYS_WRITE)
            .await?;
        let user =
            key_from_pb(req.get_ref().user.as_ref(), "user").map_err(IntoStatus::into_status)?;
        let issued = self
            .core
            .secret_keys
            .issue(&who, &user)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(pb::IssueSecretKeyResponse {
            secret_key: issued.secret,
            key_id: issued.key.id.to_string(),
            user_id: issued.key.user.to_string(),
            create_time: Some(to_pb(issued.key.created)),
        }))
    }

    async fn revoke_secret_key(
        &self,
        req: Request<pb::RevokeSecretKeyRequest>,
    ) -> Result<Response<()>, Status> {
        let who = self
            .core
            .principal_for(&req, scopes::SECRET_KEYS_WRITE)
            .await?;
        let user =
            key_from_pb(req.get_ref().user.as_ref(), "user").map_err(IntoStatus::into_status)?;
        self.core
            .secret_keys
            .revoke(&who, &user)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(()))
    }
}
