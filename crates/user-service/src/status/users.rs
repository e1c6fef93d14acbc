//! The user use cases' errors.

use super::IntoStatus;
use super::builders::{invalid, status, storage_failure, tenant_gone, try_later, user_not_found};
use roster_domain::FieldViolations;
use roster_domain::users::{
    BatchTooLarge, CreateUserError, DeleteUserError, GetUserError, ListUsersError,
    RecordActivityError, Taken, UnknownFolder, UnknownGroup, UpdateUserError, UpsertError,
};
use roster_proto::v1::ErrorReason;
use tonic::{Code, Status};

fn etag_mismatch() -> Status {
    status(
        Code::FailedPrecondition,
        "the user was changed since the etag was read",
        ErrorReason::EtagMismatch,
        &[],
        None,
    )
}

/// A field of the user whose value another user holds, or that names nothing that exists:
/// the ErrorInfo metadata names the field too.
fn bad_field(code: Code, reason: ErrorReason, field: String, message: String) -> Status {
    let v = FieldViolations::single(field.clone(), &message);
    status(code, message, reason, &[("field", field)], Some(&v))
}

impl IntoStatus for Taken {
    fn into_status(self) -> Status {
        let (reason, field) = match &self {
            Taken::Login(_) => (ErrorReason::LoginTaken, "user.login"),
            Taken::Email(_) => (ErrorReason::EmailTaken, "user.email"),
            Taken::ExternalId(_) => (ErrorReason::ExternalIdTaken, "user.external_id"),
        };
        bad_field(
            Code::AlreadyExists,
            reason,
            field.to_owned(),
            self.to_string(),
        )
    }
}

impl IntoStatus for UnknownGroup {
    fn into_status(self) -> Status {
        bad_field(
            Code::InvalidArgument,
            ErrorReason::GroupNotFound,
            format!("user.groups[{}]", self.index),
            self.to_string(),
        )
    }
}

impl IntoStatus for UnknownFolder {
    fn into_status(self) -> Status {
        bad_field(
            Code::InvalidArgument,
            ErrorReason::FolderNotFound,
            format!("user.folders[{}]", self.index),
            self.to_string(),
        )
    }
}

impl IntoStatus for CreateUserError {
    fn into_status(self) -> Status {
        match self {
            Self::TenantNotFound => tenant_gone(),
            Self::Invalid(v) => invalid(&v),
            Self::Taken(t) => t.into_status(),
            Self::UnknownGroup(g) => g.into_status(),
            Self::UnknownFolder(f) => f.into_status(),
            Self::Denied(d) => d.into_status(),
            Self::TryLater(t) => try_later(t),
            Self::Storage(e) => storage_failure("create user", &e),
        }
    }
}

impl IntoStatus for GetUserError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => user_not_found(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("get user", &e),
        }
    }
}

impl IntoStatus for ListUsersError {
    fn into_status(self) -> Status {
        match self {
            Self::Invalid(v) => invalid(&v),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("list users", &e),
        }
    }
}

impl IntoStatus for UpdateUserError {
    fn into_status(self) -> Status {
        match self {
            Self::Invalid(v) => invalid(&v),
            Self::NotFound => user_not_found(),
            Self::EtagMismatch => etag_mismatch(),
            Self::Taken(t) => t.into_status(),
            Self::UnknownGroup(g) => g.into_status(),
            Self::UnknownFolder(f) => f.into_status(),
            Self::Denied(d) => d.into_status(),
            Self::TryLater(t) => try_later(t),
            Self::Storage(e) => storage_failure("update user", &e),
        }
    }
}

impl IntoStatus for DeleteUserError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => user_not_found(),
            Self::EtagMismatch => etag_mismatch(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("delete user", &e),
        }
    }
}

impl IntoStatus for UpsertError {
    fn into_status(self) -> Status {
        match self {
            Self::TooLarge(t) => t.into_status(),
            Self::TenantNotFound => tenant_gone(),
            Self::Invalid(v) => invalid(&v),
            Self::NotFound => user_not_found(),
            Self::Taken(t) => t.into_status(),
            Self::UnknownGroup(g) => g.into_status(),
            Self::UnknownFolder(f) => f.into_status(),
            Self::Denied(d) => d.into_status(),
            Self::TryLater(t) => try_later(t),
            Self::Storage(e) => storage_failure("batch upsert item", &e),
        }
    }
}

impl IntoStatus for BatchTooLarge {
    fn into_status(self) -> Status {
        let v = FieldViolations::single("items", self);
        status(
            Code::InvalidArgument,
            self.to_string(),
            ErrorReason::TooLarge,
            &[("max", self.max.to_string())],
            Some(&v),
        )
    }
}

impl IntoStatus for RecordActivityError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => user_not_found(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("record activity", &e),
        }
    }
}
