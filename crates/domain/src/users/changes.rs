//! What a client may write on a user: one [`UserChange`] per field, applied in order.

use super::batch::UpsertWarning;
use super::model::{
    AccessLevel, GroupSelector, LicenseType, PersonType, Profile, User, UserStatus,
};
use crate::FieldViolations;
use crate::folders::FolderKey;
use crate::rbac::BuiltInRole;
use crate::values::{Email, ExternalId, Login, Metadata, PasswordHash};

/// The free-text fields of [`Profile`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileField {
    FirstName,
    LastName,
    DisplayName,
    JobTitle,
    CompanyName,
    Address,
    PostalCode,
    City,
    State,
    Country,
    Phone,
    TimeZone,
}

impl ProfileField {
    pub const ALL: [ProfileField; 12] = [
        Self::FirstName,
        Self::LastName,
        Self::DisplayName,
        Self::JobTitle,
        Self::CompanyName,
        Self::Address,
        Self::PostalCode,
        Self::City,
        Self::State,
        Self::Country,
        Self::Phone,
        Self::TimeZone,
    ];
}

impl Profile {
    pub fn get(&self, field: ProfileField) -> Option<&str> {
        self.slot(field).map(String::as_str)
    }

    pub fn set(&mut self, field: ProfileField, value: Option<String>) {
        *self.slot_mut(field) = value;
    }

    fn slot(&self, field: ProfileField) -> Option<&String> {
        match field {
            ProfileField::FirstName => self.first_name.as_ref(),
            ProfileField::LastName => self.last_name.as_ref(),
            ProfileField::DisplayName => self.display_name.as_ref(),
            ProfileField::JobTitle => self.job_title.as_ref(),
            ProfileField::CompanyName => self.company_name.as_ref(),
            ProfileField::Address => self.address.as_ref(),
            ProfileField::PostalCode => self.postal_code.as_ref(),
            ProfileField::City => self.city.as_ref(),
            ProfileField::State => self.state.as_ref(),
            ProfileField::Country => self.country.as_ref(),
            ProfileField::Phone => self.phone.as_ref(),
            ProfileField::TimeZone => self.time_zone.as_ref(),
        }
    }

    fn slot_mut(&mut self, field: ProfileField) -> &mut Option<String> {
        match field {
            ProfileField::FirstName => &mut self.first_name,
            ProfileField::LastName => &mut self.last_name,
            ProfileField::DisplayName => &mut self.display_name,
            ProfileField::JobTitle => &mut self.job_title,
            ProfileField::CompanyName => &mut self.company_name,
            ProfileField::Address => &mut self.address,
            ProfileField::PostalCode => &mut self.postal_code,
            ProfileField::City => &mut self.city,
            ProfileField::State => &mut self.state,
            ProfileField::Country => &mut self.country,
            ProfileField::Phone => &mut self.phone,
            ProfileField::TimeZone => &mut self.time_zone,
        }
    }
}

/// The writable fields of a user, as named in update masks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserField {
    Login,
    Email,
    Profile(ProfileField),
    ExternalId,
    Status,
    PersonType,
    AccessLevel,
    Metadata,
    PasswordChangeRequired,
    Groups,
    Folders,
    License,
    DoNotEmail,
    /// The built-in roles held (`role_keys`).
    RoleKeys,
}

impl UserField {
    /// The field named by an update-mask path (`first_name`, `groups`, ...).
    pub fn from_path(path: &str) -> Option<Self> {
        Some(match path {
            "login" => Self::Login,
            "email" => Self::Email,
            "first_name" => Self::Profile(ProfileField::FirstName),
            "last_name" => Self::Profile(ProfileField::LastName),
            "display_name" => Self::Profile(ProfileField::DisplayName),
            "job_title" => Self::Profile(ProfileField::JobTitle),
            "company_name" => Self::Profile(ProfileField::CompanyName),
            "address" => Self::Profile(ProfileField::Address),
            "postal_code" => Self::Profile(ProfileField::PostalCode),
            "city" => Self::Profile(ProfileField::City),
            "state" => Self::Profile(ProfileField::State),
            "country" => Self::Profile(ProfileField::Country),
            "phone" => Self::Profile(ProfileField::Phone),
            "time_zone" => Self::Profile(ProfileField::TimeZone),
            "external_id" => Self::ExternalId,
            "status" => Self::Status,
            "person_type" => Self::PersonType,
            "access_level" => Self::AccessLevel,
            "metadata" => Self::Metadata,
            "password_change_required" => Self::PasswordChangeRequired,
            "groups" => Self::Groups,
            "folders" => Self::Folders,
            "license_type" => Self::License,
            "do_not_email" => Self::DoNotEmail,
            "role_keys" => Self::RoleKeys,
            _ => return None,
        })
    }
}

