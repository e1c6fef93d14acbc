//! The folder use cases' errors.

use super::IntoStatus;
use super::builders::{
    already_exists, invalid, not_found, storage_failure, tenant_gone, unknown_item,
};
use roster_domain::folders::{
    CreateFolderError, DeleteFolderError, GetFolderError, GrantFolderError, ListFoldersError,
};
use roster_proto::v1::ErrorReason;
use tonic::Status;

fn folder_missing() -> Status {
    not_found("folder not found", ErrorReason::FolderNotFound)
}

impl IntoStatus for CreateFolderError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::TenantNotFound => tenant_gone(),
            Self::Exists(_) => already_exists(msg, ErrorReason::FolderExists, "name"),
            Self::ExternalIdTaken(_) => {
                already_exists(msg, ErrorReason::ExternalIdTaken, "external_id")
            }
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("create folder", &e),
        }
    }
}

impl IntoStatus for GetFolderError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => folder_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("get folder", &e),
        }
    }
}

impl IntoStatus for ListFoldersError {
    fn into_status(self) -> Status {
        match self {
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("list folders", &e),
        }
    }
}

impl IntoStatus for DeleteFolderError {
    fn into_status(self) -> Status {
        match self {
            Self::NotFound => folder_missing(),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("delete folder", &e),
        }
    }
}

impl IntoStatus for GrantFolderError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::Invalid(v) => invalid(&v),
            Self::FolderNotFound => folder_missing(),
            Self::UnknownUser { index, .. } => unknown_item(
                ErrorReason::UserNotFound,
                msg,
                format!("user_ids[{index}]"),
                "names no user of the tenant",
            ),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("folder grants", &e),
        }
    }
}
