//! The policy: one function per question, called by the use cases.
//!
//! The rules, in the order they are checked:
//! 1. The operator may do anything.
//! 2. The caller's token must carry the action's scope (a coarse gate).
//! 3. Credentials that may not mint (secret keys, organization secrets, integration keys,
//!    provisioning tokens) never create or remove keys, secret keys or tokens, and never
//!    see or manage provisioning tokens.
//! 4. Tenant administrators (the owner, administrators, `org-admin`, integration
//!    credentials, service accounts) may run any tenant action; any other user only the RBAC
//!    actions its active roles allow, and a holder of `secret-key-admin` (SureCloud's Secret
//!    Key Administrator) also `WriteSecretKeys`. Other actions with no RBAC name are for
//!    administrators only.
//! 5. The owner's record and credentials are written by the owner alone.
//! 6. A user who is not an administrator writes only users who are not administrators and
//!    whose roles it holds itself, and an administrator only users whose access level it
//!    could give, so that nobody takes over (a password, a key, a secret key) a more
//!    powerful account. So a Secret Key Administrator who is not an administrator manages
//!    the secret keys of users who are not administrators, not the owner, and hold no RBAC
//!    role it does not hold itself.
//! 7. Nobody (but the owner) changes its own access level, status or roles, and nobody gives
//!    an access level, role or permission it does not hold.
//! 8. Service tokens and provisioning tokens are made by the owner alone (and the operator):
//!    an administrator would give them more than its own access level allows, and a
//!    provisioning token, which does not expire, is never made with a token that does (a
//!    service account's).

use super::principal::{Actor, Principal};
use super::scopes;
use crate::UserId;
use crate::rbac::BuiltInRole;
use crate::users::{AccessLevel, User, UserChange, UserStatus};
use std::collections::BTreeSet;

/// What a caller asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ListUsers,
    GetUser,
    CreateUser,
    UpdateUser,
    DeleteUser,
    ChangePassword,
    /// Check a user's password, or reveal its API secret with it.
    VerifyPassword,
    RecordActivity,
    ListAccountKeys,
    GetAccountKey,
    CreateAccountKey,
    DeleteAccountKey,
    ListUserKeys,
    GetUserKey,
    CreateUserKey,
    DeleteUserKey,
    ListRoles,
    GetRole,
    CreateRole,
    UpdateRole,
    DeleteRole,
    ListPolicies,
    GetPolicy,
    CreatePolicy,
    UpdatePolicy,
    DeletePolicy,
    ReadGroups,
    WriteGroups,
    ReadFolders,
    WriteFolders,
    /// Issue or revoke a user's secret key.
    WriteSecretKeys,
    IssueToken,
    /// Create, list or revoke the tenant's provisioning tokens (SCIM).
    ManageProvisioningTokens,
    ReadTenant,
    /// Create, list or delete tenants of the installation.
    AdministerTenants,
    /// Read the tenant's change events.
    ReadEvents,
    /// Create, change, list or delete the tenant's webhook subscriptions.
    ManageWebhooks,
}

