//! Role and policy use cases.

use super::model::{
    MemberSelector, NewPolicy, NewRole, Policy, PolicyChange, PolicySelector, RbacName, Role,
    RoleChange,
};
use super::port::RbacRepository;
use crate::authz::{Action, Principal, check_rbac_actions};
use crate::users::{UserKey, UserRepository};
use crate::{Clock, PolicyId, RoleId, StorageError, TenantId, UserId};
use std::collections::BTreeSet;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum RoleError {
    #[error("role not found")]
    NotFound,
    #[error("role '{0}' already exists")]
    Exists(RbacName),
    /// The `index`-th member names no user of the tenant.
    #[error("member {index} names no user")]
    UnknownMember { index: usize, user: UserKey },
    /// The `index`-th policy names no policy of the tenant.
    #[error("{selector} not found")]
    UnknownPolicy {
        index: usize,
        selector: PolicySelector,
    },
    #[error("tenant not found")]
    TenantNotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("policy not found")]
    NotFound,
    #[error("policy '{0}' already exists")]
    Exists(RbacName),
    #[error("tenant not found")]
    TenantNotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug)]
pub struct RbacService<R> {
    repo: R,
    clock: Arc<dyn Clock>,
}

impl<R: Clone> Clone for RbacService<R> {
    fn clone(&self) -> Self {
        Self {
            repo: self.repo.clone(),
            clock: Arc::clone(&self.clock),
        }
    }
}

impl<R: RbacRepository + UserRepository> RbacService<R> {
    pub fn new(repo: R, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    pub async fn list_roles(&self, who: &Principal) -> Result<Vec<Role>, RoleError> {
        let tenant = who.authorized(Action::ListRoles)?;
        Ok(self.repo.list_roles(tenant).await?)
    }

    /// A role by id (UUID text) or name.
    pub async fn get_role(&self, who: &Principal, id_or_name: &str) -> Result<Role, RoleError> {
        let tenant = who.authorized(Action::GetRole)?;
        self.repo
            .find_role(tenant, id_or_name)
            .await?
            .ok_or(RoleError::NotFound)
    }

    /// Every action the policies named by `selectors` allow (those naming nothing are left
    /// for the store to report).
    async fn actions_of(
        &self,
        tenant: TenantId,
        selectors: impl IntoIterator<Item = String>,
    ) -> Result<BTreeSet<String>, StorageError> {
        let mut actions = BTreeSet::new();
        for s in selectors {
            if let Some(p) = self.repo.find_policy(tenant, &s).await? {
                actions.extend(policy_actions(&p));
            }
        }
        Ok(actions)
    }

    /// The users `members` name (those naming nobody are left for the store to report).
    async fn member_ids(
        &self,
        tenant: TenantId,
        members: &[MemberSelector],
    ) -> Result<BTreeSet<(UserId, bool)>, StorageError> {
        let mut ids = BTreeSet::new();
        for m in members {
            if let Some(u) = self.repo.get(tenant, &m.user).await? {
                ids.insert((u.id, m.default));
            }
        }
        Ok(ids)
    }

    fn role_policies(role: &Role) -> impl Iterator<Item = String> + '_ {
        role.policies.iter().map(|p| p.id.to_string())
    }

    pub async fn create_role(&self, who: &Principal, new: NewRole) -> Result<Role, RoleError> {
        let tenant = who.authorized(Action::CreateRole)?;
        let actions = self
            .actions_of(tenant, new.policies.iter().map(selector_text))
            .await?;
        let members = self.member_ids(tenant, &new.members).await?;
        check_rbac_actions(
            who,
            actions.iter().map(String::as_str),
            members.iter().map(|(id, _)| *id),
        )?;
        self.repo.create_role(tenant, new, self.clock.now()).await
    }

