//! The event use cases' errors.

use super::IntoStatus;
use super::builders::storage_failure;
use roster_domain::events::EventError;
use tonic::Status;

impl IntoStatus for EventError {
    fn into_status(self) -> Status {
        match self {
            Self::Denied(d) => d.into_status(),
            Self::Invalid(v) => v.into_status(),
            Self::Storage(e) => storage_failure("events", &e),
        }
    }
}
