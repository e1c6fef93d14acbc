//! Every domain error as a `tonic::Status`, in one exhaustive mapping per error type (no
//! catch-all arms: a new variant does not compile until it is mapped). Details carry a stable
//! `google.rpc.ErrorInfo` reason and, for bad input, `google.rpc.BadRequest` field
//! violations. Internal failures are logged here and answered opaquely.
//!
//! One file per family of domain errors; the builders they share are in [`builders`].

mod access;
mod builders;
mod events;
mod folders;
mod groups;
mod idempotency;
mod keys;
mod passwords;
mod rbac;
mod tenants;
mod users;

pub use builders::ERROR_DOMAIN;
pub(crate) use builders::{
    invalid_page_token, missing_scope, opaque, status, storage_failure, to_rpc_status,
};

use roster_domain::{FieldViolations, StorageError};
use tonic::Status;

/// Conversion of an operation's error into the status the client sees.
pub(crate) trait IntoStatus {
    fn into_status(self) -> Status;
}

impl IntoStatus for FieldViolations {
    fn into_status(self) -> Status {
        builders::invalid(&self)
    }
}

impl IntoStatus for StorageError {
    fn into_status(self) -> Status {
        storage_failure("storage", &self)
    }
}
