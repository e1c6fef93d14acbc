//! Cloud Elements' JSON: the user (integer `id`, `YYYY-MM-DD` dates, `fullName`, the
//! deprecated booleans) and the role object. DESIGN: the optional create fields (`city`,
//! `country`, `phone`, `postalCode`, `stateProvince`, `street1`, `externalId`) are shown
//! when set.

use roster_proto::v1 as pb;
use serde::Serialize;
use time::OffsetDateTime;
use time::macros::format_description;
use utoipa::ToSchema;

/// `YYYY-MM-DD` (UTC) of a core time (every user has a creation time; `1970-01-01` only if the
/// core ever sent none).
pub(crate) fn day(t: Option<&prost_types::Timestamp>) -> String {
    t.and_then(|t| OffsetDateTime::from_unix_timestamp(t.seconds).ok())
        .and_then(|d| d.format(format_description!("[year]-[month]-[day]")).ok())
        .unwrap_or_else(|| "1970-01-01".to_owned())
}

/// The built-in roles as Cloud Elements shows them: (key, id, name, description). DESIGN:
/// the ids are those the vendor's own documentation shows.
pub(crate) const ROLES: [(&str, i64, &str, &str); 3] = [
    (
        "org-admin",
        930,
        "Organization Administrator",
        "Cloud Elements Organization Administrator.",
    ),
    (
        "admin",
        15,
        "Administrator",
        "Cloud Elements Application Administrator.",
    ),
    (
        "org",
        2717,
        "Organization User",
        "Cloud Elements Organization User.",
    ),
];

/// A built-in role.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = elements::Role)]
pub(crate) struct Role {
    id: i64,
    name: &'static str,
    /// `org-admin`, `admin` or `org`.
    key: &'static str,
    active: bool,
    description: &'static str,
    /// Always empty: the built-in roles carry no features.
    #[schema(value_type = Vec<Object>, max_items = 0)]
    features: [(); 0],
}

impl Role {
    pub(crate) fn of(key: &str) -> Option<Self> {
        ROLES
            .iter()
            .find(|r| r.0 == key)
            .map(|&(key, id, name, description)| Self {
                id,
                name,
                key,
                active: true,
                description,
                features: [],
            })
    }

    pub(crate) fn all_of(u: &pb::User) -> Vec<Role> {
        u.role_keys.iter().filter_map(|k| Self::of(k)).collect()
    }
}

// The vendor's deprecated booleans are part of the shape.
#[allow(clippy::struct_excessive_bools)]
/// A user. `password` is `"secured"` in lists and after a PATCH that set it (never the
/// password); `secret` appears on create, on a PATCH by a caller who may set the user's
/// password, and on a read with the right `Elements-User-Password`; `roles` always.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = elements::User)]
pub(crate) struct User {
    /// The user's integer id.
    id: i64,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    created_date: String,
    #[serialize_always]
    first_name: Option<String>,
    #[serialize_always]
    last_name: Option<String>,
    password: Option<&'static str>,
    email: String,
    active: bool,
    secret: Option<String>,
    /// `YYYY-MM-DD`; the creation date when the user never logged in.
    #[schema(format = Date)]
    last_login_date: String,
    #[serialize_always]
    full_name: Option<String>,
    roles: Vec<Role>,
    city: Option<String>,
    country: Option<String>,
    phone: Option<String>,
    postal_code: Option<String>,
    state_province: Option<String>,
    street1: Option<String>,
    external_id: Option<String>,
    account_expired: bool,
    account_locked: bool,
    credentials_expired: bool,
    email_valid: bool,
    account_non_expired: bool,
    credentials_non_expired: bool,
    account_non_locked: bool,
    enabled: bool,
}

/// What a response adds to the plain user.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Extras<'a> {
    /// `"password": "secured"` (lists, and a PATCH that changed it: never the password).
    pub(crate) password_placeholder: bool,
    pub(crate) secret: Option<&'a str>,
}

fn set(v: Option<&String>) -> Option<String> {
    v.filter(|s| !s.is_empty()).cloned()
}

impl User {
    pub(crate) fn from_pb(u: &pb::User, extras: Extras<'_>) -> Self {
        let active = u.status == pb::UserStatus::Active as i32;
        let (first, last) = (set(u.first_name.as_ref()), set(u.last_name.as_ref()));
        let full_name = match (&first, &last) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (Some(x), None) | (None, Some(x)) => Some(x.clone()),
            (None, None) => None,
        };
        Self {
            id: u.number,
            created_date: day(u.create_time.as_ref()),
            first_name: first,
            last_name: last,
            password: extras.password_placeholder.then_some("secured"),
            email: u.email.clone(),
            active,
            secret: extras.secret.map(str::to_owned),
            // The vendor: "the date that the user last logged in ..., or the date that someone
            // created the account".
            last_login_date: day(u.last_activity_time.as_ref().or(u.create_time.as_ref())),
            full_name,
            roles: Role::all_of(u),
            city: set(u.city.as_ref()),
            country: set(u.country.as_ref()),
            phone: set(u.phone.as_ref()),
            postal_code: set(u.postal_code.as_ref()),
            state_province: set(u.state.as_ref()),
            street1: set(u.address.as_ref()),
            external_id: set(u.external_id.as_ref()),
            account_expired: false,
            account_locked: false,
            credentials_expired: u.password_change_required,
            email_valid: true,
            account_non_expired: true,
            credentials_non_expired: !u.password_change_required,
            account_non_locked: true,
            enabled: active,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_has_cloud_elements_fields_in_order() {
        let u = pb::User {
            number: 3833,
            email: "s@x.io".into(),
            first_name: Some("Sharda".into()),
            last_name: Some("Sisson".into()),
            status: pb::UserStatus::Active.into(),
            create_time: Some(prost_types::Timestamp {
                seconds: 1_499_904_000,
                nanos: 0,
            }),
            ..Default::default()
        };
        let json = serde_json::to_string(&User::from_pb(
            &u,
            Extras {
                secret: Some("s3"),
                ..Extras::default()
            },
        ))
        .unwrap();
        assert_eq!(
            json,
            r#"{"id":3833,"createdDate":"2017-07-13","firstName":"Sharda","lastName":"Sisson","email":"s@x.io","active":true,"secret":"s3","lastLoginDate":"2017-07-13","fullName":"Sharda Sisson","roles":[],"accountExpired":false,"accountLocked":false,"credentialsExpired":false,"emailValid":true,"accountNonExpired":true,"credentialsNonExpired":true,"accountNonLocked":true,"enabled":true}"#
        );
    }
}
