//! Built-in roles: the Cloud Elements role keys and SureCloud's Secret Key Administrator,
//! kept in the same role catalogue as the RBAC roles but in a namespace of their own. They
//! carry no policies; what they allow is decided by the dialects and by the policy
//! (`org-admin` administers the tenant, `secret-key-admin` manages the secret keys of users
//! who are not administrators). Every tenant has all of them from its creation on; its owner
//! holds `org-admin` and `org`.

use std::fmt;

/// One built-in role, named by its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BuiltInRole {
    /// `org-admin`: administers the organization (the tenant) and its users.
    OrgAdmin,
    /// `admin`: administers the account's applications.
    Admin,
    /// `org`: an ordinary user of the organization.
    Org,
    /// `secret-key-admin`: SureCloud's Secret Key Administrator; issues and revokes the
    /// secret keys of users who are not administrators (see the policy's rule 6).
    SecretKeyAdmin,
}

impl BuiltInRole {
    pub const ALL: [BuiltInRole; 4] =
        [Self::OrgAdmin, Self::Admin, Self::Org, Self::SecretKeyAdmin];

    /// The stable key (also the stored role name).
    pub fn key(self) -> &'static str {
        match self {
            Self::OrgAdmin => "org-admin",
            Self::Admin => "admin",
            Self::Org => "org",
            Self::SecretKeyAdmin => "secret-key-admin",
        }
    }

    /// The role with this key (exact, as Cloud Elements' keys are lower case).
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }
}

impl fmt::Display for BuiltInRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_unknown_ones_are_none() {
        for r in BuiltInRole::ALL {
            assert_eq!(BuiltInRole::from_key(r.key()), Some(r));
        }
        assert_eq!(BuiltInRole::from_key("sys-admin"), None);
        assert_eq!(BuiltInRole::from_key("ORG"), None);
    }
}
