//! Groups: a tree per tenant, addressed by `//Parent/Child` paths.

mod port;
mod service;

pub use port::GroupRepository;
pub use service::{
    CreateGroupError, DeleteGroupError, GetGroupError, GroupService, ListGroupsError,
};

use crate::values::{ExternalId, GroupPath};
use crate::{GroupId, TenantId, Timestamp};

/// One node of a tenant's group tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub tenant: TenantId,
    pub parent: Option<GroupId>,
    pub path: GroupPath,
    pub external_id: Option<ExternalId>,
    pub created: Timestamp,
    /// Users directly in this group.
    pub member_count: i64,
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
    pub limit: u32,
}
