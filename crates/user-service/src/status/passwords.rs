//! The password use cases' errors.

use super::IntoStatus;
use super::builders::{invalid, retry_later, storage_failure, try_later, user_not_found};
use roster_domain::users::{ChangePasswordError, VerifyPasswordError};
use roster_proto::v1::ErrorReason;
use std::time::Duration;
use tonic::Status;

impl IntoStatus for ChangePasswordError {
    fn into_status(self) -> Status {
        match self {
            Self::Invalid(v) => invalid(&v),
            Self::NotFound => user_not_found(),
            Self::Denied(d) => d.into_status(),
            Self::TryLater(t) => try_later(t),
            Self::Storage(e) => storage_failure("change password", &e),
        }
    }
}

impl IntoStatus for VerifyPasswordError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => user_not_found(),
            Self::TooManyGuesses { retry_after_secs } => retry_later(
                ErrorReason::PasswordGuessesExceeded,
                self.to_string(),
                Duration::from_secs(retry_after_secs),
            ),
            Self::Denied(d) => d.into_status(),
            Self::TryLater(t) => try_later(t),
            Self::Storage(e) => storage_failure("verify password", &e),
        }
    }
}
