//! The SSH key, secret key and provisioning token use cases' errors.

use super::IntoStatus;
use super::builders::{not_found, status, storage_failure, tenant_gone, user_not_found};
use roster_domain::keys::KeyError;
use roster_domain::provisioning::ProvisioningTokenError;
use roster_domain::secret_keys::SecretKeyError;
use roster_proto::v1::ErrorReason;
use tonic::{Code, Status};

impl IntoStatus for KeyError {
    fn into_status(self) -> Status {
        match self {
            Self::UserNotFound => user_not_found(),
            Self::KeyNotFound => not_found("key not found", ErrorReason::KeyNotFound),
            Self::Exists => status(
                Code::AlreadyExists,
                "a key with that name or fingerprint already exists",
                ErrorReason::KeyExists,
                &[],
                None,
            ),
            Self::TenantNotFound => tenant_gone(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("keys", &e),
        }
    }
}

impl IntoStatus for SecretKeyError {
    fn into_status(self) -> Status {
        match self {
            Self::UserNotFound => user_not_found(),
            Self::NotFound => not_found(
                "the user holds no secret key",
                ErrorReason::SecretKeyNotFound,
            ),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("secret keys", &e),
        }
    }
}

impl IntoStatus for ProvisioningTokenError {
    fn into_status(self) -> Status {
        match self {
            Self::Invalid(v) => v.into_status(),
            Self::TenantNotFound => tenant_gone(),
            Self::NotFound => not_found(
                "provisioning token not found",
                ErrorReason::ProvisioningTokenNotFound,
            ),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("provisioning tokens", &e),
        }
    }
}
