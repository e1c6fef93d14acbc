//! CloudAPI's JSON shapes. Field order is the order CloudAPI emits (the triton CLI prints
//! `key: value` lines in that order); optional fields appear only when set.

use roster_proto::v1 as pb;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

/// What CloudAPI shows for a missing date (UFDS's default).
const NO_DATE: &str = "2012-12-31T23:00:00.000Z";

/// `Date.toISOString()`: UTC with milliseconds.
pub(crate) fn iso(t: Option<&prost_types::Timestamp>) -> String {
    let Some(t) = t else {
        return NO_DATE.to_owned();
    };
    let nanos = i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanos);
    let Ok(dt) = OffsetDateTime::from_unix_timestamp_nanos(nanos) else {
        return NO_DATE.to_owned();
    };
    let millis = dt.millisecond();
    let base = dt
        .replace_nanosecond(0)
        .ok()
        .and_then(|d| d.format(&Rfc3339).ok())
        .unwrap_or_default();
    // Rfc3339 of a whole second ends in "Z"; splice the milliseconds in front of it.
    match base.strip_suffix('Z') {
        Some(b) => format!("{b}.{millis:03}Z"),
        None => NO_DATE.to_owned(),
    }
}

/// The profile a user and an account both show, in CloudAPI's order (empty fields left out).
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = cloudapi::UserProfile)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Profile {
    pub(crate) company_name: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) postal_code: Option<String>,
    pub(crate) address: Option<String>,
    pub(crate) city: Option<String>,
    pub(crate) state: Option<String>,
}

impl Profile {
    fn of(u: &pb::User) -> Self {
        Self {
            company_name: set(u.company_name.as_ref()),
            first_name: set(u.first_name.as_ref()),
            last_name: set(u.last_name.as_ref()),
            postal_code: set(u.postal_code.as_ref()),
            address: set(u.address.as_ref()),
            city: set(u.city.as_ref()),
            state: set(u.state.as_ref()),
        }
    }
}

/// A user (`translateUser` in CloudAPI's membership.js).
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = cloudapi::User)]
#[serde(rename_all = "camelCase")]
pub(crate) struct User {
    pub(crate) id: String,
    pub(crate) login: String,
    pub(crate) email: String,
    #[serde(flatten)]
    pub(crate) profile: Profile,
    pub(crate) roles: Option<Vec<String>>,
    #[serde(rename = "default_roles")]
    pub(crate) default_roles: Option<Vec<String>>,
    pub(crate) country: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) updated: String,
    pub(crate) created: String,
}

fn set(v: Option<&String>) -> Option<String> {
    v.filter(|s| !s.is_empty()).cloned()
}

impl User {
    /// `membership` adds the role names (both arrays present even when empty).
    pub(crate) fn from_pb(u: &pb::User, membership: bool) -> Self {
        let (roles, default_roles) = if membership {
            let all = u.roles.iter().map(|r| r.name.clone()).collect();
            let defaults = u
                .roles
                .iter()
                .filter(|r| r.default)
                .map(|r| r.name.clone())
                .collect();
            (Some(all), Some(defaults))
        } else {
            (None, None)
        };
        Self {
            id: u.id.clone(),
            login: u.login.clone(),
            email: u.email.clone(),
            profile: Profile::of(u),
            roles,
            default_roles,
            country: set(u.country.as_ref()),
            phone: set(u.phone.as_ref()),
            updated: iso(u.update_time.as_ref()),
            created: iso(u.create_time.as_ref()),
        }
    }
}

/// The account (`GET /:account`): the owner's profile plus CloudAPI's account flags.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = cloudapi::Account)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) login: String,
    pub(crate) email: String,
    #[serde(flatten)]
    pub(crate) profile: Profile,
    pub(crate) country: Option<String>,
    pub(crate) phone: Option<String>,
    #[serde(rename = "triton_cns_enabled")]
    pub(crate) triton_cns_enabled: bool,
    pub(crate) updated: String,
    pub(crate) created: String,
}