/// One field set to one value. `None` clears an optional field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserChange {
    Login(Login),
    Email(Email),
    Profile(ProfileField, Option<String>),
    ExternalId(Option<ExternalId>),
    Status(UserStatus),
    PersonType(PersonType),
    AccessLevel(AccessLevel),
    Metadata(Metadata),
    /// Single metadata entries set (`Some`) or removed (`None`), the others staying. Like
    /// groups, applied by the store ([`UserChange::merge_metadata`]), which reports the
    /// entries the metadata limits refuse.
    MetadataEntries(Vec<(String, Option<String>)>),
    PasswordChangeRequired(bool),
    /// The complete set of groups the user should belong to.
    Groups(Vec<GroupSelector>),
    /// The complete set of folders the user should be granted.
    Folders(Vec<FolderKey>),
    License(LicenseType),
    DoNotEmail(bool),
    /// A new password, already hashed. Only a use case makes this change (from a validated
    /// password), never an update mask; it is written with the other changes or not at all.
    Password(PasswordHash),
    /// The complete set of built-in roles the user should hold.
    RoleKeys(Vec<BuiltInRole>),
}

impl UserChange {
    /// The built-in roles asked for by the last `RoleKeys` change, if any. Like groups, they
    /// are resolved by the store, not by [`User::apply`].
    pub fn role_keys_in(changes: &[UserChange]) -> Option<&[BuiltInRole]> {
        changes.iter().rev().find_map(|c| {
            if let UserChange::RoleKeys(k) = c {
                Some(k.as_slice())
            } else {
                None
            }
        })
    }

    /// The folder selectors of the last `Folders` change, if any.
    pub fn folders_in(changes: &[UserChange]) -> Option<&[FolderKey]> {
        changes.iter().rev().find_map(|c| {
            if let UserChange::Folders(f) = c {
                Some(f.as_slice())
            } else {
                None
            }
        })
    }

    /// Applies every `MetadataEntries` change of `changes` to `metadata` (after the rest was
    /// applied); each entry the limits refuse is a warning at `user.metadata.<key>`.
    pub fn merge_metadata(changes: &[UserChange], metadata: &mut Metadata) -> Vec<UpsertWarning> {
        let mut warnings = Vec::new();
        for c in changes {
            if let UserChange::MetadataEntries(entries) = c {
                for (key, why) in metadata.merge(entries.iter().cloned()) {
                    warnings.push(UpsertWarning {
                        field: format!("user.metadata.{key}"),
                        message: why.to_string(),
                    });
                }
            }
        }
        warnings
    }

    /// The hash of the last `Password` change, if any.
    pub fn password_in(changes: &[UserChange]) -> Option<&PasswordHash> {
        changes.iter().rev().find_map(|c| {
            if let UserChange::Password(h) = c {
                Some(h)
            } else {
                None
            }
        })
    }
}

impl User {
    /// Applies every change except `Groups`, `Folders` and `RoleKeys`, which need the store
    /// to resolve; returns the group selectors of the last `Groups` change, if any (see
    /// [`UserChange::folders_in`] and [`UserChange::role_keys_in`] for the others).
    ///
    /// A login that is the email follows a new email unless the same changes set a login:
    /// most dialects have no logins of their own, and the old address must not stay reserved
    /// by this user.
    pub fn apply(&mut self, changes: &[UserChange]) -> Option<Vec<GroupSelector>> {
        let mut groups = None;
        let sets_login = changes.iter().any(|c| matches!(c, UserChange::Login(_)));
        for change in changes {
            match change {
                UserChange::Login(v) => self.login.clone_from(v),
                UserChange::Email(v) => {
                    if !sets_login
                        && self
                            .login
                            .as_str()
                            .eq_ignore_ascii_case(self.email.as_str())
                    {
                        self.login = Login::from_email(v);
                    }
                    self.email.clone_from(v);
                }
                UserChange::Profile(f, v) => self.profile.set(*f, v.clone()),
                UserChange::ExternalId(v) => self.external_id.clone_from(v),
                UserChange::Status(v) => self.status = *v,
                UserChange::PersonType(v) => self.person_type = *v,
                UserChange::AccessLevel(v) => self.access_level = *v,
                UserChange::Metadata(v) => self.metadata.clone_from(v),
                UserChange::PasswordChangeRequired(v) => self.password_change_required = *v,
                UserChange::Groups(v) => groups = Some(v.clone()),
                UserChange::License(v) => self.license = *v,
                UserChange::DoNotEmail(v) => self.do_not_email = *v,
                UserChange::Password(_) => self.has_password = true,
                // Resolved by the store.
                UserChange::Folders(_)
                | UserChange::RoleKeys(_)
                | UserChange::MetadataEntries(_) => {}
            }
        }
        groups
    }
}

