//! Roles and policies.

use super::rule::Rule;
use crate::users::UserKey;
use crate::values::Login;
use crate::{PolicyId, RoleId, TenantId, Timestamp, UserId};
use std::collections::BTreeSet;
use std::fmt;

/// The name of a role or a policy: 1-128 of letters, digits, `.`, `_`, `@` and `-`; unique in
/// the tenant (case-sensitive, as CloudAPI's).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RbacName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RbacNameError {
    #[error("name must be 1-128 characters long")]
    Length,
    #[error("name may contain only letters, digits, '.', '_', '@' and '-'")]
    Charset,
}

impl RbacName {
    pub fn parse(raw: &str) -> Result<Self, RbacNameError> {
        let s = raw.trim();
        if !(1..=128).contains(&s.chars().count()) {
            return Err(RbacNameError::Length);
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c))
        {
            return Err(RbacNameError::Charset);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RbacName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleMember {
    pub user: UserId,
    pub login: Login,
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRef {
    pub id: PolicyId,
    pub name: RbacName,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub id: RoleId,
    pub tenant: TenantId,
    pub name: RbacName,
    /// Sorted by login.
    pub members: Vec<RoleMember>,
    /// Sorted by name.
    pub policies: Vec<PolicyRef>,
    pub created: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub id: PolicyId,
    pub tenant: TenantId,
    pub name: RbacName,
    pub rules: Vec<Rule>,
    pub description: Option<String>,
    pub created: Timestamp,
}

/// A role as a user's record shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRole {
    pub id: RoleId,
    pub name: RbacName,
    pub default: bool,
    /// Set for a built-in role (whose name is its key).
    pub built_in: Option<super::BuiltInRole>,
}

/// A role a user holds, with every action its policies allow (`*` for all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    pub name: RbacName,
    pub default: bool,
    pub actions: BTreeSet<String>,
}

/// How a request names a member: a user and whether the role is active by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSelector {
    pub user: UserKey,
    pub default: bool,
}

/// How a request names a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicySelector {
    Id(PolicyId),
    Name(RbacName),
}

impl fmt::Display for PolicySelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id(id) => write!(f, "policy {id}"),
            Self::Name(n) => write!(f, "policy '{n}'"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRole {
    pub name: RbacName,
    pub members: Vec<MemberSelector>,
    pub policies: Vec<PolicySelector>,
}

/// One field of a role set to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleChange {
    Name(RbacName),
    Members(Vec<MemberSelector>),
    Policies(Vec<PolicySelector>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPolicy {
    pub name: RbacName,
    pub rules: Vec<Rule>,
    pub description: Option<String>,
}

/// One field of a policy set to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyChange {
    Name(RbacName),
    Rules(Vec<Rule>),
    Description(Option<String>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert_eq!(RbacName::parse(" readers ").unwrap().as_str(), "readers");
        assert_eq!(RbacName::parse("org-admin").unwrap().as_str(), "org-admin");
        assert_eq!(RbacName::parse(""), Err(RbacNameError::Length));
        assert_eq!(RbacName::parse("a b"), Err(RbacNameError::Charset));
        assert_eq!(
            RbacName::parse(&"x".repeat(129)),
            Err(RbacNameError::Length)
        );
    }
}