impl Action {
    /// The scope a token needs for the action.
    pub fn scope(self) -> &'static str {
        use Action as A;
        match self {
            A::ListUsers | A::GetUser => scopes::USERS_READ,
            A::CreateUser | A::UpdateUser | A::DeleteUser | A::ChangePassword => {
                scopes::USERS_WRITE
            }
            A::RecordActivity => scopes::USERS_WRITE,
            A::VerifyPassword => scopes::PASSWORDS_VERIFY,
            A::ListAccountKeys | A::GetAccountKey | A::ListUserKeys | A::GetUserKey => {
                scopes::KEYS_READ
            }
            A::CreateAccountKey | A::DeleteAccountKey | A::CreateUserKey | A::DeleteUserKey => {
                scopes::KEYS_WRITE
            }
            A::ListRoles | A::GetRole | A::ListPolicies | A::GetPolicy => scopes::ROLES_READ,
            A::CreateRole
            | A::UpdateRole
            | A::DeleteRole
            | A::CreatePolicy
            | A::UpdatePolicy
            | A::DeletePolicy => scopes::ROLES_WRITE,
            A::ReadGroups => scopes::GROUPS_READ,
            A::WriteGroups => scopes::GROUPS_WRITE,
            A::ReadFolders => scopes::FOLDERS_READ,
            A::WriteFolders => scopes::FOLDERS_WRITE,
            A::WriteSecretKeys => scopes::SECRET_KEYS_WRITE,
            A::IssueToken | A::ManageProvisioningTokens => scopes::TOKENS_ISSUE,
            A::ReadTenant => scopes::TENANT_READ,
            A::AdministerTenants => scopes::ADMIN,
            A::ReadEvents => scopes::EVENTS_READ,
            A::ManageWebhooks => scopes::WEBHOOKS_MANAGE,
        }
    }

    /// The CloudAPI RBAC action (route name) that allows it to a user who is not an
    /// administrator; `None` when only administrators may.
    pub fn rbac(self) -> Option<&'static str> {
        use Action as A;
        Some(match self {
            A::ListUsers => "listusers",
            A::GetUser => "getuser",
            A::CreateUser => "createuser",
            A::UpdateUser => "updateuser",
            A::DeleteUser => "deleteuser",
            A::ChangePassword => "changeuserpassword",
            A::ListAccountKeys => "listkeys",
            A::GetAccountKey => "getkey",
            A::CreateAccountKey => "createkey",
            A::DeleteAccountKey => "deletekey",
            A::ListUserKeys => "listuserkeys",
            A::GetUserKey => "getuserkey",
            A::CreateUserKey => "createuserkey",
            A::DeleteUserKey => "deleteuserkey",
            A::ListRoles => "listroles",
            A::GetRole => "getrole",
            A::CreateRole => "createrole",
            A::UpdateRole => "updaterole",
            A::DeleteRole => "deleterole",
            A::ListPolicies => "listpolicies",
            A::GetPolicy => "getpolicy",
            A::CreatePolicy => "createpolicy",
            A::UpdatePolicy => "updatepolicy",
            A::DeletePolicy => "deletepolicy",
            A::ReadTenant => "getaccount",
            A::VerifyPassword
            | A::RecordActivity
            | A::ReadGroups
            | A::WriteGroups
            | A::ReadFolders
            | A::WriteFolders
            | A::WriteSecretKeys
            | A::IssueToken
            | A::ManageProvisioningTokens
            | A::AdministerTenants
            | A::ReadEvents
            | A::ManageWebhooks => return None,
        })
    }

    /// Creates or removes a credential.
    fn mints(self) -> bool {
        matches!(
            self,
            Self::CreateAccountKey
                | Self::DeleteAccountKey
                | Self::CreateUserKey
                | Self::DeleteUserKey
                | Self::WriteSecretKeys
                | Self::IssueToken
                | Self::ManageProvisioningTokens
        )
    }

    /// Writes the target user's record or credentials.
    fn writes_user(self) -> bool {
        matches!(
            self,
            Self::UpdateUser
                | Self::DeleteUser
                | Self::ChangePassword
                | Self::CreateUserKey
                | Self::DeleteUserKey
                | Self::WriteSecretKeys
        )
    }

    /// Writes the owner's account keys.
    fn writes_account(self) -> bool {
        matches!(self, Self::CreateAccountKey | Self::DeleteAccountKey)
    }
}

/// Why the policy said no. The message is safe to show to the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("the token does not allow `{0}`")]
    MissingScope(&'static str),
    #[error("this credential cannot create or remove credentials")]
    Credential,
    #[error("the caller may not do this")]
    NotAllowed,
    #[error("only the owner may change the owner's account")]
    OwnerProtected,
    #[error("a user cannot change its own access level, status or roles")]
    SelfChange,
    #[error("the caller cannot give what it does not hold")]
    Escalation,
    #[error("the caller cannot change a user with more rights than its own")]
    Outranked,
}

/// The user a request acts on, as far as the policy needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub id: UserId,
    pub access_level: AccessLevel,
    pub status: UserStatus,
    pub built_in: BTreeSet<BuiltInRole>,
    /// The names of the RBAC roles it holds.
    pub roles: BTreeSet<String>,
}

