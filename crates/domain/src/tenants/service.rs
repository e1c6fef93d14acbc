//! Tenant use cases.

use super::port::TenantRepository;
use super::{NewTenant, NewTenantRecord, Tenant, TenantKey};
use crate::authz::{Action, Denied, Principal};
use crate::secrets::Secrets;
use crate::users::{AccessLevel, NewUser, NewUserRecord, User};
use crate::values::{CompanyId, Login, TenantLogin};
use crate::{Clock, StorageError, TenantId, UserId};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum CreateTenantError {
    #[error("tenant login '{0}' is already taken")]
    LoginTaken(TenantLogin),
    #[error("company id {0} is already taken")]
    CompanyIdTaken(CompanyId),
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetTenantError {
    #[error("tenant not found")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteTenantError {
    #[error("tenant not found")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A new tenant and the credentials that are shown only now.
#[derive(Debug)]
pub struct CreatedTenant {
    pub tenant: Tenant,
    pub admin: User,
    pub admin_secret: String,
    pub integration_key: String,
    pub organization_secret: String,
}

#[derive(Debug)]
pub struct TenantService<R> {
    repo: R,
    secrets: Arc<dyn Secrets>,
    clock: Arc<dyn Clock>,
}

impl<R: Clone> Clone for TenantService<R> {
    fn clone(&self) -> Self {
        Self {
            repo: self.repo.clone(),
            secrets: Arc::clone(&self.secrets),
            clock: Arc::clone(&self.clock),
        }
    }
}

impl<R: TenantRepository> TenantService<R> {
    pub fn new(repo: R, secrets: Arc<dyn Secrets>, clock: Arc<dyn Clock>) -> Self {
        Self {
            repo,
            secrets,
            clock,
        }
    }

    /// Creates the tenant and its owner, an administrator whose login is the tenant login.
    pub async fn create(
        &self,
        who: &Principal,
        new: NewTenant,
    ) -> Result<CreatedTenant, CreateTenantError> {
        crate::authz::authorize(who, Action::AdministerTenants, None)?;
        let now = self.clock.now();
        let owner_id = UserId::generate();
        let admin_secret = self.secrets.user_secret(owner_id);
        let organization_secret = self.secrets.generate();
        let integration_key = self.secrets.generate();

        let mut owner = NewUser::new(new.admin_email);
        // A tenant login is always a valid user login (a stricter charset).
        owner.login = Login::parse(new.login.as_str()).ok();
        owner.access_level = AccessLevel::Admin;
        let record = NewTenantRecord {
            id: TenantId::generate(),
            name: new.name.unwrap_or_else(|| new.login.as_str().to_owned()),
            login: new.login,
            company_id: new.company_id,
            organization_secret_digest: self.secrets.digest(&organization_secret),
            integration_key_digest: self.secrets.digest(&integration_key),
            owner: NewUserRecord {
                id: owner_id,
                user: owner,
                password_hash: None,
                secret_digest: self.secrets.digest(&admin_secret),
                now,
            },
            owner_keys: new.owner_keys,
            now,
        };
        let (tenant, admin) = self.repo.create_tenant(record).await?;
        Ok(CreatedTenant {
            tenant,
            admin,
            admin_secret,
            integration_key,
            organization_secret,
        })
    }

    /// A tenant: the operator reads any, a tenant's callers their own. Another existing
    /// tenant is refused rather than hidden (CloudAPI answers 403 for it, 404 for none).
    pub async fn get(&self, who: &Principal, key: &TenantKey) -> Result<Tenant, GetTenantError> {
        let tenant = self
            .repo
            .get_tenant(key)
            .await?
            .ok_or(GetTenantError::NotFound)?;
        if !who.is_operator() {
            crate::authz::authorize(who, Action::ReadTenant, None)?;
            if who.tenant != Some(tenant.id) {
                return Err(Denied::NotAllowed.into());
            }
        }
        Ok(tenant)
    }

    /// A page of tenants in login order and whether more follow.
    pub async fn list(
        &self,
        who: &Principal,
        after: Option<String>,
        limit: u32,
    ) -> Result<(Vec<Tenant>, bool), GetTenantError> {
        crate::authz::authorize(who, Action::AdministerTenants, None)?;
        let mut tenants = self
            .repo
            .list_tenants(after, limit.saturating_add(1))
            .await?;
        let more = tenants.len() > limit as usize;
        tenants.truncate(limit as usize);
        Ok((tenants, more))
    }

    pub async fn delete(&self, who: &Principal, id: TenantId) -> Result<(), DeleteTenantError> {
        crate::authz::authorize(who, Action::AdministerTenants, None)?;
        if self.repo.delete_tenant(id).await? {
            Ok(())
        } else {
            Err(DeleteTenantError::NotFound)
        }
    }
}
