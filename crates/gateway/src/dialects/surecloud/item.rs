//! One PATCH item: from its JSON to one `UpsertUserItem`, and from the core's result back to
//! the user model with its `patchErrorMessage`.

use super::model::{PersonType, Text, UserModel, UserPatch};
use crate::core_error::{CoreError, Kind};
use roster_proto::v1 as pb;
use roster_proto::v1::ErrorReason;
use serde::Deserialize as _;

/// The attributes an item may carry.
const ATTRIBUTES: [&str; 8] = [
    "userID",
    "email",
    "name",
    "enabled",
    "jobTitle",
    "role",
    "personType",
    "groups",
];

/// The answer's own attribute, never a custom one.
const ERROR_ATTRIBUTE: &str = "patchErrorMessage";

/// For an item the core could not run, without saying why (the log has it).
const NOT_WRITTEN: &str = "The user could not be written; nothing of it was changed";

/// What became of an item sent to the core.
#[derive(Debug)]
pub(crate) enum Sent {
    /// The core's answer for it.
    Answered(Box<pb::UpsertUserResult>),
    /// Its call failed: it may have been written or not.
    Unconfirmed,
    /// An earlier call failed, so it never reached the core.
    Skipped,
}

const UNCONFIRMED: &str = "The request ran out of time or lost the server before this user was confirmed; it may have been written or not: send it again";
const NOT_SENT: &str = "Not written: the request stopped at an earlier user; send this user again";

/// How an item names its user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Id,
    /// By email; `true` when the item may create (it has a role).
    Email(bool),
}

/// Why an item is refused before it reaches the core (its `patchErrorMessage`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refused {
    /// An attribute of the wrong type, or an item that is not an object.
    #[error("{0}")]
    Unreadable(String),
    #[error("Either email or userID is required")]
    NoKey,
}

/// An item, ready to send or already refused.
#[derive(Debug)]
pub(crate) struct Planned {
    /// The request's item, or why it is refused before reaching the core.
    pub(crate) item: Result<pb::UpsertUserItem, Refused>,
    /// What the item was sent with, for an answer that names it when it fails.
    echo: UserModel,
    key: Option<Key>,
    /// The groups sent, in order (the core's warnings point into this list).
    groups: Vec<String>,
    /// Parts skipped without failing the item: malformed groups, unknown attributes.
    notes: Vec<String>,
}

fn refused(echo: UserModel, why: Refused) -> Planned {
    Planned {
        item: Err(why),
        echo,
        key: None,
        groups: Vec::new(),
        notes: Vec::new(),
    }
}

/// Which attribute of `raw` made it fail to parse, in words.
fn invalid(raw: &serde_json::Value, e: &serde_json::Error) -> String {
    use super::model::Role;
    let Some(obj) = raw.as_object() else {
        return "Invalid user: each user must be a JSON object".to_owned();
    };
    for (name, v) in obj {
        let bad = match name.as_str() {
            "userID" | "email" | "name" | "jobTitle" => Option::<String>::deserialize(v).err(),
            "enabled" => Option::<bool>::deserialize(v).err(),
            "role" => Option::<Role>::deserialize(v).err(),
            "personType" => Option::<PersonType>::deserialize(v).err(),
            "groups" => Option::<Vec<String>>::deserialize(v).err(),
            _ => None,
        };
        if let Some(err) = bad {
            return format!("Invalid {name}: {err}");
        }
    }
    format!("Invalid user: {e}")
}

/// A text attribute: `null` and `""` clear it.
fn text(v: &Text, path: &str, slot: &mut Option<String>, paths: &mut Vec<String>) {
    if *v != Text::Absent {
        *slot = v.value();
        paths.push(path.to_owned());
    }
}

/// The core's verdict on group paths: why each malformed one is malformed.
pub(crate) type PathProblems = std::collections::HashMap<String, String>;

/// The group paths `raw` names, for the core to check before the items are planned.
pub(crate) fn group_paths(raw: &serde_json::Value) -> impl Iterator<Item = &str> {
    raw.get("groups")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
}