impl Subject {
    pub fn of(user: &User) -> Self {
        Self {
            id: user.id,
            access_level: user.access_level,
            status: user.status,
            built_in: user.role_keys().into_iter().collect(),
            roles: user
                .roles
                .iter()
                .filter(|r| r.built_in.is_none())
                .map(|r| r.name.as_str().to_owned())
                .collect(),
        }
    }

    fn is_admin(&self) -> bool {
        self.access_level.is_admin() || self.built_in.contains(&BuiltInRole::OrgAdmin)
    }
}

/// May `p` run `action`, on `target` when the action is about one user (`None` for actions
/// on the tenant, its account keys, roles, groups or folders)?
///
/// # Errors
/// Why not.
pub fn authorize(p: &Principal, action: Action, target: Option<&Subject>) -> Result<(), Denied> {
    if p.is_operator() {
        return Ok(());
    }
    if !p.has_scope(action.scope()) {
        return Err(Denied::MissingScope(action.scope()));
    }
    if action == Action::AdministerTenants {
        return Err(Denied::NotAllowed);
    }
    if action.mints() && !p.credential.may_mint() {
        return Err(Denied::Credential);
    }
    if let Actor::Member(m) = &p.actor
        && !m.is_admin()
        && !action.rbac().is_some_and(|a| m.may(a))
        && !(action == Action::WriteSecretKeys && m.secret_key_admin)
    {
        return Err(Denied::NotAllowed);
    }
    // A service token administers the tenant: only the owner may create one (an
    // administrator would give it more than its own access level allows).
    if action == Action::IssueToken && p.member().is_some_and(|m| !m.owner) {
        return Err(Denied::NotAllowed);
    }
    // A provisioning token does not expire: only the owner manages them, never a service
    // account, whose token does.
    if action == Action::ManageProvisioningTokens && !p.is_owner() {
        return Err(Denied::NotAllowed);
    }
    // A webhook sends every change of the tenant to a URL of its maker's choosing for as long
    // as it exists: the owner's decision alone.
    if action == Action::ManageWebhooks && !p.is_owner() {
        return Err(Denied::NotAllowed);
    }
    if action.writes_account() && !p.is_owner() {
        return Err(Denied::OwnerProtected);
    }
    if let Some(t) = target
        && action.writes_user()
    {
        may_write(p, t)?;
        if action == Action::DeleteUser && p.user() == Some(t.id) && !p.is_owner() {
            return Err(Denied::SelfChange);
        }
    }
    Ok(())
}

/// The owner is written by the owner alone; an administrator writes itself and users whose
/// access level it could give; a user who is not an administrator writes only itself and
/// users it outranks.
fn may_write(p: &Principal, t: &Subject) -> Result<(), Denied> {
    if p.owner == Some(t.id) {
        return if p.is_owner() {
            Ok(())
        } else {
            Err(Denied::OwnerProtected)
        };
    }
    match &p.actor {
        Actor::Operator | Actor::Integration | Actor::Service => Ok(()),
        Actor::Member(m) if m.user == t.id => Ok(()),
        // An administrator who could write a higher access level's password, keys or secret
        // key would act as that user, and so give what it does not hold.
        Actor::Member(m) if m.is_admin() => {
            if t.access_level > p.max_grantable_level() {
                Err(Denied::Outranked)
            } else {
                Ok(())
            }
        }
        Actor::Member(m) => {
            let held = m.role_names();
            if t.is_admin() || !t.roles.iter().all(|r| held.contains(r.as_str())) {
                Err(Denied::Outranked)
            } else {
                Ok(())
            }
        }
    }
}

