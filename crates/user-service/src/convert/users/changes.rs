//! A user message's fields as validated domain changes, one reader per kind of field: names
//! and profile text, the enumerations, and the lists of groups, folders and roles. Every bad
//! field is reported, not only the first.

use super::enums::{access_level_from_pb, person_type_from_pb, status_from_pb};
use super::mask::{mask_fields, metadata_entries, profile_path, profile_value};
use super::selectors::{group_selector, role_key};
use crate::convert::folders::{folder_selector, license_from_pb};
use roster_domain::FieldViolations;
use roster_domain::users::{ProfileField, UserChange, UserField};
use roster_domain::values::{Email, ExternalId, Login, Metadata, ProfileText};
use roster_proto::v1 as pb;
use std::fmt::Display;

/// One validated change per field in `fields`, read from `u`. Violations name `prefix.field`.
pub(crate) fn changes_from(
    u: &pb::User,
    fields: &[UserField],
    prefix: &str,
) -> Result<Vec<UserChange>, FieldViolations> {
    let mut reader = Reader {
        u,
        prefix,
        violations: FieldViolations::new(),
    };
    let out = fields.iter().filter_map(|f| reader.change(*f)).collect();
    reader.violations.into_result().map(|()| out)
}

/// The changes an update's `mask` asks of `u` (its implied mask when empty), the single
/// metadata entries it names included.
pub(crate) fn masked_changes(
    mask: Option<&prost_types::FieldMask>,
    u: &pb::User,
    prefix: &str,
) -> Result<Vec<UserChange>, FieldViolations> {
    let mut changes = changes_from(u, &mask_fields(mask, u)?, prefix)?;
    changes.extend(metadata_entries(mask, u));
    Ok(changes)
}

/// Reads changes from one message, gathering the violations.
struct Reader<'a> {
    u: &'a pb::User,
    prefix: &'a str,
    violations: FieldViolations,
}

impl Reader<'_> {
    /// The change to `field`, or `None` when its value is invalid (a violation is recorded).
    fn change(&mut self, field: UserField) -> Option<UserChange> {
        let u = self.u;
        match field {
            UserField::Login => self
                .check("login", Login::parse(&u.login))
                .map(UserChange::Login),
            UserField::Email => self
                .check("email", Email::parse(&u.email))
                .map(UserChange::Email),
            UserField::Profile(pf) => self.profile(pf),
            UserField::ExternalId => self.external_id(),
            UserField::Metadata => self.metadata(),
            UserField::Status => self.status(),
            UserField::PersonType => self.person_type(),
            UserField::AccessLevel => self.access_level(),
            UserField::License => self.license(),
            UserField::PasswordChangeRequired => Some(UserChange::PasswordChangeRequired(
                u.password_change_required,
            )),
            UserField::DoNotEmail => Some(UserChange::DoNotEmail(u.do_not_email)),
            UserField::Groups => Some(UserChange::Groups(self.each(
                "groups",
                &u.groups,
                group_selector,
            ))),
            UserField::Folders => Some(UserChange::Folders(self.each(
                "folders",
                &u.folders,
                folder_selector,
            ))),
            UserField::RoleKeys => Some(UserChange::RoleKeys(self.each(
                "role_keys",
                &u.role_keys,
                |k| role_key(k),
            ))),
        }
    }

    /// `result`'s value, or `None` and a violation at the field `name`.
    fn check<T, E: Display>(&mut self, name: &str, result: Result<T, E>) -> Option<T> {
        let at = format!("{}{name}", self.prefix);
        self.violations.check(&at, result)
    }

    /// Profile text; only the address may span lines. An unset field is cleared.
    fn profile(&mut self, pf: ProfileField) -> Option<UserChange> {
        let raw = profile_value(self.u, pf).map_or("", String::as_str);
        let parsed = if pf == ProfileField::Address {
            ProfileText::parse_multiline(raw)
        } else {
            ProfileText::parse(raw)
        };
        self.check(profile_path(pf), parsed)
            .map(|t| UserChange::Profile(pf, t))
    }

    /// An unset or blank external id clears it.
    fn external_id(&mut self) -> Option<UserChange> {
        match self.u.external_id.as_deref().map(str::trim) {
            None | Some("") => Some(UserChange::ExternalId(None)),
            Some(x) => self
                .check("external_id", ExternalId::parse(x))
                .map(|x| UserChange::ExternalId(Some(x))),
        }
    }

    fn metadata(&mut self) -> Option<UserChange> {
        let pairs = self.u.metadata.iter().map(|(k, v)| (k.clone(), v.clone()));
        self.check("metadata", Metadata::parse(pairs))
            .map(UserChange::Metadata)
    }

    fn status(&mut self) -> Option<UserChange> {
        let expected = "must be INVITED, ACTIVE or DISABLED";
        self.choice("status", self.u.status, status_from_pb, expected)
            .map(UserChange::Status)
    }

    fn person_type(&mut self) -> Option<UserChange> {
        let expected = "must be INTERNAL or EXTERNAL";
        self.choice(
            "person_type",
            self.u.person_type,
            person_type_from_pb,
            expected,
        )
        .map(UserChange::PersonType)
    }

    fn access_level(&mut self) -> Option<UserChange> {
        let expected = "must be a known access level";
        self.choice(
            "access_level",
            self.u.access_level,
            access_level_from_pb,
            expected,
        )
        .map(UserChange::AccessLevel)
    }

    fn license(&mut self) -> Option<UserChange> {
        let expected = "must be STANDARD, PREMIUM, LITE or FULL";
        self.choice(
            "license_type",
            self.u.license_type,
            license_from_pb,
            expected,
        )
        .map(UserChange::License)
    }

    /// The domain value of a protobuf enum field; unknown numbers and UNSPECIFIED are
    /// refused with `expected`.
    fn choice<P: TryFrom<i32>, T>(
        &mut self,
        name: &str,
        raw: i32,
        from_pb: fn(P) -> Option<T>,
        expected: &'static str,
    ) -> Option<T> {
        let value = P::try_from(raw).ok().and_then(from_pb);
        self.check(name, value.ok_or(expected))
    }

    /// The items of a list field that parse; each one that does not is a violation at
    /// `name[i]`.
    fn each<X, T, E: Display>(
        &mut self,
        name: &str,
        items: &[X],
        parse: impl Fn(&X) -> Result<T, E>,
    ) -> Vec<T> {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, x)| self.check(&format!("{name}[{i}]"), parse(x)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::mask::mask_fields;
    use super::*;

    #[test]
    fn a_masked_field_left_unset_is_cleared() {
        let mask = prost_types::FieldMask {
            paths: vec!["city".into()],
        };
        let fields = mask_fields(Some(&mask), &pb::User::default()).unwrap();
        let changes = changes_from(&pb::User::default(), &fields, "user.").unwrap();
        assert_eq!(changes, vec![UserChange::Profile(ProfileField::City, None)]);
    }
}
