//! Folder use cases and their errors.

use super::port::FolderRepository;
use super::{Folder, FolderKey, FolderQuery};
use crate::authz::{Action, Principal, Subject, check_member_changes};
use crate::values::{ExternalId, FolderName};
use crate::{Clock, FieldViolations, FolderId, StorageError, UserId};
use std::sync::Arc;

/// Most users one grant or revoke may name.
pub const MAX_GRANT_USERS: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum CreateFolderError {
    /// The caller's tenant no longer exists.
    #[error("tenant not found")]
    TenantNotFound,
    #[error("folder '{0}' already exists")]
    Exists(FolderName),
    #[error("external id '{0}' is already used by another folder")]
    ExternalIdTaken(ExternalId),
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetFolderError {
    #[error("folder not found")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteFolderError {
    #[error("folder not found")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListFoldersError {
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Why a grant or revoke wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum GrantFolderError {
    #[error("invalid request: {0}")]
    Invalid(FieldViolations),
    #[error("folder not found")]
    FolderNotFound,
    /// The `index`-th user id names no user of the tenant.
    #[error("user {id} not found")]
    UnknownUser { index: usize, id: UserId },
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The folder use cases of one installation.
#[derive(Debug)]
pub struct FolderService<R> {
    repo: R,
    clock: Arc<dyn Clock>,
}

impl<R: Clone> Clone for FolderService<R> {
    fn clone(&self) -> Self {
        Self {
            repo: self.repo.clone(),
            clock: Arc::clone(&self.clock),
        }
    }
}

fn check_users(users: &[UserId]) -> Result<(), GrantFolderError> {
    if users.is_empty() || users.len() > MAX_GRANT_USERS {
        return Err(GrantFolderError::Invalid(FieldViolations::single(
            "user_ids",
            format_args!("name 1-{MAX_GRANT_USERS} users"),
        )));
    }
    Ok(())
}

impl<R: FolderRepository> FolderService<R> {
    pub fn new(repo: R, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    pub async fn create(
        &self,
        who: &Principal,
        name: &FolderName,
        external_id: Option<ExternalId>,
    ) -> Result<Folder, CreateFolderError> {
        let tenant = who.authorized(Action::WriteFolders)?;
        self.repo
            .create_folder(tenant, name, external_id, self.clock.now())
            .await
    }

    pub async fn get(&self, who: &Principal, key: &FolderKey) -> Result<Folder, GetFolderError> {
        let tenant = who.authorized(Action::ReadFolders)?;
        self.repo
            .get_folder(tenant, key)
            .await?
            .ok_or(GetFolderError::NotFound)
    }

    /// One page of folders and whether more follow.
    pub async fn list(
        &self,
        who: &Principal,
        query: &FolderQuery,
    ) -> Result<(Vec<Folder>, bool), ListFoldersError> {
        let tenant = who.authorized(Action::ReadFolders)?;
        let mut q = query.clone();
        q.limit = query.limit.saturating_add(1);
        let mut folders = self.repo.list_folders(tenant, &q).await?;
        let more = folders.len() > query.limit as usize;
        folders.truncate(query.limit as usize);
        Ok((folders, more))
    }

    pub async fn delete(&self, who: &Principal, id: FolderId) -> Result<(), DeleteFolderError> {
        let tenant = who.authorized(Action::WriteFolders)?;
        if self
            .repo
            .delete_folder(tenant, id, self.clock.now())
            .await?
        {
            Ok(())
        } else {
            Err(DeleteFolderError::NotFound)
        }
    }

    /// Grants the folder to every user in `users`, all or nothing. Whoever may write folders
    /// may call it; each user whose grants really change is judged as an update of that
    /// user's folders would be (the owner's by the owner alone, nobody's of a higher rank),
    /// so that this door is no way around the rules of `UpdateUser`.
    pub async fn grant(
        &self,
        who: &Principal,
        id: FolderId,
        users: &[UserId],
    ) -> Result<Folder, GrantFolderError> {
        let tenant = who.authorized(Action::WriteFolders)?;
        check_users(users)?;
        let guard = |targets: &[Subject]| check_member_changes(who, targets);
        self.repo
            .grant_folder(tenant, id, users, self.clock.now(), &guard)
            .await
    }

    /// Takes the folder away from every user in `users` who holds it, judged as [`Self::grant`].
    pub async fn revoke(
        &self,
        who: &Principal,
        id: FolderId,
        users: &[UserId],
    ) -> Result<Folder, GrantFolderError> {
        let tenant = who.authorized(Action::WriteFolders)?;
        check_users(users)?;
        let guard = |targets: &[Subject]| check_member_changes(who, targets);
        self.repo
            .revoke_folder(tenant, id, users, self.clock.now(), &guard)
            .await
    }
}
