//! Authorization: who is calling ([`Principal`]) and the one policy that decides what it may
//! do ([`authorize`], [`check_user_changes`], [`check_rbac_actions`]). Every use case calls
//! the policy itself, so the answer is the same whichever door (a REST dialect, gRPC, the
//! CLI) a request came through. Adapters may check earlier for a dialect's status order;
//! the policy's answer is final.

mod policy;
mod principal;
pub mod scopes;

pub use policy::{
    Action, Denied, Subject, authorize, check_member_changes, check_rbac_actions,
    check_user_changes,
};
pub use principal::{Actor, CredentialKind, MemberAuthority, Principal, StoredAuthority};
