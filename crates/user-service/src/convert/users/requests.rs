//! The user-related parts of requests other than a user's fields: which user a call names,
//! a new user, and a device.

use super::changes::changes_from;
use super::mask::implied_mask;
use crate::convert::time::from_pb;
use roster_domain::users::{Device, NewUser, UserKey};
use roster_domain::values::{Email, ExternalId, Login};
use roster_domain::{FieldViolations, Timestamp, UserId};
use roster_proto::v1 as pb;

/// The key of `field` (for violations, e.g. `key`).
pub(crate) fn key_from_pb(
    key: Option<&pb::UserKey>,
    field: &str,
) -> Result<UserKey, FieldViolations> {
    use pb::user_key::Key;
    let bad = |msg: &str| FieldViolations::single(field, msg);
    match key.and_then(|k| k.key.as_ref()) {
        None => Err(bad(
            "name a user by id, number, login, email or external_id",
        )),
        Some(Key::Id(id)) => UserId::parse(id)
            .map(UserKey::Id)
            .map_err(|e| bad(&e.to_string())),
        Some(Key::Number(n)) if *n > 0 => Ok(UserKey::Number(*n)),
        Some(Key::Number(_)) => Err(bad("number must be positive")),
        Some(Key::Login(l)) => Login::parse(l)
            .map(UserKey::Login)
            .map_err(|e| bad(&e.to_string())),
        Some(Key::Email(e)) => Email::parse(e)
            .map(UserKey::Email)
            .map_err(|e| bad(&e.to_string())),
        Some(Key::ExternalId(x)) => ExternalId::parse(x)
            .map(UserKey::ExternalId)
            .map_err(|e| bad(&e.to_string())),
    }
}

/// A new user from a CreateUser request's `user`: every field set in it.
pub(crate) fn new_user_from_pb(u: Option<&pb::User>) -> Result<NewUser, FieldViolations> {
    let Some(u) = u else {
        return Err(FieldViolations::single("user", "is required"));
    };
    let changes = changes_from(u, &implied_mask(u), "user.")?;
    NewUser::from_changes(&changes)
}

/// A device from RecordActivity; its sync time defaults to the activity time.
pub(crate) fn device_from_pb(d: &pb::Device, at: Timestamp) -> Result<Device, FieldViolations> {
    let last_sync = d.last_sync_time.as_ref().and_then(from_pb).unwrap_or(at);
    Device::parse(
        &d.id,
        d.os.as_deref(),
        d.os_version.as_deref(),
        d.app_version.as_deref(),
        d.name.as_deref(),
        last_sync,
    )
    .map_err(|e| FieldViolations::single("device", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_domain::users::UserStatus;

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let u = pb::User {
            email: "nope".into(),
            login: "a b".into(),
            external_id: Some("x".repeat(51)),
            groups: vec![pb::GroupRef {
                path: "no-slashes".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let err = new_user_from_pb(Some(&u)).unwrap_err();
        let fields: Vec<_> = err.iter().map(|v| v.field.as_str()).collect();
        for f in [
            "user.email",
            "user.login",
            "user.external_id",
            "user.groups[0]",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn users_round_trip_through_protobuf_for_the_fields_clients_write() {
        let mut n = NewUser::fake(7);
        n.profile.city = Some("Oslo".into());
        n.status = UserStatus::Invited;
        let pb_user = pb::User {
            login: "user7".into(),
            email: "user7@example.test".into(),
            first_name: Some("First7".into()),
            last_name: Some("Last7".into()),
            city: Some("Oslo".into()),
            status: pb::UserStatus::Invited.into(),
            ..Default::default()
        };
        assert_eq!(new_user_from_pb(Some(&pb_user)).unwrap(), n);
    }
}
