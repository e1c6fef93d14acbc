//! The `data` of each event: an allow-list of a resource's fields, written field by field, so
//! that a password hash, a secret digest or a key's private part cannot reach an event
//! whatever the entities come to hold.

use roster_domain::Timestamp;
use roster_domain::folders::Folder;
use roster_domain::groups::{Group, GroupRef};
use roster_domain::keys::Key;
use roster_domain::provisioning::ProvisioningToken;
use roster_domain::rbac::{Policy, Role, Rule};
use roster_domain::tenants::Tenant;
use roster_domain::users::User;
use roster_domain::values::ExternalId;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// RFC 3339 in UTC, with the core's microseconds when it has some.
pub(crate) fn rfc3339(t: Timestamp) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.as_micros()) * 1000)
        .ok()
        .and_then(|d| d.format(&Rfc3339).ok())
        .unwrap_or_default()
}

pub(crate) fn user(u: &User) -> Value {
    let p = &u.profile;
    let metadata: Map<String, Value> = u
        .metadata
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "id": u.id.to_string(),
        "number": u.number,
        "login": u.login.as_str(),
        "email": u.email.as_str(),
        "first_name": p.first_name,
        "last_name": p.last_name,
        "display_name": p.display_name,
        "job_title": p.job_title,
        "company_name": p.company_name,
        "address": p.address,
        "postal_code": p.postal_code,
        "city": p.city,
        "state": p.state,
        "country": p.country,
        "phone": p.phone,
        "time_zone": p.time_zone,
        "external_id": u.external_id.as_ref().map(ExternalId::as_str),
        "status": u.status.as_str(),
        "person_type": u.person_type.as_str(),
        "access_level": u.access_level.as_str(),
        "license": u.license.as_str(),
        "do_not_email": u.do_not_email,
        "metadata": metadata,
        "password_change_required": u.password_change_required,
        "has_password": u.has_password,
        "groups": u.groups.iter().map(group_ref).collect::<Vec<_>>(),
        "folders": u.folders.iter().map(|f| json!({
            "id": f.id.to_string(),
            "name": f.name.as_str(),
        })).collect::<Vec<_>>(),
        "roles": u.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        "create_time": rfc3339(u.created),
        "update_time": rfc3339(u.updated),
        "version": u.version,
    })
}

/// The fields of a user's data that differ between `before` and `after`, in the data's
/// order; `password` when the write set one (its value never appears).
pub(crate) fn changed_fields(before: &Value, after: &Value, password: bool) -> Vec<String> {
    const BOOKKEEPING: [&str; 2] = ["update_time", "version"];
    let mut changed: Vec<String> = match (before, after) {
        (Value::Object(b), Value::Object(a)) => a
            .iter()
            .filter(|(k, v)| !BOOKKEEPING.contains(&k.as_str()) && b.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect(),
        _ => Vec::new(),
    };
    if password {
        changed.push("password".to_owned());
    }
    changed
}

pub(crate) fn group_ref(g: &GroupRef) -> Value {
    json!({
        "id": g.id.to_string(),
        "path": g.path.as_str(),
        "external_id": g.external_id.as_ref().map(ExternalId::as_str),
    })
}

pub(crate) fn group(g: &Group) -> Value {
    json!({
        "id": g.id.to_string(),
        "parent_id": g.parent.map(|p| p.to_string()),
        "path": g.path.as_str(),
        "external_id": g.external_id.as_ref().map(ExternalId::as_str),
        "member_count": g.member_count,
        "create_time": rfc3339(g.created),
        "update_time": rfc3339(g.updated),
        "version": g.version,
    })
}

pub(crate) fn tenant(t: &Tenant) -> Value {
    json!({
        "id": t.id.to_string(),
        "login": t.login.as_str(),
        "name": t.name,
        "company_id": t.company_id.get(),
        "owner_id": t.owner.map(|o| o.to_string()),
        "create_time": rfc3339(t.created),
        "update_time": rfc3339(t.updated),
    })
}

/// A user named in another resource's event: its id and login.
pub(crate) fn identity(id: &dyn std::fmt::Display, login: &str) -> Value {
    json!({"id": id.to_string(), "login": login})
}

pub(crate) fn folder(f: &Folder) -> Value {
    json!({
        "id": f.id.to_string(),
        "name": f.name.as_str(),
        "external_id": f.external_id.as_ref().map(ExternalId::as_str),
        "member_count": f.member_count,
        "create_time": rfc3339(f.created),
    })
}

pub(crate) fn role(r: &Role) -> Value {
    json!({
        "id": r.id.to_string(),
        "name": r.name.as_str(),
        "members": r.members.iter().map(|m| json!({
            "id": m.user.to_string(),
            "login": m.login.as_str(),
            "default": m.default,
        })).collect::<Vec<_>>(),
        "policies": r.policies.iter().map(|p| json!({
            "id": p.id.to_string(),
            "name": p.name.as_str(),
        })).collect::<Vec<_>>(),
        "create_time": rfc3339(r.created),
    })
}

pub(crate) fn policy(p: &Policy) -> Value {
    json!({
        "id": p.id.to_string(),
        "name": p.name.as_str(),
        "rules": p.rules.iter().map(Rule::as_str).collect::<Vec<_>>(),
        "description": p.description,
        "create_time": rfc3339(p.created),
    })
}

/// An SSH key: its public part only (a private key never reaches Roster). `owner` is the
/// user holding it, `None` for the tenant's account keys.
pub(crate) fn key(owner: Option<&Value>, k: &Key) -> Value {
    json!({
        "owner": owner,
        "name": k.key.name(),
        "fingerprint": k.key.fingerprint(),
        "public_key": k.key.line(),
        "create_time": rfc3339(k.created),
    })
}

/// A provisioning token without its secret or digest.
pub(crate) fn provisioning_token(t: &ProvisioningToken) -> Value {
    json!({
        "id": t.id.to_string(),
        "name": t.name.as_str(),
        "create_time": rfc3339(t.created),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_in_utc_with_microseconds() {
        assert_eq!(
            rfc3339(Timestamp::from_micros(1_796_419_800_000_001)),
            "2026-12-04T21:30:00.000001Z"
        );
    }

    #[test]
    fn changed_fields_name_what_differs_and_never_the_bookkeeping() {
        let before = json!({"login": "a", "email": "a@x", "version": 1, "update_time": "t1"});
        let after = json!({"login": "a", "email": "b@x", "version": 2, "update_time": "t2"});
        assert_eq!(changed_fields(&before, &after, false), ["email"]);
        assert_eq!(changed_fields(&before, &after, true), ["email", "password"]);
    }
}
