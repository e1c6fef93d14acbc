//! The port of the tenant store.

use super::{CreateTenantError, NewTenantRecord, Tenant, TenantKey};
use crate::secrets::SecretDigest;
use crate::users::User;
use crate::values::CompanyId;
use crate::{StorageError, TenantId};
use std::future::Future;

/// Tenants and their credentials.
pub trait TenantRepository: Send + Sync + 'static {
    /// Inserts the tenant, its owner user, the owner's keys and the tenant's built-in roles
    /// (every [`crate::rbac::BuiltInRole`]; the owner holds `org-admin` and `org`), all or
    /// nothing. Assigns the next free company id when none is given.
    ///
    /// # Errors
    /// MUST return `LoginTaken` / `CompanyIdTaken` on collisions.
    fn create_tenant(
        &self,
        record: NewTenantRecord,
    ) -> impl Future<Output = Result<(Tenant, User), CreateTenantError>> + Send;

    fn get_tenant(
        &self,
        key: &TenantKey,
    ) -> impl Future<Output = Result<Option<Tenant>, StorageError>> + Send;

    /// Tenants in login order, after the given login key.
    fn list_tenants(
        &self,
        after: Option<String>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Tenant>, StorageError>> + Send;

    /// Deletes the tenant and everything in it; `false` when there was no such tenant.
    fn delete_tenant(
        &self,
        id: TenantId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    fn tenant_by_organization_secret(
        &self,
        digest: &SecretDigest,
    ) -> impl Future<Output = Result<Option<Tenant>, StorageError>> + Send;

    /// The tenant with this company id and its integration key digest.
    fn tenant_integration_key(
        &self,
        company_id: CompanyId,
    ) -> impl Future<Output = Result<Option<(Tenant, SecretDigest)>, StorageError>> + Send;
}
