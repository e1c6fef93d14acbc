//! Role and policy use cases.

use super::model::{
    NewPolicy, NewRole, Policy, PolicyChange, PolicySelector, RbacName, Role, RoleChange,
};
use crate::ports::RbacRepository;
use crate::users::UserKey;
use crate::{Clock, PolicyId, RoleId, StorageError, TenantId};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum RoleError {
    #[error("role not found")]
    NotFound,
    #[error("role '{0}' already exists")]
    Exists(RbacName),
    /// The `index`-th member names no user of the tenant.
    #[error("member {index} names no user")]
    UnknownMember { index: usize, user: UserKey },
    /// The `index`-th policy names no policy of the tenant.
    #[error("{selector} not found")]
    UnknownPolicy {
        index: usize,
        selector: PolicySelector,
    },
    #[error("tenant not found")]
    TenantNotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("policy not found")]
    NotFound,
    #[error("policy '{0}' already exists")]
    Exists(RbacName),
    #[error("tenant not found")]
    TenantNotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug)]
pub struct RbacService<R> {
    repo: R,
    clock: Arc<dyn Clock>,
}

impl<R: Clone> Clone for RbacService<R> {
    fn clone(&self) -> Self {
        Self {
            repo: self.repo.clone(),
            clock: Arc::clone(&self.clock),
        }
    }
}

impl<R: RbacRepository> RbacService<R> {
    pub fn new(repo: R, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    pub async fn list_roles(&self, tenant: TenantId) -> Result<Vec<Role>, StorageError> {
        self.repo.list_roles(tenant).await
    }

    /// A role by id (UUID text) or name.
    pub async fn get_role(&self, tenant: TenantId, id_or_name: &str) -> Result<Role, RoleError> {
        self.repo
            .find_role(tenant, id_or_name)
            .await?
            .ok_or(RoleError::NotFound)
    }

    pub async fn create_role(&self, tenant: TenantId, new: NewRole) -> Result<Role, RoleError> {
        self.repo.create_role(tenant, new, self.clock.now()).await
    }

    pub async fn update_role(
        &self,
        tenant: TenantId,
        id: RoleId,
        changes: &[RoleChange],
    ) -> Result<Role, RoleError> {
        self.repo.update_role(tenant, id, changes).await
    }

    pub async fn delete_role(&self, tenant: TenantId, id: RoleId) -> Result<(), RoleError> {
        if self.repo.delete_role(tenant, id).await? {
            Ok(())
        } else {
            Err(RoleError::NotFound)
        }
    }

    pub async fn list_policies(&self, tenant: TenantId) -> Result<Vec<Policy>, StorageError> {
        self.repo.list_policies(tenant).await
    }

    /// A policy by id (UUID text) or name.
    pub async fn get_policy(
        &self,
        tenant: TenantId,
        id_or_name: &str,
    ) -> Result<Policy, PolicyError> {
        self.repo
            .find_policy(tenant, id_or_name)
            .await?
            .ok_or(PolicyError::NotFound)
    }

    pub async fn create_policy(
        &self,
        tenant: TenantId,
        new: NewPolicy,
    ) -> Result<Policy, PolicyError> {
        self.repo.create_policy(tenant, new, self.clock.now()).await
    }

    pub async fn update_policy(
        &self,
        tenant: TenantId,
        id: PolicyId,
        changes: &[PolicyChange],
    ) -> Result<Policy, PolicyError> {
        self.repo.update_policy(tenant, id, changes).await
    }

    pub async fn delete_policy(&self, tenant: TenantId, id: PolicyId) -> Result<(), PolicyError> {
        if self.repo.delete_policy(tenant, id).await? {
            Ok(())
        } else {
            Err(PolicyError::NotFound)
        }
    }
}
