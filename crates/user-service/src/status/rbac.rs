//! The role and policy use cases' errors.

use super::IntoStatus;
use super::builders::{already_exists, not_found, storage_failure, tenant_gone, unknown_item};
use roster_domain::rbac::{PolicyError, RoleError};
use roster_proto::v1::ErrorReason;
use tonic::Status;

impl IntoStatus for RoleError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::NotFound => not_found(msg, ErrorReason::RoleNotFound),
            Self::Exists(_) => already_exists(msg, ErrorReason::RoleExists, "role.name"),
            Self::UnknownMember { index, .. } => unknown_item(
                ErrorReason::UserNotFound,
                msg,
                format!("role.members[{index}]"),
                "names no user of the tenant",
            ),
            Self::UnknownPolicy { index, .. } => {
                let field = format!("role.policies[{index}]");
                let description = msg.clone();
                unknown_item(ErrorReason::PolicyNotFound, msg, field, &description)
            }
            Self::TenantNotFound => tenant_gone(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("roles", &e),
        }
    }
}

impl IntoStatus for PolicyError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::NotFound => not_found(msg, ErrorReason::PolicyNotFound),
            Self::Exists(_) => already_exists(msg, ErrorReason::PolicyExists, "policy.name"),
            Self::TenantNotFound => tenant_gone(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("policies", &e),
        }
    }
}
