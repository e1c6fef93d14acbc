//! `roster.v1.KeyService`.

use crate::convert::rbac::key_to_pb;
use crate::convert::users::key_from_pb;
use crate::core::{Core, Store};
use crate::ssh::parse_public_key;
use crate::status::IntoStatus;
use crate::tokens::scopes;
use roster_domain::FieldViolations;
use roster_domain::keys::KeyOwner;
use roster_proto::v1 as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

#[derive(Debug)]
pub struct KeysApi<R> {
    core: Arc<Core<R>>,
}

impl<R> KeysApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

fn owner(o: Option<&pb::KeyOwner>) -> Result<KeyOwner, Status> {
    use pb::key_owner::Owner;
    match o.and_then(|o| o.owner.as_ref()) {
        Some(Owner::Account(true)) => Ok(KeyOwner::Account),
        Some(Owner::User(k)) => key_from_pb(Some(k), "owner.user")
            .map(KeyOwner::User)
            .map_err(IntoStatus::into_status),
        Some(Owner::Account(false)) | None => {
            Err(FieldViolations::single("owner", "name the account or a user").into_status())
        }
    }
}

fn name_or_fp(raw: &str) -> Result<&str, Status> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldViolations::single("name_or_fingerprint", "is required").into_status());
    }
    Ok(s)
}

#[tonic::async_trait]
impl<R: Store> pb::key_service_server::KeyService for KeysApi<R> {
    async fn list_keys(
        &self,
        req: Request<pb::ListKeysRequest>,
    ) -> Result<Response<pb::ListKeysResponse>, Status> {
        let who = self.core.principal_for(&req, scopes::KEYS_READ).await?;
        let owner = owner(req.get_ref().owner.as_ref())?;
        let keys = self
            .core
            .keys
            .list(&who, &owner)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(pb::ListKeysResponse {
            keys: keys.iter().map(key_to_pb).collect(),
        }))
    }

    async fn get_key(&self, req: Request<pb::GetKeyRequest>) -> Result<Response<pb::Key>, Status> {
        let who = self.core.principal_for(&req, scopes::KEYS_READ).await?;
        let r = req.get_ref();
        let owner = owner(r.owner.as_ref())?;
        let key = self
            .core
            .keys
            .get(&who, &owner, name_or_fp(&r.name_or_fingerprint)?)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(key_to_pb(&key)))
    }

    async fn create_key(
        &self,
        req: Request<pb::CreateKeyRequest>,
    ) -> Result<Response<pb::Key>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::KEYS_WRITE).await?;
                let r = req.get_ref();
                let owner = owner(r.owner.as_ref())?;
                let name = Some(r.name.as_str()).filter(|n| !n.trim().is_empty());
                let key = parse_public_key(&r.public_key, name)
                    .map_err(|e| FieldViolations::single("public_key", e).into_status())?;
                let key = self
                    .core
                    .keys
                    .create(&who, &owner, key)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(key_to_pb(&key)))
            })
            .await
    }

    async fn delete_key(&self, req: Request<pb::DeleteKeyRequest>) -> Result<Response<()>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::KEYS_WRITE).await?;
                let r = req.get_ref();
                let owner = owner(r.owner.as_ref())?;
                self.core
                    .keys
                    .delete(&who, &owner, name_or_fp(&r.name_or_fingerprint)?)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(()))
            })
            .await
    }
}
