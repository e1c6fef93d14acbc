//! SureCloud's bodies: the token exchange, a PATCH item as sent, and the user model returned,
//! with the one mapping of `role` and `personType` onto the core's values.

use super::item::{custom_value, is_custom};
use roster_proto::v1 as pb;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// `POST /restful/v1/token`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = surecloud::TokenRequest)]
pub(crate) struct TokenRequest {
    #[schema(example = "johndoe@example.com")]
    pub(crate) email: String,
    /// The secret key a Secret Key Administrator issued to the user.
    pub(crate) secret_key: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = surecloud::Token)]
pub(crate) struct TokenResponse {
    /// A JWT for `Authorization: Bearer`.
    pub(crate) token: String,
    /// Seconds until the token expires (3600 by default).
    #[schema(example = 3600)]
    pub(crate) expires_in: u64,
}

/// `PATCH /restful/v1/user`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = surecloud::PatchUsers)]
#[allow(dead_code)] // read item by item as JSON values; this type is the schema
pub(crate) struct PatchRequest {
    pub(crate) users: Vec<UserPatch>,
}

/// A text attribute: left out, cleared (`null` or blank), or set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Text {
    #[default]
    Absent,
    Clear,
    Set(String),
}

impl Text {
    pub(crate) fn value(&self) -> Option<String> {
        match self {
            Text::Set(s) => Some(s.clone()),
            Text::Absent | Text::Clear => None,
        }
    }

    /// A stored value: `None` is answered `null`.
    pub(crate) fn of(stored: Option<String>) -> Self {
        stored.map_or(Text::Clear, Text::Set)
    }

    pub(crate) fn is_absent(&self) -> bool {
        *self == Text::Absent
    }
}

/// Answered as the text, or `null`; an absent one is left out by its field.
impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<String>::deserialize(d)? {
            Some(s) if !s.trim().is_empty() => Text::Set(s),
            Some(_) | None => Text::Clear,
        })
    }
}

/// One user to create (by `email`, with `role`) or modify (by `userID` or `email`).
/// Attributes left out stay as they are, except `personType`, which becomes `INTERNAL`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = surecloud::UserPatch)]
pub(crate) struct UserPatch {
    /// Identifies the user to modify (it must exist).
    #[serde(rename = "userID")]
    pub(crate) user_id: Option<String>,
    /// Identifies the user (or, with `userID`, is its new email).
    #[schema(example = "johndoe@example.com")]
    pub(crate) email: Option<String>,
    /// `null` or `""` clears it.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "John Doe")]
    pub(crate) name: Text,
    pub(crate) enabled: Option<bool>,
    /// `null` or `""` clears it.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "Analyst")]
    pub(crate) job_title: Text,
    /// Required to create a user.
    pub(crate) role: Option<Role>,
    /// `INTERNAL` when left out.
    pub(crate) person_type: Option<PersonType>,
    /// Case-sensitive group paths `//Parent Group/Child Group`: the user's groups become
    /// exactly these (each that exists).
    #[schema(example = json!(["//Risk Department/Risk Analysts"]))]
    pub(crate) groups: Option<Vec<String>>,
}

/// Read without regard to case (`contributor` is `CONTRIBUTOR`); answered upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = surecloud::Role)]
pub(crate) enum Role {
    ReadOnly,
    Contributor,
    Administrator,
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Role::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(&raw))
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown role `{raw}`, expected READ_ONLY, CONTRIBUTOR or ADMINISTRATOR"
                ))
            })
    }
}

impl Role {
    const ALL: [Role; 3] = [Role::ReadOnly, Role::Contributor, Role::Administrator];

    /// The canonical spelling.
    fn name(self) -> &'static str {
        match self {
            Role::ReadOnly => "READ_ONLY",
            Role::Contributor => "CONTRIBUTOR",
            Role::Administrator => "ADMINISTRATOR",
        }
    }

    pub(crate) fn to_pb(self) -> pb::AccessLevel {
        match self {
            Role::ReadOnly => pb::AccessLevel::ReadOnly,
            Role::Contributor => pb::AccessLevel::User,
            Role::Administrator => pb::AccessLevel::Admin,
        }
    }

    /// The core's levels above ADMIN are administrators too.
    pub(crate) fn of(level: pb::AccessLevel) -> Self {
        match level {
            // SureCloud has no "no role": a user without a website role reads as READ_ONLY.
            pb::AccessLevel::None | pb::AccessLevel::ReadOnly => Role::ReadOnly,
            pb::AccessLevel::Unspecified | pb::AccessLevel::User => Role::Contributor,
            pb::AccessLevel::Admin
            | pb::AccessLevel::EnterpriseAdmin
            | pb::AccessLevel::VendorAdmin
            | pb::AccessLevel::SuperAdmin => Role::Administrator,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = surecloud::PersonType)]
