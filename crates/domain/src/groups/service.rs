//! Group use cases.

use super::port::GroupRepository;
use super::{Group, GroupChange, GroupKey, GroupQuery, MemberChanges};
use crate::authz::{Action, Principal, check_member_changes};
use crate::values::{ExternalId, GroupPath};
use crate::{Clock, GroupId, StorageError, UserId};
use std::sync::Arc;

/// The most user ids one member change may name, adds and removes together (Entra ID sends
/// groups of thousands in one request).
pub const MAX_MEMBER_CHANGES: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum CreateGroupError {
    /// The caller's tenant no longer exists.
    #[error("tenant not found")]
    TenantNotFound,
    #[error("group '{0}' already exists")]
    Exists(GroupPath),
    #[error("external id '{0}' is already used by another group")]
    ExternalIdTaken(ExternalId),
    /// The first members were refused (too many, an unknown user, a user the caller may not
    /// change): nothing was created.
    #[error(transparent)]
    Members(ChangeMembersError),
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

#[derive(Debug, thiserror::Error)]
pub enum UpdateGroupError {
    #[error("group not found")]
    NotFound,
    #[error("the group was changed since the etag was read")]
    EtagMismatch,
    /// A sibling already has the new name.
    #[error("group '{0}' already exists")]
    Exists(GroupPath),
    #[error("external id '{0}' is already used by another group")]
    ExternalIdTaken(ExternalId),
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Why a member change wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ChangeMembersError {
    #[error("at most {max} user ids can be changed at once (got {got})")]
    TooLarge { max: usize, got: usize },
    #[error("group not found")]
    GroupNotFound,
    /// The first id that names no user of the tenant: `field` is where the request has it
    /// (`add_user_ids[3]`).
    #[error("user {id} not found")]
    UnknownUser { id: UserId, field: String },
    #[error("the group was changed since the etag was read")]
    EtagMismatch,
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
    /// Creates the group at `path` (and its missing parents) with `members` (without
    /// repeats) in one write: all of it or nothing.
    pub async fn create(
        &self,
        who: &Principal,
        path: &GroupPath,
        external_id: Option<ExternalId>,
        members: &[UserId],
    ) -> Result<Group, CreateGroupError> {
        let tenant = who.authorized(Action::WriteGroups)?;
        if members.len() > MAX_MEMBER_CHANGES {
            return Err(CreateGroupError::Members(ChangeMembersError::TooLarge {
                max: MAX_MEMBER_CHANGES,
                got: members.len(),
            }));
        }
        let guard = |targets: &[crate::authz::Subject]| check_member_changes(who, targets);
        self.repo
            .create_path(tenant, path, external_id, members, self.clock.now(), &guard)
            .await
    }

    pub async fn get(&self, who: &Principal, key: &GroupKey) -> Result<Group, GetGroupError> {
        let tenant = who.authorized(Action::ReadGroups)?;
        self.repo
            .get(tenant, key)
            .await?
            .ok_or(GetGroupError::NotFound)
    }

    /// One page of groups, in path order, and whether more follow in the direction read:
    /// after the page, or before it for a query with `before`.
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
        if more && query.before.is_some() {
            // Read backward: the row beyond the page is the first one.
            groups.remove(0);
        }
        groups.truncate(query.limit as usize);
        Ok((groups, more))
    }

    /// Renames the group or sets its external id, as `changes` say; with `expected_version`,
    /// only if it is current.
    pub async fn update(
        &self,
        who: &Principal,
        id: GroupId,
        changes: &[GroupChange],
        expected_version: Option<i64>,
    ) -> Result<Group, UpdateGroupError> {
        let tenant = who.authorized(Action::WriteGroups)?;
        self.repo
            .update(tenant, id, changes, expected_version, self.clock.now())
            .await
    }

    /// Adds and removes direct members. Whoever may write groups may call it; each user whose
    /// membership really changes is judged as an update of that user's groups would be (the
    /// owner's by the owner alone, nobody's of a higher rank), so that this door is no way
    /// around the rules of `UpdateUser`.
    pub async fn change_members(
        &self,
        who: &Principal,
        id: GroupId,
        changes: &MemberChanges,
        expected_version: Option<i64>,
    ) -> Result<Group, ChangeMembersError> {
        let tenant = who.authorized(Action::WriteGroups)?;
        if changes.len() > MAX_MEMBER_CHANGES {
            return Err(ChangeMembersError::TooLarge {
                max: MAX_MEMBER_CHANGES,
                got: changes.len(),
            });
        }
        let guard = |targets: &[crate::authz::Subject]| check_member_changes(who, targets);
        self.repo
            .change_members(
                tenant,
                id,
                changes,
                expected_version,
                self.clock.now(),
                &guard,
            )
            .await
    }

    pub async fn delete(
        &self,
        who: &Principal,
        id: GroupId,
        recursive: bool,
    ) -> Result<(), DeleteGroupError> {
        let tenant = who.authorized(Action::WriteGroups)?;
        self.repo
            .delete(tenant, id, recursive, self.clock.now())
            .await
    }
}
