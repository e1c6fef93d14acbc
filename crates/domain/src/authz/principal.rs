//! Who is calling: the tenant, the kind of caller, and the credential it came with.

use crate::rbac::{BuiltInRole, RoleGrant};
use crate::users::AccessLevel;
use crate::{TenantId, UserId};
use std::collections::BTreeSet;

/// How the caller proved who it is. The kind bounds what the credential may mint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// CloudAPI: a request signed with an SSH key.
    SshKey,
    /// SureCloud: a user's email and secret key.
    SecretKey,
    /// Cloud Elements: a user secret and the organization secret.
    OrganizationSecret,
    /// Forms On Fire: the company id and its integration key.
    IntegrationKey,
    /// A user's password.
    Password,
    /// A token issued to a service account (`IssueToken`, `roster token issue`).
    ServiceToken,
    /// The installation's operator (the `roster` CLI on the server, or an `admin` token).
    Operator,
    /// SCIM: a tenant's provisioning token (see [`crate::provisioning`]).
    ProvisioningToken,
}

impl CredentialKind {
    /// Whether a caller holding this credential may create keys, secret keys or tokens.
    /// Secret keys, organization secrets, integration keys and provisioning tokens may not:
    /// what they made would outlive them (revoking the secret key would no longer end the
    /// access).
    pub fn may_mint(self) -> bool {
        matches!(
            self,
            Self::SshKey | Self::Password | Self::ServiceToken | Self::Operator
        )
    }

    /// The stable name carried in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SshKey => "ssh_key",
            Self::SecretKey => "secret_key",
            Self::OrganizationSecret => "organization_secret",
            Self::IntegrationKey => "integration_key",
            Self::Password => "password",
            Self::ServiceToken => "service_token",
            Self::Operator => "operator",
            Self::ProvisioningToken => "provisioning_token",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::SshKey,
            Self::SecretKey,
            Self::OrganizationSecret,
            Self::IntegrationKey,
            Self::Password,
            Self::ServiceToken,
            Self::Operator,
            Self::ProvisioningToken,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }
}

/// A user's authority as stored: what a token names is checked against it on every call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAuthority {
    pub status: crate::users::UserStatus,
    pub access_level: AccessLevel,
    /// Moves on every change that must end the tokens the user holds.
    pub epoch: i64,
    pub org_admin: bool,
    /// Holds the built-in `secret-key-admin` role.
    pub secret_key_admin: bool,
    /// Every RBAC role the user holds, default or not.
    pub grants: Vec<RoleGrant>,
}

/// What a user of the tenant may do, as the store has it at the time of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberAuthority {
    pub user: UserId,
    /// The tenant's owner.
    pub owner: bool,
    pub access_level: AccessLevel,
    /// Holds the built-in `org-admin` role.
    pub org_admin: bool,
    /// Holds the built-in `secret-key-admin` role (SureCloud's Secret Key Administrator).
    pub secret_key_admin: bool,
    /// The RBAC roles in force for this call: the user's default roles, or those the request
    /// named (CloudAPI `as-role`).
    pub active: Vec<RoleGrant>,
}

impl MemberAuthority {
    /// Administers the tenant's users: the owner, an administrator access level, or
    /// `org-admin` (Cloud Elements' organization administrators).
    pub fn is_admin(&self) -> bool {
        self.owner || self.access_level.is_admin() || self.org_admin
    }

    /// Whether one of the active roles allows the RBAC action `action`.
    pub fn may(&self, action: &str) -> bool {
        self.active
            .iter()
            .any(|g| g.actions.contains(action) || g.actions.contains("*"))
    }

    /// The names of the active roles.
    pub fn role_names(&self) -> BTreeSet<&str> {
        self.active.iter().map(|g| g.name.as_str()).collect()
    }
}

/// The kind of caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The installation's operator: every tenant, every action.
    Operator,
    /// A tenant-wide integration credential (Forms On Fire's integration key, a SCIM
    /// provisioning token): administers the tenant's users, never its owner, never
    /// credentials.
    Integration,
    /// A service account: what its token's scopes allow, never the owner.
    Service,
    /// A user of the tenant.
    Member(MemberAuthority),
}

/// The verified caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The tenant the caller belongs to; `None` only for the operator.
    pub tenant: Option<TenantId>,
    /// The tenant's owner, when it has one.
    pub owner: Option<UserId>,
    pub actor: Actor,
    pub credential: CredentialKind,
    /// Which credential of that kind: an SSH key's MD5 fingerprint, a secret key's id, the
    /// company id of an integration key, a service token's subject, a provisioning token's
    /// id; `None` when the kind
    /// names it well enough (the operator, an organization secret).
    pub credential_id: Option<String>,
    /// What the caller's token allows at most (coarse: see [`super::scopes`]).
    pub scopes: BTreeSet<String>,
}

impl Principal {
    /// The installation's operator (the CLI, and the core's own bookkeeping).
    pub fn operator() -> Self {
        Self {
            tenant: None,
            owner: None,
            actor: Actor::Operator,
            credential: CredentialKind::Operator,
            credential_id: None,
            scopes: super::scopes::ALL.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// The operator acting inside one tenant (the CLI's tenant commands).
    pub fn operator_in(tenant: TenantId, owner: Option<UserId>) -> Self {
        Self {
            tenant: Some(tenant),
            owner,
            ..Self::operator()
        }
    }

    pub fn is_operator(&self) -> bool {
        matches!(self.actor, Actor::Operator)
    }

    /// The user behind the call, if it is a user of the tenant.
    pub fn member(&self) -> Option<&MemberAuthority> {
        match &self.actor {
            Actor::Member(m) => Some(m),
            Actor::Operator | Actor::Integration | Actor::Service => None,
        }
    }

    /// The calling user's id, if any.
    pub fn user(&self) -> Option<crate::UserId> {
        self.member().map(|m| m.user)
    }

    /// Whether the caller is the tenant's owner.
    pub fn is_owner(&self) -> bool {
        self.member().is_some_and(|m| m.owner)
    }

    /// Administers the tenant's users (not necessarily its owner or credentials).
    pub fn is_tenant_admin(&self) -> bool {
        match &self.actor {
            Actor::Operator | Actor::Integration | Actor::Service => true,
            Actor::Member(m) => m.is_admin(),
        }
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
    }

    /// Whether the caller holds the built-in role `role`, as far as granting it goes: tenant
    /// administrators hold every built-in role.
    pub fn holds_builtin(&self, _role: BuiltInRole) -> bool {
        self.is_tenant_admin()
    }

    /// The highest access level the caller may give: the operator, the owner, integration
    /// credentials and service accounts any; an administrator up to its own level (at least
    /// `ADMIN` for `org-admin` holders); another member up to its own level.
    pub fn max_grantable_level(&self) -> AccessLevel {
        match &self.actor {
            Actor::Operator | Actor::Integration | Actor::Service => AccessLevel::SuperAdmin,
            Actor::Member(m) if m.owner => AccessLevel::SuperAdmin,
            Actor::Member(m) if m.org_admin => m.access_level.max(AccessLevel::Admin),
            Actor::Member(m) => m.access_level,
        }
    }
}