pub(crate) enum PersonType {
    #[default]
    Internal,
    External,
}

impl PersonType {
    pub(crate) fn to_pb(self) -> pb::PersonType {
        match self {
            PersonType::Internal => pb::PersonType::Internal,
            PersonType::External => pb::PersonType::External,
        }
    }

    pub(crate) fn of(t: pb::PersonType) -> Self {
        match t {
            pb::PersonType::External => PersonType::External,
            pb::PersonType::Unspecified | pb::PersonType::Internal => PersonType::Internal,
        }
    }
}

/// A user as the PATCH returns it: as stored after its item, or, for an item that failed,
/// the identifying attributes it was sent with and why nothing was written.
#[serde_with::skip_serializing_none]
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = surecloud::User)]
pub(crate) struct UserModel {
    #[serde(rename = "userID")]
    pub(crate) user_id: Option<String>,
    /// `null` when the user has none (left out of a failed item that did not name it).
    #[serde(skip_serializing_if = "Text::is_absent")]
    #[schema(value_type = Option<String>, nullable)]
    pub(crate) name: Text,
    pub(crate) email: Option<String>,
    pub(crate) enabled: Option<bool>,
    /// `null` when the user has none.
    #[serde(skip_serializing_if = "Text::is_absent")]
    #[schema(value_type = Option<String>, nullable)]
    pub(crate) job_title: Text,
    pub(crate) role: Option<Role>,
    pub(crate) person_type: Option<PersonType>,
    /// In the order the request sent them, or, left out, the order the last write that set
    /// them gave.
    pub(crate) groups: Option<Vec<String>>,
    /// The user's custom attributes (those Roster does not model), each with the JSON type
    /// it was sent with: a string, a number or a boolean.
    #[serde(flatten)]
    pub(crate) custom: std::collections::BTreeMap<String, serde_json::Value>,
    /// What failed: the whole item (then nothing of it was written), or single groups or
    /// attributes (then the rest applied). Messages are joined with `; `.
    #[schema(example = "Group '//Risk Department/Nobody' not found")]
    pub(crate) patch_error_message: Option<String>,
}

impl UserModel {
    /// The stored user.
    pub(crate) fn from_pb(u: &pb::User) -> Self {
        let name = u.display_name.clone().or_else(|| {
            let joined = [u.first_name.as_deref(), u.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            Some(joined).filter(|n| !n.is_empty())
        });
        Self {
            user_id: Some(u.id.clone()),
            name: Text::of(name),
            email: Some(u.email.clone()),
            enabled: Some(u.status() == pb::UserStatus::Active),
            job_title: Text::of(u.job_title.clone()),
            role: Some(Role::of(u.access_level())),
            person_type: Some(PersonType::of(u.person_type())),
            groups: Some(u.groups.iter().map(|g| g.path.clone()).collect()),
            custom: u
                .metadata
                .iter()
                .filter(|(k, _)| is_custom(k))
                .map(|(k, v)| (k.clone(), custom_value(v)))
                .collect(),
            patch_error_message: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_map_onto_access_levels_and_back() {
        for r in [Role::ReadOnly, Role::Contributor, Role::Administrator] {
            assert_eq!(Role::of(r.to_pb()), r);
        }
        assert_eq!(Role::of(pb::AccessLevel::SuperAdmin), Role::Administrator);
        let r: Role = serde_json::from_str("\"READ_ONLY\"").unwrap();
        assert_eq!(r, Role::ReadOnly);
        for spelling in ["contributor", "Contributor", "CONTRIBUTOR"] {
            let r: Role = serde_json::from_str(&format!("\"{spelling}\"")).unwrap();
            assert_eq!(r, Role::Contributor);
            assert_eq!(serde_json::to_string(&r).unwrap(), "\"CONTRIBUTOR\"");
        }
        assert!(serde_json::from_str::<Role>("\"contributors\"").is_err());
    }

    #[test]
    fn null_and_absent_are_told_apart() {
        let p: UserPatch = serde_json::from_str(r#"{"name":null,"jobTitle":" "}"#).unwrap();
        assert_eq!(p.name, Text::Clear);
        assert_eq!(p.job_title, Text::Clear);
        let p: UserPatch = serde_json::from_str(r#"{"name":"N"}"#).unwrap();
        assert_eq!(p.name, Text::Set("N".into()));
        assert_eq!(p.job_title, Text::Absent);
    }
}
