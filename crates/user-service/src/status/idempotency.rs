//! A claimed request id (or `Idempotency-Key`) that cannot be used now.

use super::IntoStatus;
use super::builders::{status, storage_failure};
use roster_domain::idempotency::ClaimError;
use roster_proto::v1::ErrorReason;
use tonic::{Code, Status};

impl IntoStatus for ClaimError {
    fn into_status(self) -> Status {
        match self {
            Self::Reused => status(
                Code::FailedPrecondition,
                "this request id was used for another request; use a new one",
                ErrorReason::IdempotencyKeyReused,
                &[],
                None,
            ),
            Self::InUse => status(
                Code::Aborted,
                "the request with this request id is still running; retry later",
                ErrorReason::IdempotencyKeyInUse,
                &[],
                None,
            ),
            Self::Storage(e) => storage_failure("idempotency", &e),
        }
    }
}