/// The attributes of `raw` Roster does not model, kept as the user's custom attributes:
/// each one a `metadata.<key>` path, its JSON text in `u.metadata` (none for `null`, which
/// removes it). What cannot be kept (objects, arrays, the answer's own `patchErrorMessage`)
/// is a note.
fn custom_attributes(
    raw: &serde_json::Value,
    u: &mut pb::User,
    paths: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    let Some(obj) = raw.as_object() else { return };
    for (key, value) in obj.iter().filter(|(k, _)| is_custom(k)) {
        match value {
            serde_json::Value::Object(_) | serde_json::Value::Array(_) => notes.push(format!(
                "Attribute '{key}' was not stored: only strings, numbers, booleans and null are kept"
            )),
            serde_json::Value::Null => paths.push(format!("metadata.{key}")),
            scalar @ (serde_json::Value::String(_)
            | serde_json::Value::Number(_)
            | serde_json::Value::Bool(_)) => {
                u.metadata.insert(key.clone(), scalar.to_string());
                paths.push(format!("metadata.{key}"));
            }
        }
    }
    if obj.contains_key(ERROR_ATTRIBUTE) {
        notes.push(format!(
            "Attribute '{ERROR_ATTRIBUTE}' is the answer's own and was ignored"
        ));
    }
}

/// Whether `key` is a custom attribute: neither one Roster models nor the answer's own.
pub(crate) fn is_custom(key: &str) -> bool {
    !ATTRIBUTES.contains(&key) && key != ERROR_ATTRIBUTE
}

/// A custom attribute's stored JSON text as the value it was sent as. Text that is not a
/// JSON string, number or boolean (an entry another door wrote) is answered as a string.
pub(crate) fn custom_value(stored: &str) -> serde_json::Value {
    match serde_json::from_str::<serde_json::Value>(stored) {
        Ok(
            v @ (serde_json::Value::String(_)
            | serde_json::Value::Number(_)
            | serde_json::Value::Bool(_)),
        ) => v,
        _ => serde_json::Value::String(stored.to_owned()),
    }
}

/// What an item is answered with when it fails: what it was sent with.
fn echo_of(raw: &serde_json::Value, p: Option<&UserPatch>) -> UserModel {
    let named = UserModel {
        user_id: raw
            .get("userID")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        email: raw.get("email").and_then(|v| v.as_str()).map(str::to_owned),
        ..UserModel::default()
    };
    match p {
        None => named,
        Some(p) => UserModel {
            name: p.name.clone(),
            enabled: p.enabled,
            job_title: p.job_title.clone(),
            role: p.role,
            person_type: Some(p.person_type.unwrap_or_default()),
            groups: p.groups.clone(),
            ..named
        },
    }
}

/// How the item names its user; the email goes into `u` when the user is named by id.
fn key_of(
    p: &UserPatch,
    u: &mut pb::User,
    paths: &mut Vec<String>,
) -> Option<(pb::user_key::Key, Key)> {
    let user_id = p.user_id.clone().filter(|s| !s.trim().is_empty());
    let email = p.email.clone().filter(|s| !s.trim().is_empty());
    match (user_id, email) {
        (Some(id), email) => {
            if let Some(e) = email {
                u.email = e;
                paths.push("email".to_owned());
            }
            Some((pb::user_key::Key::Id(id), Key::Id))
        }
        (None, Some(e)) => Some((pb::user_key::Key::Email(e), Key::Email(p.role.is_some()))),
        (None, None) => None,
    }
}

/// The attributes the item sets, into `u` and its mask.
fn attributes(p: &UserPatch, u: &mut pb::User, paths: &mut Vec<String>) {
    text(&p.name, "display_name", &mut u.display_name, paths);
    text(&p.job_title, "job_title", &mut u.job_title, paths);
    if let Some(enabled) = p.enabled {
        u.set_status(if enabled {
            pb::UserStatus::Active
        } else {
            pb::UserStatus::Disabled
        });
        paths.push("status".to_owned());
    }
    if let Some(role) = p.role {
        u.set_access_level(role.to_pb());
        paths.push("access_level".to_owned());
    }
    // The one attribute that does not stay as it was when left out.
    u.set_person_type(p.person_type.unwrap_or(PersonType::Internal).to_pb());
    paths.push("person_type".to_owned());
}

/// The item's groups, each once, without those the core found malformed (a note each).
fn groups_of(given: &[String], problems: &PathProblems, notes: &mut Vec<String>) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for path in given {
        match problems.get(path) {
            Some(why) => notes.push(format!("Group '{path}' is malformed: {why}")),
            None if groups.contains(path) => {}
            None => groups.push(path.clone()),
        }
    }
    groups
}

