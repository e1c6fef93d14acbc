//! Making, listing and revoking provisioning tokens.

use super::port::ProvisioningTokenRepository;
use super::{IssuedProvisioningToken, ProvisioningToken, ProvisioningTokenName, bearer};
use crate::authz::{Action, Principal};
use crate::secrets::Secrets;
use crate::{Clock, FieldViolations, ProvisioningTokenId, StorageError};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum ProvisioningTokenError {
    #[error("invalid request: {0}")]
    Invalid(FieldViolations),
    /// The caller's tenant no longer exists.
    #[error("tenant not found")]
    TenantNotFound,
    #[error("provisioning token not found")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The provisioning token use cases. Every one is the policy's
/// [`Action::ManageProvisioningTokens`]: the tenant's owner and the operator only, and never
/// with a credential that may not mint. The policy is asked before the request is read, so
/// a caller who may not learns nothing from it.
#[derive(Debug)]
pub struct ProvisioningTokenService<R> {
    repo: R,
    secrets: Arc<dyn Secrets>,
    clock: Arc<dyn Clock>,
}

impl<R: ProvisioningTokenRepository> ProvisioningTokenService<R> {
    pub fn new(repo: R, secrets: Arc<dyn Secrets>, clock: Arc<dyn Clock>) -> Self {
        Self {
            repo,
            secrets,
            clock,
        }
    }

    /// A new token of the caller's tenant, named `name`; its bearer text is returned once.
    ///
    /// # Errors
    /// `Denied`, `Invalid` (field `name`), or `TenantNotFound`.
    pub async fn create(
        &self,
        who: &Principal,
        name: &str,
    ) -> Result<IssuedProvisioningToken, ProvisioningTokenError> {
        let tenant = who.authorized(Action::ManageProvisioningTokens)?;
        let name = ProvisioningTokenName::parse(name)
            .map_err(|e| ProvisioningTokenError::Invalid(FieldViolations::single("name", e)))?;
        let secret = self.secrets.generate();
        let token = ProvisioningToken {
            id: ProvisioningTokenId::generate(),
            tenant,
            name,
            created: self.clock.now(),
            last_used: None,
        };
        if !self
            .repo
            .create_provisioning_token(&token, &self.secrets.digest(&secret))
            .await?
        {
            return Err(ProvisioningTokenError::TenantNotFound);
        }
        Ok(IssuedProvisioningToken {
            bearer: bearer(token.id, &secret),
            token,
        })
    }

    /// The caller's tenant's tokens, oldest first.
    ///
    /// # Errors
    /// `Denied`.
    pub async fn list(
        &self,
        who: &Principal,
    ) -> Result<Vec<ProvisioningToken>, ProvisioningTokenError> {
        let tenant = who.authorized(Action::ManageProvisioningTokens)?;
        Ok(self.repo.list_provisioning_tokens(tenant).await?)
    }

    /// Deletes the token `id` (a UUID) of the caller's tenant: the tokens exchanged for it
    /// stop working at once.
    ///
    /// # Errors
    /// `Denied`, `Invalid` (field `id`), or `NotFound` when the tenant holds no such token.
    pub async fn revoke(&self, who: &Principal, id: &str) -> Result<(), ProvisioningTokenError> {
        let tenant = who.authorized(Action::ManageProvisioningTokens)?;
        let id = ProvisioningTokenId::parse(id)
            .map_err(|e| ProvisioningTokenError::Invalid(FieldViolations::single("id", e)))?;
        if self.repo.delete_provisioning_token(tenant, id).await? {
            Ok(())
        } else {
            Err(ProvisioningTokenError::NotFound)
        }
    }
}
