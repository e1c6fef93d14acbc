//! The port of the folder store.

use super::{CreateFolderError, Folder, FolderKey, FolderQuery, GrantFolderError};
use crate::groups::MemberGuard;
use crate::values::{ExternalId, FolderName};
use crate::{FolderId, StorageError, TenantId, Timestamp, UserId};
use std::future::Future;

/// The folders of every tenant and who is granted them.
pub trait FolderRepository: Send + Sync + 'static {
    /// # Errors
    /// MUST return `Exists` when the name is taken (ignoring case) and `ExternalIdTaken` on an
    /// external-id collision, also when lost to a concurrent writer.
    fn create_folder(
        &self,
        tenant: TenantId,
        name: &FolderName,
        external_id: Option<ExternalId>,
        now: Timestamp,
    ) -> impl Future<Output = Result<Folder, CreateFolderError>> + Send;

    fn get_folder(
        &self,
        tenant: TenantId,
        key: &FolderKey,
    ) -> impl Future<Output = Result<Option<Folder>, StorageError>> + Send;

    /// Up to `query.limit` folders in name order (without case).
    fn list_folders(
        &self,
        tenant: TenantId,
        query: &FolderQuery,
    ) -> impl Future<Output = Result<Vec<Folder>, StorageError>> + Send;

    /// Deletes the folder and its grants (its users get a new version); `false` when there
    /// was no such folder.
    fn delete_folder(
        &self,
        tenant: TenantId,
        id: FolderId,
        now: Timestamp,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// Grants the folder to `users`, all or nothing; users who hold it already are skipped.
    /// Every user whose folders change gets a new version.
    ///
    /// `guard` judges the users whose folders would change before anything is written.
    ///
    /// # Errors
    /// MUST return `FolderNotFound` for an unknown folder, `UnknownUser` for the first id
    /// that names no user of the tenant, and the guard's refusal as `Denied`, writing
    /// nothing then.
    fn grant_folder(
        &self,
        tenant: TenantId,
        id: FolderId,
        users: &[UserId],
        now: Timestamp,
        guard: MemberGuard<'_>,
    ) -> impl Future<Output = Result<Folder, GrantFolderError>> + Send;

    /// Takes the folder away from those of `users` who hold it; `guard` judges them first.
    ///
    /// # Errors
    /// MUST return `FolderNotFound` for an unknown folder and the guard's refusal as
    /// `Denied`, writing nothing then.
    fn revoke_folder(
        &self,
        tenant: TenantId,
        id: FolderId,
        users: &[UserId],
        now: Timestamp,
        guard: MemberGuard<'_>,
    ) -> impl Future<Output = Result<Folder, GrantFolderError>> + Send;
}