/// Plans one raw item; `problems` are the core's verdicts on the batch's group paths.
pub(crate) fn plan(raw: &serde_json::Value, problems: &PathProblems) -> Planned {
    let p = match UserPatch::deserialize(raw) {
        Ok(p) => p,
        Err(e) => return refused(echo_of(raw, None), Refused::Unreadable(invalid(raw, &e))),
    };
    let echo = echo_of(raw, Some(&p));
    let mut u = pb::User::default();
    let mut paths = Vec::new();
    let Some((key, kind)) = key_of(&p, &mut u, &mut paths) else {
        return refused(echo, Refused::NoKey);
    };
    attributes(&p, &mut u, &mut paths);
    let mut notes = Vec::new();
    let mut groups = Vec::new();
    if let Some(given) = &p.groups {
        groups = groups_of(given, problems, &mut notes);
        u.groups = groups
            .iter()
            .map(|path| pb::GroupRef {
                path: path.clone(),
                ..Default::default()
            })
            .collect();
        paths.push("groups".to_owned());
    }
    custom_attributes(raw, &mut u, &mut paths, &mut notes);
    Planned {
        item: Ok(pb::UpsertUserItem {
            key: Some(pb::UserKey { key: Some(key) }),
            user: Some(u),
            update_mask: Some(prost_types::FieldMask { paths }),
            create_if_missing: kind == Key::Email(true),
            lenient_groups: true,
        }),
        echo,
        key: Some(kind),
        groups,
        notes,
    }
}

/// The SureCloud attribute behind a field the core names (`items[3].user.job_title`).
fn attribute(field: &str) -> &str {
    let tail = field.rsplit('.').next().unwrap_or(field);
    let tail = tail.split('[').next().unwrap_or(tail);
    match tail {
        "id" => "userID",
        "display_name" => "name",
        "job_title" => "jobTitle",
        "status" => "enabled",
        "access_level" => "role",
        "person_type" => "personType",
        other => other,
    }
}

/// For an item the database could not write just then, in a request that wrote others.
const TRY_AGAIN: &str = "The database was busy or out of reach while this user was written; it may not have been written: send it again";

/// Whether the core's refusal passes: busy, unreachable, out of time.
pub(crate) fn retryable(e: &CoreError) -> bool {
    matches!(e.kind, Kind::Busy | Kind::Unavailable | Kind::Timeout)
}

/// Why the core refused an item, in SureCloud's words.
fn failure(status: &tonic_types::Status, key: Option<Key>) -> String {
    let e = CoreError::from(status);
    match e.reason {
        Some(ErrorReason::UserNotFound) if key == Some(Key::Id) => {
            "No user has this userID".to_owned()
        }
        Some(ErrorReason::UserNotFound) => {
            "No user has this email; creating a user requires email and role".to_owned()
        }
        Some(ErrorReason::EmailTaken | ErrorReason::LoginTaken) => {
            "Another user already has this email".to_owned()
        }
        // The core's policy refused this user change (the owner, one's own role, a role
        // above the caller's).
        Some(ErrorReason::PermissionDenied) => format!("Not allowed: {}", e.message),
        _ if e.code == tonic::Code::InvalidArgument => {
            let violations: Vec<String> = e
                .violations
                .iter()
                .map(|v| {
                    let name = match (attribute(&v.field), key) {
                        ("key", Some(Key::Id)) => "userID",
                        ("key", _) => "email",
                        (other, _) => other,
                    };
                    format!("{name}: {}", v.description)
                })
                .collect();
            if violations.is_empty() {
                format!("Invalid user: {}", e.message)
            } else {
                format!("Invalid user: {}", violations.join("; "))
            }
        }
        _ if retryable(&e) => TRY_AGAIN.to_owned(),
        _ => NOT_WRITTEN.to_owned(),
    }
}