/// May `p` make `changes` to `target` (`None`: a user being created)? Checks what
/// [`authorize`] cannot see: access levels, statuses and built-in roles given or taken.
///
/// # Errors
/// Why not.
pub fn check_user_changes(
    p: &Principal,
    target: Option<&Subject>,
    changes: &[UserChange],
) -> Result<(), Denied> {
    if p.is_operator() {
        return Ok(());
    }
    if let Some(t) = target {
        may_write(p, t)?;
    }
    let own = target.is_some_and(|t| p.user() == Some(t.id)) && !p.is_owner();
    for change in changes {
        match change {
            UserChange::AccessLevel(level) => {
                if target.is_some_and(|t| t.access_level == *level) {
                    continue;
                }
                if own {
                    return Err(Denied::SelfChange);
                }
                if *level > p.max_grantable_level() {
                    return Err(Denied::Escalation);
                }
            }
            UserChange::Status(status) if own && target.is_some_and(|t| t.status != *status) => {
                return Err(Denied::SelfChange);
            }
            UserChange::RoleKeys(keys) => {
                let wanted: BTreeSet<BuiltInRole> = keys.iter().copied().collect();
                let current = target.map(|t| t.built_in.clone()).unwrap_or_default();
                if wanted == current {
                    continue;
                }
                if own {
                    return Err(Denied::SelfChange);
                }
                // `org` is what every new user holds; anything else is a grant.
                let given = wanted.difference(&current).any(|r| *r != BuiltInRole::Org);
                let taken = current.difference(&wanted).next().is_some();
                if (given || taken) && !p.is_tenant_admin() {
                    return Err(Denied::Escalation);
                }
                if wanted.difference(&current).any(|r| !p.holds_builtin(*r)) {
                    return Err(Denied::Escalation);
                }
            }
            UserChange::Status(_)
            | UserChange::Login(_)
            | UserChange::Email(_)
            | UserChange::Profile(..)
            | UserChange::ExternalId(_)
            | UserChange::PersonType(_)
            | UserChange::Metadata(_)
            | UserChange::MetadataEntries(_)
            | UserChange::PasswordChangeRequired(_)
            | UserChange::Groups(_)
            | UserChange::Folders(_)
            | UserChange::License(_)
            | UserChange::DoNotEmail(_)
            | UserChange::Password(_) => {}
        }
    }
    Ok(())
}

/// May `p` add `targets` to a group or remove them from one (`ChangeGroupMembers`, after
/// [`authorize`] allowed `WriteGroups`)? Each target is judged as an update of its groups
/// (`UpdateUser` with a `groups` mask) would judge it: the owner's memberships are changed by
/// the owner alone, an administrator's only for users whose access level it could give, and
/// a user who is not an administrator changes only its own and those of users it outranks.
///
/// # Errors
/// Why not, for the first target refused.
pub fn check_member_changes(p: &Principal, targets: &[Subject]) -> Result<(), Denied> {
    if p.is_operator() {
        return Ok(());
    }
    targets.iter().try_for_each(|t| may_write(p, t))
}

/// May `p` give (through a role or policy it writes) the RBAC actions `actions`, and change
/// the memberships of `members` (users added to or removed from a role)?
///
/// # Errors
/// `Escalation` when an action is not the caller's own, `OwnerProtected` when a membership
/// of the owner would change, `SelfChange` when the caller's own would.
pub fn check_rbac_actions<'a>(
    p: &Principal,
    actions: impl IntoIterator<Item = &'a str>,
    members: impl IntoIterator<Item = UserId>,
) -> Result<(), Denied> {
    if p.is_operator() {
        return Ok(());
    }
    for user in members {
        if p.owner == Some(user) && !p.is_owner() {
            return Err(Denied::OwnerProtected);
        }
        if p.user() == Some(user) && !p.is_owner() {
            return Err(Denied::SelfChange);
        }
    }
    if let Actor::Member(m) = &p.actor
        && !m.is_admin()
    {
        for action in actions {
            if !m.may(action) {
                return Err(Denied::Escalation);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

impl Principal {
    /// The caller's tenant, once [`authorize`] allowed `action` on it.
    ///
    /// # Errors
    /// As [`authorize`]; `NotAllowed` when the caller names no tenant.
    pub fn authorized(&self, action: Action) -> Result<crate::TenantId, Denied> {
        authorize(self, action, None)?;
        self.tenant.ok_or(Denied::NotAllowed)
    }

    /// The caller's tenant, once [`authorize`] allowed `action` on the user `target`.
    ///
    /// # Errors
    /// As [`authorize`].
    pub fn authorized_on(&self, action: Action, target: &User) -> Result<crate::TenantId, Denied> {
        authorize(self, action, Some(&Subject::of(target)))?;
        self.tenant.ok_or(Denied::NotAllowed)
    }
}
