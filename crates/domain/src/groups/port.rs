//! The port of the group store.

use super::{
    ChangeMembersError, CreateGroupError, DeleteGroupError, Group, GroupChange, GroupKey,
    GroupQuery, MemberChanges, UpdateGroupError,
};
use crate::authz::{Denied, Subject};
use crate::values::{ExternalId, GroupPath};
use crate::{GroupId, StorageError, TenantId, Timestamp, UserId};
use std::future::Future;

/// A check the store runs inside a member change, on the users whose membership the change
/// really alters (added non-members, removed members) as the write finds them, before it
/// writes anything. Use cases pass the policy's decision here.
pub type MemberGuard<'a> = &'a (dyn Fn(&[Subject]) -> Result<(), Denied> + Send + Sync);

/// The group trees of every tenant.
pub trait GroupRepository: Send + Sync + 'static {
    /// Creates `path` and every missing ancestor; safe against concurrent creators of the
    /// same ancestors.
    ///
    /// # Errors
    /// MUST return `Exists` when `path` itself already exists and `ExternalIdTaken` on an
    /// external-id collision.
    /// `members` join the new group in the same write; `guard` judges them first, and an
    /// unknown one refuses the whole write (`ChangeMembersError::UnknownUser`, its field
    /// `member_user_ids[i]`).
    fn create_path(
        &self,
        tenant: TenantId,
        path: &GroupPath,
        external_id: Option<ExternalId>,
        members: &[UserId],
        now: Timestamp,
        guard: MemberGuard<'_>,
    ) -> impl Future<Output = Result<Group, CreateGroupError>> + Send;

    fn get(
        &self,
        tenant: TenantId,
        key: &GroupKey,
    ) -> impl Future<Output = Result<Option<Group>, StorageError>> + Send;

    /// Up to `query.limit` groups in path order: the first ones after `query.after`, or the
    /// last ones before `query.before`.
    fn list(
        &self,
        tenant: TenantId,
        query: &GroupQuery,
    ) -> impl Future<Output = Result<Vec<Group>, StorageError>> + Send;

    /// Applies `changes` to the group, all or nothing; a new name moves the paths of every
    /// descendant in the same transaction. Writes nothing (and keeps the version) when
    /// nothing changes.
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id, `EtagMismatch` unless `expected_version` (when
    /// given) is current, `Exists` when a sibling already has the new name and
    /// `ExternalIdTaken` when another group has the external id.
    fn update(
        &self,
        tenant: TenantId,
        id: GroupId,
        changes: &[GroupChange],
        expected_version: Option<i64>,
        now: Timestamp,
    ) -> impl Future<Output = Result<Group, UpdateGroupError>> + Send;

    /// Adds and removes direct members in one transaction, with one statement per kind of
    /// write whatever the number of users. A new membership comes last in its user's groups.
    /// The group and every user whose membership changed get a new version and update time;
    /// concurrent changes of one group never lose a member or add one twice.
    ///
    /// # Errors
    /// MUST return `GroupNotFound`, `UnknownUser` for the first id (adds first, then
    /// removes) that names no user of the tenant, `EtagMismatch` unless `expected_version`
    /// (when given) is current, and the guard's refusal as `Denied`; nothing is written then.
    fn change_members(
        &self,
        tenant: TenantId,
        id: GroupId,
        changes: &MemberChanges,
        expected_version: Option<i64>,
        now: Timestamp,
        guard: MemberGuard<'_>,
    ) -> impl Future<Output = Result<Group, ChangeMembersError>> + Send;

    /// Deletes the group (and its subtree when `recursive`); every user who was a direct
    /// member of a deleted group gets a new version and update time (`now`).
    ///
    /// # Errors
    /// MUST return `NotFound` for an unknown id and `HasChildren` when the group has children
    /// and `recursive` is false.
    fn delete(
        &self,
        tenant: TenantId,
        id: GroupId,
        recursive: bool,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), DeleteGroupError>> + Send;
}