/// The answer for one item, from its plan and (when it was sent) the core's result.
pub(crate) fn report(p: Planned, result: Option<Sent>) -> UserModel {
    let failed = |message: String| UserModel {
        patch_error_message: Some(message),
        ..p.echo
    };
    let item_failure = match &p.item {
        Err(why) => Some(why.to_string()),
        Ok(_) => None,
    };
    if let Some(m) = item_failure {
        return failed(m);
    }
    let r = match result {
        Some(Sent::Answered(r)) => *r,
        Some(Sent::Unconfirmed) => return failed(UNCONFIRMED.to_owned()),
        Some(Sent::Skipped) => return failed(NOT_SENT.to_owned()),
        None => return failed(NOT_WRITTEN.to_owned()),
    };
    match (&r.status, &r.user) {
        (Some(s), _) if s.code != 0 => failed(failure(s, p.key)),
        (_, Some(u)) => {
            let mut messages = p.notes;
            for w in &r.warnings {
                if let Some(key) = w.field.strip_prefix("user.metadata.") {
                    messages.push(format!("Attribute '{key}' was not stored: {}", w.message));
                    continue;
                }
                let path = w
                    .field
                    .split_once('[')
                    .and_then(|(_, i)| i.trim_end_matches(']').parse::<usize>().ok())
                    .and_then(|i| p.groups.get(i));
                messages.push(match path {
                    Some(path) => format!("Group '{path}' not found"),
                    None => w.message.clone(),
                });
            }
            let mut out = UserModel::from_pb(u);
            out.patch_error_message = Some(messages.join("; ")).filter(|m| !m.is_empty());
            out
        }
        (_, None) => failed(NOT_WRITTEN.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_item_with_email_and_role_may_create_and_person_type_is_always_written() {
        let p = plan(
            &json!({"email": "a@example.com", "role": "CONTRIBUTOR"}),
            &PathProblems::new(),
        );
        let item = p.item.unwrap();
        assert!(item.create_if_missing && item.lenient_groups);
        let u = item.user.unwrap();
        assert_eq!(u.person_type(), pb::PersonType::Internal);
        assert_eq!(
            item.update_mask.unwrap().paths,
            ["access_level", "person_type"]
        );
        let modify = plan(
            &json!({"email": "a@example.com", "name": "A"}),
            &PathProblems::new(),
        )
        .item
        .unwrap();
        assert!(!modify.create_if_missing);
    }

    #[test]
    fn a_user_id_names_the_user_and_the_email_becomes_a_change() {
        let item = plan(
            &json!({"userID": "x", "email": "new@example.com"}),
            &PathProblems::new(),
        )
        .item
        .unwrap();
        assert_eq!(
            item.key.unwrap().key,
            Some(pb::user_key::Key::Id("x".into()))
        );
        assert!(
            item.update_mask
                .unwrap()
                .paths
                .contains(&"email".to_owned())
        );
    }

    #[test]
    fn malformed_groups_and_objects_are_notes_not_failures() {
        let mut problems = PathProblems::new();
        problems.insert("B".to_owned(), "group path must start with '//'".to_owned());
        let p = plan(
            &json!({"email": "a@example.com", "groups": ["//A", "B", "//A"], "tags": [1]}),
            &problems,
        );
        assert_eq!(p.groups, ["//A"]);
        assert_eq!(p.notes.len(), 2, "{:?}", p.notes);
        assert!(p.item.is_ok());
    }

    #[test]
    fn custom_attributes_are_metadata_entries_kept_as_json_text() {
        let p = plan(
            &json!({"email": "a@example.com", "phone": "123", "level": 3, "vip": true,
                    "gone": null, "patchErrorMessage": "x"}),
            &PathProblems::new(),
        );
        let item = p.item.unwrap();
        let u = item.user.unwrap();
        assert_eq!(u.metadata["phone"], "\"123\"");
        assert_eq!(u.metadata["level"], "3");
        assert_eq!(u.metadata["vip"], "true");
        assert!(!u.metadata.contains_key("gone"));
        let paths = item.update_mask.unwrap().paths;
        for key in ["phone", "level", "vip", "gone"] {
            assert!(paths.contains(&format!("metadata.{key}")), "{paths:?}");
        }
        assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
        for (stored, back) in [
            ("\"123\"", json!("123")),
            ("3", json!(3)),
            ("true", json!(true)),
            ("plain text", json!("plain text")),
            ("[1]", json!("[1]")),
        ] {
            assert_eq!(custom_value(stored), back, "{stored}");
        }
    }

    #[test]
    fn items_without_a_key_or_with_wrong_types_are_refused() {
        for bad in [
            json!({"name": "x"}),
            json!({"email": "a@example.com", "enabled": "yes"}),
            json!({"email": "a@example.com", "role": "OWNER"}),
            json!("text"),
        ] {
            assert!(plan(&bad, &PathProblems::new()).item.is_err(), "{bad}");
        }
        let p = plan(
            &json!({"email": "a@example.com", "role": "OWNER"}),
            &PathProblems::new(),
        );
        assert!(p.item.unwrap_err().to_string().starts_with("Invalid role"));
    }
}
