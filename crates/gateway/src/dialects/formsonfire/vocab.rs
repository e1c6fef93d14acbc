//! The Forms On Fire words for the contract's enums, one table each, in one place:
//! `Status`, `WebsiteRole` (one to one onto the access levels, see docs/architecture.md)
//! and `Type`.

use roster_proto::v1 as pb;

/// `Status`. Roster keeps no deleted users, so the vendor's `Deleted` never appears.
const STATUS: [(&str, pb::UserStatus); 3] = [
    ("Invited", pb::UserStatus::Invited),
    ("Active", pb::UserStatus::Active),
    ("Disabled", pb::UserStatus::Disabled),
];

/// `WebsiteRole`: SureCloud's READ_ONLY / CONTRIBUTOR / ADMINISTRATOR are the first three.
const WEBSITE_ROLE: [(&str, pb::AccessLevel); 6] = [
    ("ReadOnly", pb::AccessLevel::ReadOnly),
    ("User", pb::AccessLevel::User),
    ("Admin", pb::AccessLevel::Admin),
    ("EnterpriseAdmin", pb::AccessLevel::EnterpriseAdmin),
    ("VendorAdmin", pb::AccessLevel::VendorAdmin),
    ("SuperAdmin", pb::AccessLevel::SuperAdmin),
];

/// `Type`: the licence kind; `Lite` and `Full` are the vendor's legacy kinds.
const LICENSE: [(&str, pb::LicenseType); 4] = [
    ("Standard", pb::LicenseType::Standard),
    ("Premium", pb::LicenseType::Premium),
    ("Lite", pb::LicenseType::Lite),
    ("Full", pb::LicenseType::Full),
];

fn name_of<T: Copy + PartialEq>(table: &[(&'static str, T)], v: T) -> Option<&'static str> {
    table.iter().find(|(_, x)| *x == v).map(|(n, _)| *n)
}

fn value_of<T: Copy>(table: &[(&'static str, T)], name: &str) -> Option<T> {
    let name = name.trim();
    table
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// The names a value may take, for error messages: `A, B or C`.
fn choices<T>(table: &[(&'static str, T)]) -> String {
    let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

pub(crate) fn status_name(raw: i32) -> Option<&'static str> {
    pb::UserStatus::try_from(raw)
        .ok()
        .and_then(|s| name_of(&STATUS, s))
}

pub(crate) fn status_value(name: &str) -> Option<pb::UserStatus> {
    value_of(&STATUS, name)
}

pub(crate) fn status_choices() -> String {
    choices(&STATUS)
}

pub(crate) fn role_name(raw: i32) -> Option<&'static str> {
    pb::AccessLevel::try_from(raw)
        .ok()
        .and_then(|a| name_of(&WEBSITE_ROLE, a))
}

pub(crate) fn role_value(name: &str) -> Option<pb::AccessLevel> {
    value_of(&WEBSITE_ROLE, name)
}

pub(crate) fn role_choices() -> String {
    choices(&WEBSITE_ROLE)
}

pub(crate) fn license_name(raw: i32) -> Option<&'static str> {
    pb::LicenseType::try_from(raw)
        .ok()
        .and_then(|l| name_of(&LICENSE, l))
}

pub(crate) fn license_value(name: &str) -> Option<pb::LicenseType> {
    value_of(&LICENSE, name)
}

pub(crate) fn license_choices() -> String {
    choices(&LICENSE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_and_names_match_without_case() {
        for (name, v) in WEBSITE_ROLE {
            assert_eq!(role_name(v.into()), Some(name));
            assert_eq!(role_value(&name.to_ascii_lowercase()), Some(v));
        }
        for (name, v) in STATUS {
            assert_eq!(status_name(v.into()), Some(name));
            assert_eq!(status_value(&name.to_ascii_uppercase()), Some(v));
        }
        for (name, v) in LICENSE {
            assert_eq!(license_name(v.into()), Some(name));
            assert_eq!(license_value(name), Some(v));
        }
        assert_eq!(status_value("Deleted"), None);
        assert_eq!(role_name(0), None);
        assert_eq!(status_choices(), "Invited, Active or Disabled");
    }
}
