//! Authentication: a dialect credential in, the tenant and principal it proves out.

use crate::StorageError;
use crate::ports::{Secrets, TenantRepository, UserRepository};
use crate::tenants::{Tenant, TenantKey};
use crate::users::{AccessLevel, User, UserStatus};
use crate::values::CompanyId;
use std::sync::Arc;

/// A credential as a dialect received it.
#[derive(Clone)]
pub enum Credential {
    /// Cloud Elements: a user secret and the organization secret.
    Organization {
        user_secret: String,
        organization_secret: String,
    },
    /// Forms On Fire: the company id and its integration key.
    IntegrationKey { company_id: i64, key: String },
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Organization { .. } => f.write_str("Credential::Organization(..)"),
            Credential::IntegrationKey { company_id, .. } => {
                write!(f, "Credential::IntegrationKey({company_id}, ..)")
            }
        }
    }
}

/// Who a credential proved to be.
#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant: Tenant,
    pub kind: PrincipalKind,
}

#[derive(Debug, Clone)]
pub enum PrincipalKind {
    /// A tenant-wide integration credential: acts as the tenant's administrator.
    Integration,
    /// A user of the tenant.
    User(Box<User>),
}

impl Principal {
    /// Whether the principal may administer the tenant's users and groups.
    pub fn is_admin(&self) -> bool {
        match &self.kind {
            PrincipalKind::Integration => true,
            PrincipalKind::User(u) => u.access_level.is_admin(),
        }
    }

    pub fn access_level(&self) -> AccessLevel {
        match &self.kind {
            PrincipalKind::Integration => AccessLevel::Admin,
            PrincipalKind::User(u) => u.access_level,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// Deliberately says nothing about which part was wrong.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("the user is disabled")]
    UserDisabled,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug)]
pub struct AuthService<R> {
    repo: R,
    secrets: Arc<dyn Secrets>,
}

impl<R: Clone> Clone for AuthService<R> {
    fn clone(&self) -> Self {
        Self {
            repo: self.repo.clone(),
            secrets: Arc::clone(&self.secrets),
        }
    }
}

impl<R: TenantRepository + UserRepository> AuthService<R> {
    pub fn new(repo: R, secrets: Arc<dyn Secrets>) -> Self {
        Self { repo, secrets }
    }

    pub async fn authenticate(
        &self,
        credential: &Credential,
    ) -> Result<Principal, AuthenticateError> {
        match credential {
            Credential::Organization {
                user_secret,
                organization_secret,
            } => {
                // Both lookups go by digest: the time taken says nothing about the secrets.
                let tenant = self
                    .repo
                    .tenant_by_organization_secret(&self.secrets.digest(organization_secret))
                    .await?
                    .ok_or(AuthenticateError::InvalidCredentials)?;
                let user = self
                    .repo
                    .find_by_secret(tenant.id, &self.secrets.digest(user_secret))
                    .await?
                    .ok_or(AuthenticateError::InvalidCredentials)?;
                if user.status == UserStatus::Disabled {
                    return Err(AuthenticateError::UserDisabled);
                }
                Ok(Principal {
                    tenant,
                    kind: PrincipalKind::User(Box::new(user)),
                })
            }
            Credential::IntegrationKey { company_id, key } => {
                let company_id = CompanyId::parse(*company_id)
                    .map_err(|_| AuthenticateError::InvalidCredentials)?;
                let (tenant, digest) = self
                    .repo
                    .tenant_integration_key(company_id)
                    .await?
                    .ok_or(AuthenticateError::InvalidCredentials)?;
                if !self.secrets.matches(key, &digest) {
                    return Err(AuthenticateError::InvalidCredentials);
                }
                Ok(Principal {
                    tenant,
                    kind: PrincipalKind::Integration,
                })
            }
        }
    }

    /// The tenant a token names, if it still exists.
    pub async fn tenant(&self, key: &TenantKey) -> Result<Option<Tenant>, StorageError> {
        self.repo.get_tenant(key).await
    }
}
