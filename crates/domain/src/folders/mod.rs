//! Folders: flat, named access scopes per tenant (Forms On Fire `Folders`) that users are
//! granted.

mod port;
mod service;

pub use port::FolderRepository;
pub use service::{
    CreateFolderError, DeleteFolderError, FolderService, GetFolderError, GrantFolderError,
    ListFoldersError, MAX_GRANT_USERS,
};

use crate::values::{ExternalId, FolderName};
use crate::{FolderId, TenantId, Timestamp};
use std::fmt;

/// One folder of a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub id: FolderId,
    pub tenant: TenantId,
    pub name: FolderName,
    pub external_id: Option<ExternalId>,
    pub created: Timestamp,
    /// Users granted this folder.
    pub member_count: i64,
}

/// A folder as a user's grants show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderRef {
    pub id: FolderId,
    pub name: FolderName,
    pub external_id: Option<ExternalId>,
}

/// How a request names one folder of its tenant (also in a user's `folders`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FolderKey {
    Id(FolderId),
    /// Matched without case.
    Name(FolderName),
    ExternalId(ExternalId),
}

impl fmt::Display for FolderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FolderKey::Id(id) => write!(f, "folder {id}"),
            FolderKey::Name(n) => write!(f, "folder '{n}'"),
            FolderKey::ExternalId(x) => write!(f, "folder with external id '{x}'"),
        }
    }
}

/// A page of folders in name order (without case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderQuery {
    /// Start after this name key (lower case).
    pub after: Option<String>,
    pub limit: u32,
}