impl Account {
    pub(crate) fn from_pb(t: &pb::Tenant, owner: &pb::User) -> Self {
        Self {
            id: t.id.clone(),
            login: t.login.clone(),
            email: owner.email.clone(),
            profile: Profile::of(owner),
            country: set(owner.country.as_ref()),
            phone: set(owner.phone.as_ref()),
            triton_cns_enabled: false,
            updated: iso(owner.update_time.as_ref()),
            created: iso(t.create_time.as_ref()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = cloudapi::Key)]
pub(crate) struct Key {
    pub(crate) name: String,
    pub(crate) fingerprint: String,
    /// The OpenSSH line.
    #[serde(rename = "key")]
    pub(crate) line: String,
}

impl From<&pb::Key> for Key {
    fn from(k: &pb::Key) -> Self {
        Self {
            name: k.name.clone(),
            fingerprint: k.fingerprint.clone(),
            line: k.public_key.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = cloudapi::Member)]
pub(crate) struct Member {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) id: String,
    pub(crate) login: String,
    /// Present only when true, as CloudAPI's own server emits it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) default: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = cloudapi::PolicyRef)]
pub(crate) struct PolicyRef {
    pub(crate) id: String,
    pub(crate) name: String,
}

/// A role in API v9's shape. A role with neither members nor policies keeps CloudAPI's
/// quirk of also listing an empty `default_members`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = cloudapi::Role)]
pub(crate) struct Role {
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) members: Vec<Member>,
    pub(crate) default_members: Option<Vec<String>>,
    pub(crate) policies: Vec<PolicyRef>,
}

impl From<&pb::Role> for Role {
    fn from(r: &pb::Role) -> Self {
        let empty = r.members.is_empty() && r.policies.is_empty();
        Self {
            name: r.name.clone(),
            id: r.id.clone(),
            members: r
                .members
                .iter()
                .map(|m| Member {
                    kind: "subuser",
                    id: m.user_id.clone(),
                    login: m.login.clone(),
                    default: m.default,
                })
                .collect(),
            default_members: empty.then(Vec::new),
            policies: r
                .policies
                .iter()
                .map(|p| PolicyRef {
                    id: p.id.clone(),
                    name: p.name.clone(),
                })
                .collect(),
        }
    }
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = cloudapi::Policy)]
pub(crate) struct Policy {
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) rules: Vec<String>,
    pub(crate) description: Option<String>,
}

impl From<&pb::Policy> for Policy {
    fn from(p: &pb::Policy) -> Self {
        Self {
            name: p.name.clone(),
            id: p.id.clone(),
            rules: p.rules.clone(),
            description: set(p.description.as_ref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_have_milliseconds() {
        let t = prost_types::Timestamp {
            seconds: 1_450_863_756,
            nanos: 517_000_000,
        };
        assert_eq!(iso(Some(&t)), "2015-12-23T09:42:36.517Z");
        let whole = prost_types::Timestamp {
            seconds: 0,
            nanos: 0,
        };
        assert_eq!(iso(Some(&whole)), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(None), NO_DATE);
    }

    #[test]
    fn user_keys_come_in_cloudapi_order_and_only_when_set() {
        let u = pb::User {
            id: "i".into(),
            login: "bob".into(),
            email: "b@x.io".into(),
            phone: Some("555".into()),
            first_name: Some("Bob".into()),
            city: Some(String::new()),
            ..Default::default()
        };
        let json = serde_json::to_string(&User::from_pb(&u, true)).unwrap();
        assert_eq!(
            json,
            r#"{"id":"i","login":"bob","email":"b@x.io","firstName":"Bob","roles":[],"default_roles":[],"phone":"555","updated":"2012-12-31T23:00:00.000Z","created":"2012-12-31T23:00:00.000Z"}"#
        );
    }

    #[test]
    fn an_empty_role_keeps_cloudapis_quirk() {
        let r = pb::Role {
            id: "r".into(),
            name: "ops".into(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&Role::from(&r)).unwrap(),
            r#"{"name":"ops","id":"r","members":[],"default_members":[],"policies":[]}"#
        );
    }
}
