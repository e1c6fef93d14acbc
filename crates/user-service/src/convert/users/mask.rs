//! Which fields of a user a request sets: its update mask, or else the fields it holds.

use roster_domain::FieldViolations;
use roster_domain::users::{ProfileField, UserChange, UserField};
use roster_proto::v1 as pb;

/// Where each profile field sits in the message.
pub(super) fn profile_value(u: &pb::User, f: ProfileField) -> Option<&String> {
    match f {
        ProfileField::FirstName => u.first_name.as_ref(),
        ProfileField::LastName => u.last_name.as_ref(),
        ProfileField::DisplayName => u.display_name.as_ref(),
        ProfileField::JobTitle => u.job_title.as_ref(),
        ProfileField::CompanyName => u.company_name.as_ref(),
        ProfileField::Address => u.address.as_ref(),
        ProfileField::PostalCode => u.postal_code.as_ref(),
        ProfileField::City => u.city.as_ref(),
        ProfileField::State => u.state.as_ref(),
        ProfileField::Country => u.country.as_ref(),
        ProfileField::Phone => u.phone.as_ref(),
        ProfileField::TimeZone => u.time_zone.as_ref(),
    }
}

/// The name of each profile field in the message, for violations.
pub(super) fn profile_path(f: ProfileField) -> &'static str {
    match f {
        ProfileField::FirstName => "first_name",
        ProfileField::LastName => "last_name",
        ProfileField::DisplayName => "display_name",
        ProfileField::JobTitle => "job_title",
        ProfileField::CompanyName => "company_name",
        ProfileField::Address => "address",
        ProfileField::PostalCode => "postal_code",
        ProfileField::City => "city",
        ProfileField::State => "state",
        ProfileField::Country => "country",
        ProfileField::Phone => "phone",
        ProfileField::TimeZone => "time_zone",
    }
}

/// The fields set in `u` (AIP-134's implied mask), in message order. `false` booleans count
/// as unset.
pub(super) fn implied_mask(u: &pb::User) -> Vec<UserField> {
    let names = [
        (UserField::Login, !u.login.is_empty()),
        (UserField::Email, !u.email.is_empty()),
    ];
    let profile = ProfileField::ALL.map(|f| (UserField::Profile(f), profile_value(u, f).is_some()));
    let rest = [
        (UserField::ExternalId, u.external_id.is_some()),
        (UserField::Status, u.status != 0),
        (UserField::PersonType, u.person_type != 0),
        (UserField::AccessLevel, u.access_level != 0),
        (UserField::Metadata, !u.metadata.is_empty()),
        (
            UserField::PasswordChangeRequired,
            u.password_change_required,
        ),
        (UserField::Groups, !u.groups.is_empty()),
        (UserField::Folders, !u.folders.is_empty()),
        (UserField::License, u.license_type != 0),
        (UserField::DoNotEmail, u.do_not_email),
        (UserField::RoleKeys, !u.role_keys.is_empty()),
    ];
    names
        .into_iter()
        .chain(profile)
        .chain(rest)
        .filter_map(|(field, set)| set.then_some(field))
        .collect()
}

/// The fields an update mask names; unknown and output-only paths are violations.
pub(crate) fn mask_fields(
    mask: Option<&prost_types::FieldMask>,
    u: &pb::User,
) -> Result<Vec<UserField>, FieldViolations> {
    let paths = mask.map(|m| m.paths.as_slice()).unwrap_or_default();
    if paths.is_empty() {
        return Ok(implied_mask(u));
    }
    let mut v = FieldViolations::new();
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        if metadata_key(p).is_some() {
            continue; // read by `metadata_entries`
        }
        match UserField::from_path(p) {
            Some(f) if !out.contains(&f) => out.push(f),
            Some(_) => {}
            None => v.add(
                "update_mask",
                format_args!("unknown or read-only field path `{p}`"),
            ),
        }
    }
    v.into_result().map(|()| out)
}

/// The map key a `metadata.<key>` path names (AIP-161: a path may name one entry of a map
/// with string keys; everything after the first dot is the key, verbatim).
fn metadata_key(path: &str) -> Option<&str> {
    path.strip_prefix("metadata.").filter(|k| !k.is_empty())
}

/// The entries of `u.metadata` the mask names one by one (`metadata.<key>`): each is set to
/// its value in `u`, or removed when `u` has none. The other entries stay as they are. The
/// store checks them against the metadata limits (see [`UserChange::MetadataEntries`]).
///
/// [`UserChange::MetadataEntries`]: roster_domain::users::UserChange::MetadataEntries
pub(crate) fn metadata_entries(
    mask: Option<&prost_types::FieldMask>,
    u: &pb::User,
) -> Option<UserChange> {
    let entries: Vec<(String, Option<String>)> = mask
        .map(|m| m.paths.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|p| metadata_key(p))
        .map(|k| (k.to_owned(), u.metadata.get(k).cloned()))
        .collect();
    (!entries.is_empty()).then_some(UserChange::MetadataEntries(entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_output_only_mask_paths_are_refused() {
        let mask = prost_types::FieldMask {
            paths: vec!["first_name".into(), "etag".into(), "nope".into()],
        };
        let err = mask_fields(Some(&mask), &pb::User::default()).unwrap_err();
        assert_eq!(err.iter().count(), 2);
    }

    #[test]
    fn metadata_paths_name_single_entries_to_set_or_remove() {
        let mask = prost_types::FieldMask {
            paths: vec!["metadata.a".into(), "metadata.b.c".into(), "city".into()],
        };
        let mut u = pb::User::default();
        u.metadata.insert("a".into(), "1".into());
        assert_eq!(mask_fields(Some(&mask), &u).unwrap().len(), 1);
        assert_eq!(
            metadata_entries(Some(&mask), &u),
            Some(UserChange::MetadataEntries(vec![
                ("a".into(), Some("1".into())),
                ("b.c".into(), None),
            ]))
        );
        let bare = prost_types::FieldMask {
            paths: vec!["metadata.".into()],
        };
        assert!(mask_fields(Some(&bare), &u).is_err());
    }
}
