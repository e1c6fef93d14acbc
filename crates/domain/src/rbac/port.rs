//! The port of the role and policy store.

use super::{NewPolicy, NewRole, Policy, PolicyChange, PolicyError, Role, RoleChange, RoleError};
use crate::authz::StoredAuthority;
use crate::{PolicyId, RoleId, StorageError, TenantId, Timestamp, UserId};
use std::future::Future;

/// Roles, policies and memberships.
pub trait RbacRepository: Send + Sync + 'static {
    /// Roles in name order.
    fn list_roles(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<Vec<Role>, StorageError>> + Send;

    /// The role whose id (UUID text) or name is `id_or_name`.
    fn find_role(
        &self,
        tenant: TenantId,
        id_or_name: &str,
    ) -> impl Future<Output = Result<Option<Role>, StorageError>> + Send;

    /// # Errors
    /// MUST return `Exists` on a name collision, `UnknownMember` / `UnknownPolicy` for
    /// selectors naming nothing; writes nothing then.
    fn create_role(
        &self,
        tenant: TenantId,
        new: NewRole,
        now: Timestamp,
    ) -> impl Future<Output = Result<Role, RoleError>> + Send;

    fn update_role(
        &self,
        tenant: TenantId,
        id: RoleId,
        changes: &[RoleChange],
    ) -> impl Future<Output = Result<Role, RoleError>> + Send;

    /// `false` when there was no such role.
    fn delete_role(
        &self,
        tenant: TenantId,
        id: RoleId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// Policies in name order.
    fn list_policies(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<Vec<Policy>, StorageError>> + Send;

    fn find_policy(
        &self,
        tenant: TenantId,
        id_or_name: &str,
    ) -> impl Future<Output = Result<Option<Policy>, StorageError>> + Send;

    fn create_policy(
        &self,
        tenant: TenantId,
        new: NewPolicy,
        now: Timestamp,
    ) -> impl Future<Output = Result<Policy, PolicyError>> + Send;

    fn update_policy(
        &self,
        tenant: TenantId,
        id: PolicyId,
        changes: &[PolicyChange],
    ) -> impl Future<Output = Result<Policy, PolicyError>> + Send;

    /// Also removes the policy from every role; `false` when there was no such policy.
    fn delete_policy(
        &self,
        tenant: TenantId,
        id: PolicyId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// What the policy needs to know of `user` on every call it makes: status, access level,
    /// authorization epoch, `org-admin`, and its RBAC roles with their actions. `None` when
    /// there is no such user.
    fn authority(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> impl Future<Output = Result<Option<StoredAuthority>, StorageError>> + Send;
}