/// A user to be created. The login defaults to the email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub login: Option<Login>,
    pub email: Email,
    pub profile: Profile,
    pub external_id: Option<ExternalId>,
    pub status: UserStatus,
    pub person_type: PersonType,
    pub access_level: AccessLevel,
    pub metadata: Metadata,
    pub password_change_required: bool,
    pub groups: Vec<GroupSelector>,
    pub folders: Vec<FolderKey>,
    pub license: LicenseType,
    pub do_not_email: bool,
    /// The built-in roles the user starts with.
    pub role_keys: Vec<BuiltInRole>,
    /// Single metadata entries, merged into `metadata` by the store (which applies the
    /// metadata limits to them, see [`UserChange::MetadataEntries`]).
    pub metadata_entries: Vec<(String, Option<String>)>,
}

impl NewUser {
    /// What creating this user gives it, as changes the policy judges.
    pub fn grants(&self) -> [UserChange; 2] {
        [
            UserChange::AccessLevel(self.access_level),
            UserChange::RoleKeys(self.role_keys.clone()),
        ]
    }

    /// A user with this email and every default: active, internal, access level `User`,
    /// standard licence.
    pub fn new(email: Email) -> Self {
        Self {
            login: None,
            email,
            profile: Profile::default(),
            external_id: None,
            status: UserStatus::Active,
            person_type: PersonType::Internal,
            access_level: AccessLevel::User,
            metadata: Metadata::default(),
            password_change_required: false,
            groups: Vec::new(),
            folders: Vec::new(),
            license: LicenseType::Standard,
            do_not_email: false,
            role_keys: Vec::new(),
            metadata_entries: Vec::new(),
        }
    }

    /// The login the user will have.
    pub fn effective_login(&self) -> Login {
        self.login
            .clone()
            .unwrap_or_else(|| Login::from_email(&self.email))
    }

    /// A new user made of `changes` on top of the defaults. `email` is required.
    pub fn from_changes(changes: &[UserChange]) -> Result<Self, FieldViolations> {
        let email = changes.iter().rev().find_map(|c| {
            if let UserChange::Email(e) = c {
                Some(e.clone())
            } else {
                None
            }
        });
        let Some(email) = email else {
            return Err(FieldViolations::single("user.email", "email is required"));
        };
        let mut new = Self::new(email);
        for change in changes {
            new.apply(change);
        }
        Ok(new)
    }

    fn apply(&mut self, change: &UserChange) {
        match change {
            UserChange::Login(v) => self.login = Some(v.clone()),
            UserChange::Email(v) => self.email.clone_from(v),
            UserChange::Profile(f, v) => self.profile.set(*f, v.clone()),
            UserChange::ExternalId(v) => self.external_id.clone_from(v),
            UserChange::Status(v) => self.status = *v,
            UserChange::PersonType(v) => self.person_type = *v,
            UserChange::AccessLevel(v) => self.access_level = *v,
            UserChange::Metadata(v) => self.metadata.clone_from(v),
            UserChange::PasswordChangeRequired(v) => self.password_change_required = *v,
            UserChange::Groups(v) => self.groups.clone_from(v),
            UserChange::Folders(v) => self.folders.clone_from(v),
            UserChange::License(v) => self.license = *v,
            UserChange::DoNotEmail(v) => self.do_not_email = *v,
            // A new user's password travels beside it (NewUserRecord::password_hash).
            UserChange::Password(_) => {}
            UserChange::MetadataEntries(v) => self.metadata_entries.extend(v.iter().cloned()),
            UserChange::RoleKeys(v) => self.role_keys.clone_from(v),
        }
    }
}

#[cfg(any(test, feature = "test-util"))]
impl NewUser {
    /// `user{n}` with email `user{n}@example.test`.
    pub fn fake(n: u32) -> Self {
        #[allow(clippy::expect_used)]
        let email = Email::parse(&format!("user{n}@example.test")).expect("valid email");
        let mut u = Self::new(email);
        u.login = Login::parse(&format!("user{n}")).ok();
        u.profile.first_name = Some(format!("First{n}"));
        u.profile.last_name = Some(format!("Last{n}"));
        u
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_paths_name_every_writable_field() {
        for p in ProfileField::ALL {
            let mut profile = Profile::default();
            profile.set(p, Some("x".into()));
            assert_eq!(profile.get(p), Some("x"));
        }
        assert_eq!(UserField::from_path("groups"), Some(UserField::Groups));
        assert_eq!(UserField::from_path("id"), None);
        assert_eq!(UserField::from_path("password"), None);
    }

    #[test]
    fn a_new_user_needs_an_email_and_gets_defaults() {
        assert!(NewUser::from_changes(&[UserChange::Status(UserStatus::Disabled)]).is_err());
        let email = Email::parse("Ann@Example.com").unwrap();
        let new = NewUser::from_changes(&[
            UserChange::Email(email.clone()),
            UserChange::Profile(ProfileField::City, Some("Oslo".into())),
        ])
        .unwrap();
        assert_eq!(new.email, email);
        assert_eq!(new.effective_login().as_str(), "Ann@Example.com");
        assert_eq!(new.status, UserStatus::Active);
        assert_eq!(new.access_level, AccessLevel::User);
        assert_eq!(new.profile.city.as_deref(), Some("Oslo"));
    }
}
