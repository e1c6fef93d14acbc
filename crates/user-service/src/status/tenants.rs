//! The tenant use cases' errors.

use super::IntoStatus;
use super::builders::{already_exists, storage_failure, tenant_gone};
use roster_domain::tenants::{CreateTenantError, DeleteTenantError, GetTenantError};
use roster_proto::v1::ErrorReason;
use tonic::Status;

impl IntoStatus for CreateTenantError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::LoginTaken(_) => already_exists(msg, ErrorReason::TenantLoginTaken, "login"),
            Self::CompanyIdTaken(_) => {
                already_exists(msg, ErrorReason::CompanyIdTaken, "company_id")
            }
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("create tenant", &e),
        }
    }
}

impl IntoStatus for GetTenantError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => tenant_gone(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("get tenant", &e),
        }
    }
}

impl IntoStatus for DeleteTenantError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => tenant_gone(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("delete tenant", &e),
        }
    }
}
