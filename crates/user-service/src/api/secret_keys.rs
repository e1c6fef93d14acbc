//! `roster.v1.SecretKeyService`: users' secret keys (SureCloud's token credential) and where
//! they may be used from.

use crate::convert::time::to_pb;
use crate::convert::users::key_from_pb;
use crate::core::{Core, Store};
use crate::status::IntoStatus;
use crate::tokens::scopes;
use roster_domain::authz::Principal;
use roster_domain::secret_keys::AddressRestrictions;
use roster_domain::users::UserKey;
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

impl<R: Store> SecretKeysApi<R> {
    /// The caller, provided its token carries `scope`, and the user `user` names.
    async fn who_and_user<T: Sync>(
        &self,
        req: &Request<T>,
        scope: &str,
        user: Option<&pb::UserKey>,
    ) -> Result<(Principal, UserKey), Status> {
        let who = self.core.principal_for(req, scope).await?;
        let user = key_from_pb(user, "user").map_err(IntoStatus::into_status)?;
        Ok((who, user))
    }
}

fn restrictions_to_pb(
    user: &roster_domain::users::User,
    list: &AddressRestrictions,
) -> pb::SecretKeyRestrictions {
    pb::SecretKeyRestrictions {
        user_id: user.id.to_string(),
        allow: list.to_strings(),
    }
}

#[tonic::async_trait]
impl<R: Store> pb::secret_key_service_server::SecretKeyService for SecretKeysApi<R> {
    async fn issue_secret_key(
        &self,
        req: Request<pb::IssueSecretKeyRequest>,
    ) -> Result<Response<pb::IssueSecretKeyResponse>, Status> {
        self.core
            .once(req, |req| async move {
                let (who, user) = self
                    .who_and_user(&req, scopes::SECRET_KEYS_WRITE, req.get_ref().user.as_ref())
                    .await?;
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
            })
            .await
    }

    async fn revoke_secret_key(
        &self,
        req: Request<pb::RevokeSecretKeyRequest>,
    ) -> Result<Response<()>, Status> {
        self.core
            .once(req, |req| async move {
                let (who, user) = self
                    .who_and_user(&req, scopes::SECRET_KEYS_WRITE, req.get_ref().user.as_ref())
                    .await?;
                self.core
                    .secret_keys
                    .revoke(&who, &user)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(()))
            })
            .await
    }

    async fn get_secret_key_restrictions(
        &self,
        req: Request<pb::GetSecretKeyRestrictionsRequest>,
    ) -> Result<Response<pb::SecretKeyRestrictions>, Status> {
        let (who, user) = self
            .who_and_user(&req, scopes::USERS_READ, req.get_ref().user.as_ref())
            .await?;
        let (user, list) = self
            .core
            .secret_keys
            .restrictions(&who, &user)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(restrictions_to_pb(&user, &list)))
    }

    async fn set_secret_key_restrictions(
        &self,
        req: Request<pb::SetSecretKeyRestrictionsRequest>,
    ) -> Result<Response<pb::SecretKeyRestrictions>, Status> {
        self.core
            .once(req, |req| async move {
                let (who, user) = self
                    .who_and_user(&req, scopes::SECRET_KEYS_WRITE, req.get_ref().user.as_ref())
                    .await?;
                let list = AddressRestrictions::parse(&req.get_ref().allow, "allow")
                    .map_err(IntoStatus::into_status)?;
                let user = self
                    .core
                    .secret_keys
                    .restrict(&who, &user, &list)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(restrictions_to_pb(&user, &list)))
            })
            .await
    }
}
