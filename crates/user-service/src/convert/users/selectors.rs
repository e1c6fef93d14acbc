//! The entries of a user's lists that name something else: its groups and built-in roles
//! (its folders are read in `convert::folders`).

use crate::convert::refs::{Entry, Keys, RefError};
use roster_domain::GroupId;
use roster_domain::rbac::BuiltInRole;
use roster_domain::users::GroupSelector;
use roster_domain::values::{GroupPath, GroupPathError};
use roster_proto::v1 as pb;

/// How a user's `groups` entry names a group.
const GROUPS: Keys<GroupSelector, GroupPathError> = Keys {
    kind: "group",
    name: "path",
    by_id: |id| GroupId::parse(id).map(GroupSelector::Id),
    by_name: |path| GroupPath::parse(path).map(GroupSelector::Path),
    by_external_id: GroupSelector::ExternalId,
};

/// The group a user's `groups` entry names: by id, else path, else external id.
pub(super) fn group_selector(g: &pb::GroupRef) -> Result<GroupSelector, RefError<GroupPathError>> {
    GROUPS.of(&Entry {
        id: &g.id,
        name: &g.path,
        external_id: g.external_id.as_deref(),
    })
}

/// A `role_keys` entry that is no built-in role's key.
#[derive(Debug, thiserror::Error)]
#[error("unknown role key `{0}`: org-admin, admin or org")]
pub(super) struct UnknownRoleKey(String);

pub(super) fn role_key(key: &str) -> Result<BuiltInRole, UnknownRoleKey> {
    BuiltInRole::from_key(key).ok_or_else(|| UnknownRoleKey(key.to_owned()))
}
