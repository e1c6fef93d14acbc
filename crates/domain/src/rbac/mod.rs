//! Role-based access (CloudAPI's RBAC): roles with members and policies, policies with rules.

mod builtin;
mod model;
mod port;
mod rule;
mod service;

pub use builtin::BuiltInRole;
pub use model::{
    MemberSelector, NewPolicy, NewRole, Policy, PolicyChange, PolicyRef, PolicySelector, RbacName,
    RbacNameError, Role, RoleChange, RoleGrant, RoleMember, UserRole,
};
pub use port::RbacRepository;
pub use rule::{KNOWN_ACTIONS, Rule, RuleError};
pub use service::{PolicyError, RbacService, RoleError};
