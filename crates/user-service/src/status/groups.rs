//! The group use cases' errors.

use super::IntoStatus;
use super::builders::{already_exists, not_found, status, storage_failure, tenant_gone};
use roster_domain::groups::{
    ChangeMembersError, CreateGroupError, DeleteGroupError, GetGroupError, ListGroupsError,
    UpdateGroupError,
};
use roster_proto::v1::ErrorReason;
use tonic::{Code, Status};

fn group_missing() -> Status {
    not_found("group not found", ErrorReason::GroupNotFound)
}

fn etag_mismatch() -> Status {
    status(
        Code::FailedPrecondition,
        "the group was changed since the etag was read",
        ErrorReason::EtagMismatch,
        &[],
        None,
    )
}

impl IntoStatus for UpdateGroupError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::NotFound => group_missing(),
            Self::EtagMismatch => etag_mismatch(),
            Self::Exists(_) => already_exists(msg, ErrorReason::GroupExists, "group.name"),
            Self::ExternalIdTaken(_) => {
                already_exists(msg, ErrorReason::ExternalIdTaken, "group.external_id")
            }
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("update group", &e),
        }
    }
}

impl IntoStatus for ChangeMembersError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::TooLarge { max, got } => status(
                Code::InvalidArgument,
                msg,
                ErrorReason::TooLarge,
                &[("max", max.to_string()), ("got", got.to_string())],
                None,
            ),
            Self::GroupNotFound => group_missing(),
            // Nothing changed; the metadata says which user, and where the request has it.
            Self::UnknownUser { id, field } => status(
                Code::NotFound,
                msg,
                ErrorReason::UserNotFound,
                &[("user_id", id.to_string()), ("field", field)],
                None,
            ),
            Self::EtagMismatch => etag_mismatch(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("change group members", &e),
        }
    }
}

impl IntoStatus for CreateGroupError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::TenantNotFound => tenant_gone(),
            Self::Exists(_) => already_exists(msg, ErrorReason::GroupExists, "path"),
            Self::ExternalIdTaken(_) => {
                already_exists(msg, ErrorReason::ExternalIdTaken, "external_id")
            }
            Self::Members(m) => m.into_status(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("create group", &e),
        }
    }
}

impl IntoStatus for GetGroupError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => group_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("get group", &e),
        }
    }
}

impl IntoStatus for ListGroupsError {
    fn into_status(self) -> Status {
        match self {
            Self::ParentNotFound => group_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("list groups", &e),
        }
    }
}

impl IntoStatus for DeleteGroupError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::NotFound => group_missing(),
            Self::HasChildren => status(
                Code::FailedPrecondition,
                msg,
                ErrorReason::GroupHasChildren,
                &[],
                None,
            ),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("delete group", &e),
        }
    }
}