    /// Changes a role. The caller must hold every action the role allows before and after,
    /// and may not change the memberships of the owner or of itself.
    pub async fn update_role(
        &self,
        who: &Principal,
        id: RoleId,
        changes: &[RoleChange],
    ) -> Result<Role, RoleError> {
        let tenant = who.authorized(Action::UpdateRole)?;
        let current = self
            .repo
            .find_role(tenant, &id.to_string())
            .await?
            .ok_or(RoleError::NotFound)?;
        let mut actions = self
            .actions_of(tenant, Self::role_policies(&current))
            .await?;
        let mut moved = BTreeSet::new();
        for change in changes {
            match change {
                RoleChange::Members(members) => {
                    let before: BTreeSet<(UserId, bool)> = current
                        .members
                        .iter()
                        .map(|m| (m.user, m.default))
                        .collect();
                    let after = self.member_ids(tenant, members).await?;
                    moved.extend(before.symmetric_difference(&after).map(|(id, _)| *id));
                }
                RoleChange::Policies(policies) => {
                    actions.extend(
                        self.actions_of(tenant, policies.iter().map(selector_text))
                            .await?,
                    );
                }
                RoleChange::Name(_) => {}
            }
        }
        check_rbac_actions(who, actions.iter().map(String::as_str), moved)?;
        self.repo.update_role(tenant, id, changes).await
    }

    pub async fn delete_role(&self, who: &Principal, id: RoleId) -> Result<(), RoleError> {
        let tenant = who.authorized(Action::DeleteRole)?;
        let current = self
            .repo
            .find_role(tenant, &id.to_string())
            .await?
            .ok_or(RoleError::NotFound)?;
        let actions = self
            .actions_of(tenant, Self::role_policies(&current))
            .await?;
        check_rbac_actions(
            who,
            actions.iter().map(String::as_str),
            current.members.iter().map(|m| m.user),
        )?;
        if self.repo.delete_role(tenant, id).await? {
            Ok(())
        } else {
            Err(RoleError::NotFound)
        }
    }

    pub async fn list_policies(&self, who: &Principal) -> Result<Vec<Policy>, PolicyError> {
        let tenant = who.authorized(Action::ListPolicies)?;
        Ok(self.repo.list_policies(tenant).await?)
    }

    /// A policy by id (UUID text) or name.
    pub async fn get_policy(
        &self,
        who: &Principal,
        id_or_name: &str,
    ) -> Result<Policy, PolicyError> {
        let tenant = who.authorized(Action::GetPolicy)?;
        self.repo
            .find_policy(tenant, id_or_name)
            .await?
            .ok_or(PolicyError::NotFound)
    }

    /// Creates a policy whose rules allow only actions the caller holds.
    pub async fn create_policy(
        &self,
        who: &Principal,
        new: NewPolicy,
    ) -> Result<Policy, PolicyError> {
        let tenant = who.authorized(Action::CreatePolicy)?;
        let actions: BTreeSet<&str> = new
            .rules
            .iter()
            .flat_map(|r| r.actions().iter().map(String::as_str))
            .collect();
        check_rbac_actions(who, actions, [])?;
        self.repo.create_policy(tenant, new, self.clock.now()).await
    }

    /// Changes a policy; the caller must hold every action it allows before and after.
    pub async fn update_policy(
        &self,
        who: &Principal,
        id: PolicyId,
        changes: &[PolicyChange],
    ) -> Result<Policy, PolicyError> {
        let tenant = who.authorized(Action::UpdatePolicy)?;
        let current = self
            .repo
            .find_policy(tenant, &id.to_string())
            .await?
            .ok_or(PolicyError::NotFound)?;
        let mut actions = policy_actions(&current);
        for change in changes {
            if let PolicyChange::Rules(rules) = change {
                actions.extend(rules.iter().flat_map(|r| r.actions().iter().cloned()));
            }
        }
        check_rbac_actions(who, actions.iter().map(String::as_str), [])?;
        self.repo.update_policy(tenant, id, changes).await
    }

    pub async fn delete_policy(&self, who: &Principal, id: PolicyId) -> Result<(), PolicyError> {
        let tenant = who.authorized(Action::DeletePolicy)?;
        let current = self
            .repo
            .find_policy(tenant, &id.to_string())
            .await?
            .ok_or(PolicyError::NotFound)?;
        check_rbac_actions(who, policy_actions(&current).iter().map(String::as_str), [])?;
        if self.repo.delete_policy(tenant, id).await? {
            Ok(())
        } else {
            Err(PolicyError::NotFound)
        }
    }
}

fn policy_actions(p: &Policy) -> BTreeSet<String> {
    p.rules
        .iter()
        .flat_map(|r| r.actions().iter().cloned())
        .collect()
}

fn selector_text(s: &PolicySelector) -> String {
    match s {
        PolicySelector::Id(id) => id.to_string(),
        PolicySelector::Name(n) => n.as_str().to_owned(),
    }
}
