//! Group use cases.

use super::port::GroupRepository;
use super::{Group, GroupKey, GroupQuery};
use crate::authz::{Action, Principal};
use crate::values::{ExternalId, GroupPath};
use crate::{Clock, GroupId, StorageError};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum CreateGroupError {
    /// The caller's tenant no longer exists.
    #[error("tenant not found")]
    TenantNotFound,
    #[error("group '{0}' already exists")]
    Exists(GroupPath),
    #[error("external id '{0}' is already used by another group")]
    ExternalIdTaken(ExternalId),
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetGroupError {
    #[error("group not found")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListGroupsError {
    #[error("parent group not found")]
    ParentNotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteGroupError {
    #[error("group not found")]
    NotFound,
    #[error("group has child groups; delete them first or ask for a recursive delete")]
    HasChildren,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The group use cases of one installation.
#[derive(Debug)]
pub struct GroupService<R> {
    repo: R,
    clock: Arc<dyn Clock>,
}

impl<R: Clone> Clone for GroupService<R> {
    fn clone(&self) -> Self {
        Self {
            repo: self.repo.clone(),
            clock: Arc::clone(&self.clock),
        }
    }
}

impl<R: GroupRepository> GroupService<R> {
    pub fn new(repo: R, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// Creates the group at `path` and every missing parent.
    pub async fn create(
        &self,
        who: &Principal,
        path: &GroupPath,
        external_id: Option<ExternalId>,
    ) -> Result<Group, CreateGroupError> {
        let tenant = who.authorized(Action::WriteGroups)?;
        self.repo
            .create_path(tenant, path, external_id, self.clock.now())
            .await
    }

    pub async fn get(&self, who: &Principal, key: &GroupKey) -> Result<Group, GetGroupError> {
        let tenant = who.authorized(Action::ReadGroups)?;
        self.repo
            .get(tenant, key)
            .await?
            .ok_or(GetGroupError::NotFound)
    }

    /// One page of groups and whether more follow.
    pub async fn list(
        &self,
        who: &Principal,
        query: &GroupQuery,
    ) -> Result<(Vec<Group>, bool), ListGroupsError> {
        let tenant = who.authorized(Action::ReadGroups)?;
        if let Some(parent) = query.parent
            && self
                .repo
                .get(tenant, &GroupKey::Id(parent))
                .await?
                .is_none()
        {
            return Err(ListGroupsError::ParentNotFound);
        }
        let mut q = query.clone();
        q.limit = query.limit.saturating_add(1);
        let mut groups = self.repo.list(tenant, &q).await?;
        let more = groups.len() > query.limit as usize;
        groups.truncate(query.limit as usize);
        Ok((groups, more))
    }

    pub async fn delete(
        &self,
        who: &Principal,
        id: GroupId,
        recursive: bool,
    ) -> Result<(), DeleteGroupError> {
        let tenant = who.authorized(Action::WriteGroups)?;
        self.repo.delete(tenant, id, recursive).await
    }
}
