//! SureCloud's bodies: the token exchange, a PATCH item as sent, and the user model returned,
//! with the one mapping of `role` and `personType` onto the core's values.

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = surecloud::Role)]
pub(crate) enum Role {
    ReadOnly,
    Contributor,
    Administrator,
}

impl Role {
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
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) enabled: Option<bool>,
    pub(crate) job_title: Option<String>,
    pub(crate) role: Option<Role>,
    pub(crate) person_type: Option<PersonType>,
    pub(crate) groups: Option<Vec<String>>,
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
            name,
            email: Some(u.email.clone()),
            enabled: Some(u.status() == pb::UserStatus::Active),
            job_title: u.job_title.clone(),
            role: Some(Role::of(u.access_level())),
            person_type: Some(PersonType::of(u.person_type())),
            groups: Some(u.groups.iter().map(|g| g.path.clone()).collect()),
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
        assert!(serde_json::from_str::<Role>("\"contributor\"").is_err());
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
