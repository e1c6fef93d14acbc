//! A `User` body as a contract write: the `pb::User` to send and the mask paths it sets.
//! Absent members are left alone; null or empty text clears an optional member; `Folders`
//! and `Groups` replace the whole set (null leaves them alone, `[]` empties them).

use super::error::field;
use super::response_status::FieldError;
use super::user_input::{Field, UserInput};
use super::user_view::Naming;
use roster_proto::v1 as pb;

/// What to write.
#[derive(Debug, Clone, Default)]
pub(crate) struct Write {
    pub(crate) user: pb::User,
    pub(crate) paths: Vec<String>,
    pub(crate) password: Option<String>,
}

/// How `UseNames` / `UseExternalIds` ask `Folders` and `Groups` to be read.
pub(crate) fn naming(use_names: Option<bool>, use_external_ids: Option<bool>) -> Naming {
    if use_external_ids == Some(true) {
        Naming::ExternalIds
    } else if use_names == Some(true) {
        Naming::Names
    } else {
        Naming::Ids
    }
}

fn folder(item: &str, naming: Naming) -> pb::FolderRef {
    let mut f = pb::FolderRef::default();
    match naming {
        Naming::Ids => item.clone_into(&mut f.id),
        Naming::Names => item.clone_into(&mut f.name),
        Naming::ExternalIds => f.external_id = Some(item.to_owned()),
    }
    f
}

/// A group named the vendor's way: a name is a top-level group, `//A/B` a nested one.
fn group(item: &str, naming: Naming) -> pb::GroupRef {
    let mut g = pb::GroupRef::default();
    match naming {
        Naming::Ids => item.clone_into(&mut g.id),
        Naming::Names if item.starts_with("//") => item.clone_into(&mut g.path),
        Naming::Names => g.path = format!("//{item}"),
        Naming::ExternalIds => g.external_id = Some(item.to_owned()),
    }
    g
}

fn text(slot: &mut Option<String>, f: &Field<String>, path: &str, paths: &mut Vec<String>) {
    match f {
        Field::Absent => return,
        Field::Null => *slot = None,
        Field::Value(v) => *slot = Some(v.clone()),
    }
    paths.push(path.to_owned());
}

/// `FirstName`, `LastName` and `Email` must be there and not blank (POST).
pub(crate) fn require_names(input: &UserInput) -> Vec<FieldError> {
    [
        ("FirstName", &input.first_name, "First Name"),
        ("LastName", &input.last_name, "Last Name"),
        ("Email", &input.email, "Email"),
    ]
    .into_iter()
    .filter(|(_, f, _)| f.value().is_none_or(|v| v.trim().is_empty()))
    .map(|(name, _, label)| field("NotEmpty", name, format!("'{label}' must not be empty.")))
    .collect()
}

/// `FirstName` and `LastName` may not be cleared (PUT): present means not blank.
pub(crate) fn keep_names(input: &UserInput) -> Vec<FieldError> {
    [
        ("FirstName", &input.first_name, "First Name"),
        ("LastName", &input.last_name, "Last Name"),
    ]
    .into_iter()
    .filter(|(_, f, _)| !f.is_absent() && f.value().is_none_or(|v| v.trim().is_empty()))
    .map(|(name, _, label)| field("NotEmpty", name, format!("'{label}' must not be empty.")))
    .collect()
}

/// The contract write for `input`.
pub(crate) fn to_contract(input: &UserInput, naming: Naming) -> Write {
    let mut u = pb::User::default();
    let mut paths = Vec::new();
    text(
        &mut u.first_name,
        &input.first_name,
        "first_name",
        &mut paths,
    );
    text(&mut u.last_name, &input.last_name, "last_name", &mut paths);
    text(
        &mut u.external_id,
        &input.external_id,
        "external_id",
        &mut paths,
    );
    text(&mut u.time_zone, &input.time_zone, "time_zone", &mut paths);
    text(&mut u.country, &input.country, "country", &mut paths);
    match &input.email {
        Field::Absent => {}
        // Cleared, the core refuses it as a required member.
        Field::Null => paths.push("email".to_owned()),
        Field::Value(e) => {
            u.email.clone_from(e);
            paths.push("email".to_owned());
        }
    }
    if let Some(s) = input.status.value() {
        u.status = (*s).into();
        paths.push("status".to_owned());
    }
    match &input.website_role {
        Field::Absent => {}
        // "The website access role (if any)": null leaves the user without one.
        Field::Null => {
            u.access_level = pb::AccessLevel::None.into();
            paths.push("access_level".to_owned());
        }
        Field::Value(r) => {
            u.access_level = (*r).into();
            paths.push("access_level".to_owned());
        }
    }
    if let Some(l) = input.license.value() {
        u.license_type = (*l).into();
        paths.push("license_type".to_owned());
    }
    if let Some(items) = input.folders.value() {
        u.folders = items.iter().map(|i| folder(i, naming)).collect();
        paths.push("folders".to_owned());
    }
    if let Some(items) = input.groups.value() {
        u.groups = items.iter().map(|i| group(i, naming)).collect();
        paths.push("groups".to_owned());
    }
    if let Some(pairs) = input.metadata.value() {
        u.metadata = pairs.iter().cloned().collect();
        paths.push("metadata".to_owned());
    }
    if let Some(b) = input.do_not_email.value() {
        u.do_not_email = *b;
        paths.push("do_not_email".to_owned());
    }
    if let Some(b) = input.reset_password.value() {
        u.password_change_required = *b;
        paths.push("password_change_required".to_owned());
    }
    let password = input.password.value().filter(|p| !p.is_empty()).cloned();
    Write {
        user: u,
        paths,
        password,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_members_given_are_written() {
        let input = UserInput {
            first_name: Field::Value("Ann".into()),
            external_id: Field::Null,
            folders: Field::Value(vec!["Reports".into()]),
            groups: Field::Value(vec!["Sales".into(), "//Sales/East".into()]),
            reset_password: Field::Value(true),
            password: Field::Value("s3cret-pass".into()),
            ..UserInput::default()
        };
        let w = to_contract(&input, Naming::Names);
        assert_eq!(
            w.paths,
            [
                "first_name",
                "external_id",
                "folders",
                "groups",
                "password_change_required"
            ]
        );
        assert_eq!(w.user.external_id, None);
        assert_eq!(w.user.folders[0].name, "Reports");
        assert_eq!(w.user.groups[0].path, "//Sales");
        assert_eq!(w.user.groups[1].path, "//Sales/East");
        assert_eq!(w.password.as_deref(), Some("s3cret-pass"));
    }

    #[test]
    fn names_are_required_on_create() {
        let input = UserInput {
            first_name: Field::Value("  ".into()),
            email: Field::Value("a@b.test".into()),
            ..UserInput::default()
        };
        let missing: Vec<String> = require_names(&input)
            .into_iter()
            .map(|e| format!("{}:{}", e.error_code, e.field_name))
            .collect();
        assert_eq!(missing, ["NotEmpty:FirstName", "NotEmpty:LastName"]);
    }

    #[test]
    fn external_ids_win_over_names() {
        assert_eq!(naming(Some(true), Some(true)), Naming::ExternalIds);
        assert_eq!(naming(Some(true), None), Naming::Names);
        assert_eq!(naming(None, Some(false)), Naming::Ids);
    }
}
