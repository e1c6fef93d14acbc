//! [`RbacRepository`] on sea-orm: roles, policies and their memberships. Lists load members
//! and policies of every role in one query each.
//!
//! The trait is implemented here, where every method gets its span; the work is in one file
//! per concern.

mod authority;
mod policies;
mod role_links;
mod roles;

use crate::Store;
use roster_domain::authz::StoredAuthority;
use roster_domain::ports::RbacRepository;
use roster_domain::rbac::{
    NewPolicy, NewRole, Policy, PolicyChange, PolicyError, Role, RoleChange, RoleError,
};
use roster_domain::{PolicyId, RoleId, StorageError, TenantId, Timestamp, UserId};
use sea_orm::{ColumnTrait, Condition};

/// `id = x OR name = x` when `x` is a UUID, `name = x` otherwise.
fn id_or_name<C: ColumnTrait>(
    id: C,
    name: C,
    tenant_col: C,
    tenant: TenantId,
    key: &str,
) -> Condition {
    let by = match uuid::Uuid::try_parse(key) {
        Ok(u) => Condition::any().add(id.eq(u)).add(name.eq(key)),
        Err(_) => Condition::any().add(name.eq(key)),
    };
    Condition::all()
        .add(tenant_col.eq(tenant.as_uuid()))
        .add(by)
}

impl RbacRepository for Store {
    #[tracing::instrument(name = "db.rbac.list_roles", skip_all, fields(db.system = self.system()))]
    async fn list_roles(&self, tenant: TenantId) -> Result<Vec<Role>, StorageError> {
        roles::list(self, tenant).await
    }

    #[tracing::instrument(name = "db.rbac.find_role", skip_all, fields(db.system = self.system()))]
    async fn find_role(&self, tenant: TenantId, key: &str) -> Result<Option<Role>, StorageError> {
        roles::find(self, tenant, key).await
    }

    #[tracing::instrument(name = "db.rbac.create_role", skip_all, fields(db.system = self.system()))]
    async fn create_role(
        &self,
        tenant: TenantId,
        new: NewRole,
        now: Timestamp,
    ) -> Result<Role, RoleError> {
        roles::create(self, tenant, new, now).await
    }

    #[tracing::instrument(name = "db.rbac.update_role", skip_all, fields(db.system = self.system()))]
    async fn update_role(
        &self,
        tenant: TenantId,
        id: RoleId,
        changes: &[RoleChange],
    ) -> Result<Role, RoleError> {
        roles::update(self, tenant, id, changes).await
    }

    #[tracing::instrument(name = "db.rbac.delete_role", skip_all, fields(db.system = self.system()))]
    async fn delete_role(&self, tenant: TenantId, id: RoleId) -> Result<bool, StorageError> {
        roles::delete(self, tenant, id).await
    }

    #[tracing::instrument(name = "db.rbac.list_policies", skip_all, fields(db.system = self.system()))]
    async fn list_policies(&self, tenant: TenantId) -> Result<Vec<Policy>, StorageError> {
        policies::list(self, tenant).await
    }

    #[tracing::instrument(name = "db.rbac.find_policy", skip_all, fields(db.system = self.system()))]
    async fn find_policy(
        &self,
        tenant: TenantId,
        key: &str,
    ) -> Result<Option<Policy>, StorageError> {
        policies::find(self, tenant, key).await
    }

    #[tracing::instrument(name = "db.rbac.create_policy", skip_all, fields(db.system = self.system()))]
    async fn create_policy(
        &self,
        tenant: TenantId,
        new: NewPolicy,
        now: Timestamp,
    ) -> Result<Policy, PolicyError> {
        policies::create(self, tenant, new, now).await
    }

    #[tracing::instrument(name = "db.rbac.update_policy", skip_all, fields(db.system = self.system()))]
    async fn update_policy(
        &self,
        tenant: TenantId,
        id: PolicyId,
        changes: &[PolicyChange],
    ) -> Result<Policy, PolicyError> {
        policies::update(self, tenant, id, changes).await
    }

    #[tracing::instrument(name = "db.rbac.delete_policy", skip_all, fields(db.system = self.system()))]
    async fn delete_policy(&self, tenant: TenantId, id: PolicyId) -> Result<bool, StorageError> {
        policies::delete(self, tenant, id).await
    }

    #[tracing::instrument(name = "db.rbac.authority", skip_all, fields(db.system = self.system()))]
    async fn authority(
        &self,
        tenant: TenantId,
        user_id: UserId,
    ) -> Result<Option<StoredAuthority>, StorageError> {
        authority::authority(self.connection(), tenant, user_id).await
    }
}
