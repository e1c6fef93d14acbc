//! Scopes a token can carry: a coarse first gate on what a token may be used for. They
//! never decide alone: [`super::authorize`] looks at who the caller is now.

pub const USERS_READ: &str = "users.read";
pub const USERS_WRITE: &str = "users.write";
pub const GROUPS_READ: &str = "groups.read";
pub const GROUPS_WRITE: &str = "groups.write";
pub const KEYS_READ: &str = "keys.read";
pub const KEYS_WRITE: &str = "keys.write";
pub const ROLES_READ: &str = "roles.read";
pub const ROLES_WRITE: &str = "roles.write";
pub const PASSWORDS_VERIFY: &str = "passwords.verify";
pub const TENANT_READ: &str = "tenant.read";
pub const TOKENS_ISSUE: &str = "tokens.issue";
pub const FOLDERS_READ: &str = "folders.read";
pub const FOLDERS_WRITE: &str = "folders.write";
/// Issue and revoke users' secret keys.
pub const SECRET_KEYS_WRITE: &str = "secret_keys.write";
/// Read the tenant's change events (every user and every change made to them).
pub const EVENTS_READ: &str = "events.read";
/// Manage the tenant's webhook subscriptions.
pub const WEBHOOKS_MANAGE: &str = "webhooks.manage";
/// Tenants of the whole installation.
pub const ADMIN: &str = "admin";

/// Everything a tenant's administrator may do.
pub const TENANT_ADMIN: &[&str] = &[
    USERS_READ,
    USERS_WRITE,
    GROUPS_READ,
    GROUPS_WRITE,
    KEYS_READ,
    KEYS_WRITE,
    ROLES_READ,
    ROLES_WRITE,
    PASSWORDS_VERIFY,
    TENANT_READ,
    TOKENS_ISSUE,
    FOLDERS_READ,
    FOLDERS_WRITE,
    SECRET_KEYS_WRITE,
    EVENTS_READ,
    WEBHOOKS_MANAGE,
];

/// What a token exchanged for a SCIM provisioning token carries: users and groups, nothing
/// else (no folders, roles, keys, passwords, tenant or credentials).
pub const PROVISIONING: &[&str] = &[USERS_READ, USERS_WRITE, GROUPS_READ, GROUPS_WRITE];

/// Scopes that mint or manage credentials: a token obtained with a credential that may not
/// mint ([`super::CredentialKind::may_mint`]) never carries them.
pub const CREDENTIAL_ADMIN: &[&str] = &[TOKENS_ISSUE, SECRET_KEYS_WRITE, KEYS_WRITE];

pub const ALL: &[&str] = &[
    USERS_READ,
    USERS_WRITE,
    GROUPS_READ,
    GROUPS_WRITE,
    KEYS_READ,
    KEYS_WRITE,
    ROLES_READ,
    ROLES_WRITE,
    PASSWORDS_VERIFY,
    TENANT_READ,
    TOKENS_ISSUE,
    ADMIN,
    FOLDERS_READ,
    FOLDERS_WRITE,
    SECRET_KEYS_WRITE,
    EVENTS_READ,
    WEBHOOKS_MANAGE,
];

/// The scope an RBAC action (a CloudAPI route name) needs; `None` for unknown actions.
pub fn for_action(action: &str) -> Option<&'static str> {
    Some(match action {
        "listusers" | "getuser" => USERS_READ,
        "createuser" | "updateuser" | "deleteuser" | "changeuserpassword" => USERS_WRITE,
        "listkeys" | "getkey" | "listuserkeys" | "getuserkey" => KEYS_READ,
        "createkey" | "deletekey" | "createuserkey" | "deleteuserkey" => KEYS_WRITE,
        "listroles" | "getrole" | "listpolicies" | "getpolicy" => ROLES_READ,
        "createrole" | "updaterole" | "deleterole" | "createpolicy" | "updatepolicy"
        | "deletepolicy" => ROLES_WRITE,
        "getaccount" => TENANT_READ,
        _ => return None,
    })
}
