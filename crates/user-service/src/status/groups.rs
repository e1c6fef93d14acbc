//! The group use cases' errors.

use super::IntoStatus;
use super::builders::{already_exists, internal, not_found, status, tenant_gone};
use roster_domain::groups::{CreateGroupError, DeleteGroupError, GetGroupError, ListGroupsError};
use roster_proto::v1::ErrorReason;
use tonic::{Code, Status};

fn group_missing() -> Status {
    not_found("group not found", ErrorReason::GroupNotFound)
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
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("create group", &e),
        }
    }
}

impl IntoStatus for GetGroupError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => group_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("get group", &e),
        }
    }
}

impl IntoStatus for ListGroupsError {
    fn into_status(self) -> Status {
        match self {
            Self::ParentNotFound => group_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => internal("list groups", &e),
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
            Self::Storage(e) => internal("delete group", &e),
        }
    }
}
