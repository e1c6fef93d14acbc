//! The user entity and the small types around it.

use crate::folders::FolderRef;
use crate::groups::GroupRef;
use crate::values::{Email, ExternalId, GroupPath, Login, Metadata};
use crate::{GroupId, TenantId, Timestamp, UserId};

/// One person in a tenant's directory, seen the same way through every dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    /// A positive integer, unique in the installation (Cloud Elements shows integer ids).
    pub number: i64,
    pub tenant: TenantId,
    pub login: Login,
    pub email: Email,
    pub profile: Profile,
    pub external_id: Option<ExternalId>,
    pub status: UserStatus,
    pub person_type: PersonType,
    pub access_level: AccessLevel,
    pub metadata: Metadata,
    pub password_change_required: bool,
    pub has_password: bool,
    /// In the order the write that set them gave (older memberships: by path).
    pub groups: Vec<GroupRef>,
    /// Most recently synchronised first.
    pub devices: Vec<Device>,
    /// The roles the user holds, sorted by name: RBAC roles and built-in roles (marked).
    pub roles: Vec<crate::rbac::UserRole>,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub last_activity: Option<Timestamp>,
    /// Incremented on every write; the etag is derived from it.
    pub version: i64,
    /// The folders the user is granted, sorted by name (without case).
    pub folders: Vec<FolderRef>,
    /// Forms On Fire `Type`.
    pub license: LicenseType,
    /// The platform must send this user no email (Forms On Fire `DoNotEmail`).
    pub do_not_email: bool,
}

impl User {
    /// The opaque concurrency token clients send back (AIP-154).
    pub fn etag(&self) -> String {
        etag_of(self.version)
    }

    /// The built-in roles the user holds, in key order.
    pub fn role_keys(&self) -> Vec<crate::rbac::BuiltInRole> {
        let mut keys: Vec<_> = self.roles.iter().filter_map(|r| r.built_in).collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Whether the user holds the built-in role `role`.
    pub fn holds(&self, role: crate::rbac::BuiltInRole) -> bool {
        self.roles.iter().any(|r| r.built_in == Some(role))
    }
}

/// The etag of a record at `version`.
pub fn etag_of(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// The version an etag was made from; `None` for text that is not one of our etags.
pub fn version_of_etag(etag: &str) -> Option<i64> {
    etag.strip_prefix("W/\"")?.strip_suffix('"')?.parse().ok()
}

/// The optional free-text fields of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    pub job_title: Option<String>,
    pub company_name: Option<String>,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub phone: Option<String>,
    pub time_zone: Option<String>,
}

impl Profile {
    /// `first last`, or whichever is set.
    pub fn full_name(&self) -> Option<String> {
        match (&self.first_name, &self.last_name) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (Some(x), None) | (None, Some(x)) => Some(x.clone()),
            (None, None) => None,
        }
    }
}

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The value whose stable name is `text` (ASCII case ignored).
            pub fn from_name(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(text))
            }
        }
    };
}

string_enum!(
    /// Whether a user may sign in. SureCloud `enabled` and Cloud Elements `active` are
    /// `status == Active`.
    UserStatus { Invited = "INVITED", Active = "ACTIVE", Disabled = "DISABLED" }
);

string_enum!(
    /// SureCloud's person type.
    PersonType { Internal = "INTERNAL", External = "EXTERNAL" }
);

string_enum!(
    /// What a user may do in the tenant's applications; ordered from least to most. `None` is
    /// a user without a website role (Forms On Fire's `WebsiteRole`, "if any").
    AccessLevel {
        None = "NONE",
        ReadOnly = "READ_ONLY",
        User = "USER",
        Admin = "ADMIN",
        EnterpriseAdmin = "ENTERPRISE_ADMIN",
        VendorAdmin = "VENDOR_ADMIN",
        SuperAdmin = "SUPER_ADMIN",
    }
);

string_enum!(
    /// The licence a user holds (Forms On Fire `Type`); `Lite` and `Full` are legacy kinds.
    LicenseType { Standard = "STANDARD", Premium = "PREMIUM", Lite = "LITE", Full = "FULL" }
);

impl AccessLevel {
    /// Administrators manage the tenant's users.
    pub fn is_admin(self) -> bool {
        self >= AccessLevel::Admin
    }
}

/// A device a user was seen on (Forms On Fire `UserDevices`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub os: Option<String>,
    pub os_version: Option<String>,
    pub app_version: Option<String>,
    pub name: Option<String>,
    pub last_sync: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    #[error("device id must be 1-128 characters without control characters")]
    Id,
    #[error("device fields must be at most 256 characters without control characters")]
    Field,
}

impl Device {
    pub fn parse(
        id: &str,
        os: Option<&str>,
        os_version: Option<&str>,
        app_version: Option<&str>,
        name: Option<&str>,
        last_sync: Timestamp,
    ) -> Result<Self, DeviceError> {
        let id = id.trim();
        if !(1..=128).contains(&id.chars().count()) || id.chars().any(char::is_control) {
            return Err(DeviceError::Id);
        }
        let field = |v: Option<&str>| -> Result<Option<String>, DeviceError> {
            match v.map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) if s.chars().count() <= 256 && !s.chars().any(char::is_control) => {
                    Ok(Some(s.to_owned()))
                }
                Some(_) => Err(DeviceError::Field),
            }
        };
        Ok(Self {
            id: id.to_owned(),
            os: field(os)?,
            os_version: field(os_version)?,
            app_version: field(app_version)?,
            name: field(name)?,
            last_sync,
        })
    }
}

/// How a request names one user of its tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserKey {
    Id(UserId),
    Number(i64),
    /// Matched without case.
    Login(Login),
    /// Matched without case.
    Email(Email),
    ExternalId(ExternalId),
}

/// How a request names a group a user should belong to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GroupSelector {
    Id(GroupId),
    Path(GroupPath),
    ExternalId(ExternalId),
}

impl std::fmt::Display for GroupSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GroupSelector::Id(id) => write!(f, "group {id}"),
            GroupSelector::Path(p) => write!(f, "group '{p}'"),
            GroupSelector::ExternalId(x) => write!(f, "group with external id '{x}'"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_round_trip() {
        assert_eq!(version_of_etag(&etag_of(42)), Some(42));
        assert_eq!(version_of_etag("42"), None);
        assert_eq!(version_of_etag("W/\"x\""), None);
    }

    #[test]
    fn enum_names_round_trip_and_order_access() {
        for s in UserStatus::ALL {
            assert_eq!(UserStatus::from_name(s.as_str()), Some(*s));
        }
        assert_eq!(
            AccessLevel::from_name("read_only"),
            Some(AccessLevel::ReadOnly)
        );
        assert!(AccessLevel::SuperAdmin.is_admin() && !AccessLevel::User.is_admin());
    }
}
