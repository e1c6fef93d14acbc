//! Tenants: isolated directories, each with an owner and its dialect credentials.

mod port;
mod service;

pub use port::TenantRepository;
pub use service::{
    CreateTenantError, CreatedTenant, DeleteTenantError, GetTenantError, TenantService,
};

use crate::secrets::SecretDigest;
use crate::users::NewUserRecord;
use crate::values::{CompanyId, Email, SshPublicKey, TenantLogin};
use crate::{TenantId, Timestamp, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: TenantId,
    pub login: TenantLogin,
    pub name: String,
    pub company_id: CompanyId,
    pub owner: Option<UserId>,
    pub created: Timestamp,
    pub updated: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantKey {
    Id(TenantId),
    /// Matched without case.
    Login(TenantLogin),
    CompanyId(CompanyId),
}

/// What an operator asks for when creating a tenant.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub login: TenantLogin,
    /// Defaults to the login.
    pub name: Option<String>,
    /// Assigned when absent.
    pub company_id: Option<CompanyId>,
    pub admin_email: Email,
    pub owner_keys: Vec<SshPublicKey>,
}

/// A tenant ready to insert.
#[derive(Debug, Clone)]
pub struct NewTenantRecord {
    pub id: TenantId,
    pub login: TenantLogin,
    pub name: String,
    pub company_id: Option<CompanyId>,
    pub organization_secret_digest: SecretDigest,
    pub integration_key_digest: SecretDigest,
    pub owner: NewUserRecord,
    pub owner_keys: Vec<SshPublicKey>,
    pub now: Timestamp,
}
