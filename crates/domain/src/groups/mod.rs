//! Groups: a tree per tenant, addressed by `//Parent/Child` paths.

mod port;
mod service;

pub use port::{GroupRepository, MemberGuard};
pub use service::{
    ChangeMembersError, CreateGroupError, DeleteGroupError, GetGroupError, GroupService,
    ListGroupsError, MAX_MEMBER_CHANGES, UpdateGroupError,
};

use crate::values::{ExternalId, GroupName, GroupPath};
use crate::{GroupId, TenantId, Timestamp, UserId};

/// One node of a tenant's group tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub tenant: TenantId,
    pub parent: Option<GroupId>,
    pub path: GroupPath,
    pub external_id: Option<ExternalId>,
    pub created: Timestamp,
    /// The last change of the group itself or of its members (`created` until then).
    pub updated: Timestamp,
    /// Users directly in this group.
    pub member_count: i64,
    /// Incremented on every change of the group: rename, external id, members. The etag is
    /// derived from it.
    pub version: i64,
}

impl Group {
    /// The opaque concurrency token clients send back (AIP-154), made as users' are.
    pub fn etag(&self) -> String {
        crate::users::etag_of(self.version)
    }
}

/// One change an update makes to a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupChange {
    /// A new last path segment; the paths of the descendants follow.
    Name(GroupName),
    /// Set or clear the external id.
    ExternalId(Option<ExternalId>),
}

/// A change of a group's direct members, in one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberChanges {
    /// Users to add (adding a member is a no-op), without repeats.
    pub add: Vec<UserId>,
    /// Users to remove (removing a non-member is a no-op), without repeats.
    pub remove: Vec<UserId>,
    /// Make the members exactly `add`: everyone else is removed.
    pub replace: bool,
}

impl MemberChanges {
    /// How many user ids the change names.
    pub fn len(&self) -> usize {
        self.add.len() + self.remove.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0 && !self.replace
    }
}

/// A group as a user's membership shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRef {
    pub id: GroupId,
    pub path: GroupPath,
    pub external_id: Option<ExternalId>,
}

/// How a request names one group of its tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupKey {
    Id(GroupId),
    Path(GroupPath),
    ExternalId(ExternalId),
}

/// A page of groups, ordered by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupQuery {
    /// Only the direct children of this group.
    pub parent: Option<GroupId>,
    /// Start after this path.
    pub after: Option<GroupPath>,
    /// Or end before this path: the page before a page (read backward, returned in path
    /// order). Used without `after`.
    pub before: Option<GroupPath>,
    pub limit: u32,
}
