//! Users between protobuf and the domain.

use super::folders::{folder_ref_to_pb, folder_selector, license_from_pb, license_to_pb};
use super::groups::group_ref_to_pb;
use super::time::{from_pb, to_pb};
use roster_domain::rbac::BuiltInRole;
use roster_domain::users::{
    AccessLevel, Device, GroupSelector, NewUser, PersonType, ProfileField, User, UserChange,
    UserField, UserKey, UserStatus,
};
use roster_domain::values::{Email, ExternalId, GroupPath, Login, Metadata, ProfileText};
use roster_domain::{FieldViolations, GroupId, Timestamp, UserId};
use roster_proto::v1 as pb;

pub(crate) fn status_to_pb(s: UserStatus) -> pb::UserStatus {
    match s {
        UserStatus::Invited => pb::UserStatus::Invited,
        UserStatus::Active => pb::UserStatus::Active,
        UserStatus::Disabled => pb::UserStatus::Disabled,
    }
}

pub(crate) fn status_from_pb(s: pb::UserStatus) -> Option<UserStatus> {
    match s {
        pb::UserStatus::Unspecified => None,
        pb::UserStatus::Invited => Some(UserStatus::Invited),
        pb::UserStatus::Active => Some(UserStatus::Active),
        pb::UserStatus::Disabled => Some(UserStatus::Disabled),
    }
}

pub(crate) fn person_type_to_pb(p: PersonType) -> pb::PersonType {
    match p {
        PersonType::Internal => pb::PersonType::Internal,
        PersonType::External => pb::PersonType::External,
    }
}

pub(crate) fn person_type_from_pb(p: pb::PersonType) -> Option<PersonType> {
    match p {
        pb::PersonType::Unspecified => None,
        pb::PersonType::Internal => Some(PersonType::Internal),
        pb::PersonType::External => Some(PersonType::External),
    }
}

pub(crate) fn access_level_to_pb(a: AccessLevel) -> pb::AccessLevel {
    match a {
        AccessLevel::ReadOnly => pb::AccessLevel::ReadOnly,
        AccessLevel::User => pb::AccessLevel::User,
        AccessLevel::Admin => pb::AccessLevel::Admin,
        AccessLevel::EnterpriseAdmin => pb::AccessLevel::EnterpriseAdmin,
        AccessLevel::VendorAdmin => pb::AccessLevel::VendorAdmin,
        AccessLevel::SuperAdmin => pb::AccessLevel::SuperAdmin,
    }
}

pub(crate) fn access_level_from_pb(a: pb::AccessLevel) -> Option<AccessLevel> {
    match a {
        pb::AccessLevel::Unspecified => None,
        pb::AccessLevel::ReadOnly => Some(AccessLevel::ReadOnly),
        pb::AccessLevel::User => Some(AccessLevel::User),
        pb::AccessLevel::Admin => Some(AccessLevel::Admin),
        pb::AccessLevel::EnterpriseAdmin => Some(AccessLevel::EnterpriseAdmin),
        pb::AccessLevel::VendorAdmin => Some(AccessLevel::VendorAdmin),
        pb::AccessLevel::SuperAdmin => Some(AccessLevel::SuperAdmin),
    }
}

pub(crate) fn device_to_pb(d: &Device) -> pb::Device {
    pb::Device {
        id: d.id.clone(),
        os: d.os.clone(),
        os_version: d.os_version.clone(),
        app_version: d.app_version.clone(),
        name: d.name.clone(),
        last_sync_time: Some(to_pb(d.last_sync)),
    }
}

pub fn user_to_pb(u: &User) -> pb::User {
    let p = &u.profile;
    pb::User {
        id: u.id.to_string(),
        number: u.number,
        login: u.login.as_str().to_owned(),
        email: u.email.as_str().to_owned(),
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        display_name: p.display_name.clone(),
        job_title: p.job_title.clone(),
        company_name: p.company_name.clone(),
        address: p.address.clone(),
        postal_code: p.postal_code.clone(),
        city: p.city.clone(),
        state: p.state.clone(),
        country: p.country.clone(),
        phone: p.phone.clone(),
        external_id: u.external_id.as_ref().map(|x| x.as_str().to_owned()),
        time_zone: p.time_zone.clone(),
        status: status_to_pb(u.status).into(),
        person_type: person_type_to_pb(u.person_type).into(),
        access_level: access_level_to_pb(u.access_level).into(),
        metadata: u
            .metadata
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        password_change_required: u.password_change_required,
        has_password: u.has_password,
        groups: u.groups.iter().map(group_ref_to_pb).collect(),
        devices: u.devices.iter().map(device_to_pb).collect(),
        create_time: Some(to_pb(u.created)),
        update_time: Some(to_pb(u.updated)),
        last_activity_time: u.last_activity.map(to_pb),
        etag: u.etag(),
        roles: u
            .roles
            .iter()
            .filter(|r| r.built_in.is_none())
            .map(super::rbac::user_role_to_pb)
            .collect(),
        folders: u.folders.iter().map(folder_ref_to_pb).collect(),
        license_type: license_to_pb(u.license).into(),
        do_not_email: u.do_not_email,
        role_keys: u.role_keys().iter().map(|k| k.key().to_owned()).collect(),
    }
}

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

fn profile_value(u: &pb::User, f: ProfileField) -> Option<&String> {
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

fn profile_path(f: ProfileField) -> &'static str {
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

/// The fields set in `u` (AIP-134's implied mask). `false` booleans count as unset.
pub(crate) fn implied_mask(u: &pb::User) -> Vec<UserField> {
    let mut out = Vec::new();
    if !u.login.is_empty() {
        out.push(UserField::Login);
    }
    if !u.email.is_empty() {
        out.push(UserField::Email);
    }
    for f in ProfileField::ALL {
        if profile_value(u, f).is_some() {
            out.push(UserField::Profile(f));
        }
    }
    if u.external_id.is_some() {
        out.push(UserField::ExternalId);
    }
    if u.status != 0 {
        out.push(UserField::Status);
    }
    if u.person_type != 0 {
        out.push(UserField::PersonType);
    }
    if u.access_level != 0 {
        out.push(UserField::AccessLevel);
    }
    if !u.metadata.is_empty() {
        out.push(UserField::Metadata);
    }
    if u.password_change_required {
        out.push(UserField::PasswordChangeRequired);
    }
    if !u.groups.is_empty() {
        out.push(UserField::Groups);
    }
    if !u.folders.is_empty() {
        out.push(UserField::Folders);
    }
    if u.license_type != 0 {
        out.push(UserField::License);
    }
    if u.do_not_email {
        out.push(UserField::DoNotEmail);
    }
    if !u.role_keys.is_empty() {
        out.push(UserField::RoleKeys);
    }
    out
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

fn selector(g: &pb::GroupRef) -> Result<GroupSelector, String> {
    if !g.id.is_empty() {
        return GroupId::parse(&g.id)
            .map(GroupSelector::Id)
            .map_err(|e| e.to_string());
    }
    if !g.path.is_empty() {
        return GroupPath::parse(&g.path)
            .map(GroupSelector::Path)
            .map_err(|e| e.to_string());
    }
    match &g.external_id {
        Some(x) => ExternalId::parse(x)
            .map(GroupSelector::ExternalId)
            .map_err(|e| e.to_string()),
        None => Err("name the group by id, path or external_id".to_owned()),
    }
}

/// The items of a list field that parse; each one that does not is a violation at `name[i]`.
fn each<X, T, E: std::fmt::Display>(
    v: &mut FieldViolations,
    name: &str,
    items: &[X],
    parse: impl Fn(&X) -> Result<T, E>,
) -> Vec<T> {
    items
        .iter()
        .enumerate()
        .filter_map(|(i, x)| v.check(&format!("{name}[{i}]"), parse(x)))
        .collect()
}

/// One validated change per field in `fields`, read from `u`. Violations name `prefix.field`.
pub(crate) fn changes_from(
    u: &pb::User,
    fields: &[UserField],
    prefix: &str,
) -> Result<Vec<UserChange>, FieldViolations> {
    let mut v = FieldViolations::new();
    let mut out = Vec::with_capacity(fields.len());
    let at = |name: &str| format!("{prefix}{name}");
    for f in fields {
        let change = match *f {
            UserField::Login => v
                .check(&at("login"), Login::parse(&u.login))
                .map(UserChange::Login),
            UserField::Email => v
                .check(&at("email"), Email::parse(&u.email))
                .map(UserChange::Email),
            UserField::Profile(pf) => {
                let raw = profile_value(u, pf).map_or("", String::as_str);
                let parsed = if pf == ProfileField::Address {
                    ProfileText::parse_multiline(raw)
                } else {
                    ProfileText::parse(raw)
                };
                v.check(&at(profile_path(pf)), parsed)
                    .map(|t| UserChange::Profile(pf, t))
            }
            UserField::ExternalId => match u.external_id.as_deref().map(str::trim) {
                None | Some("") => Some(UserChange::ExternalId(None)),
                Some(x) => v
                    .check(&at("external_id"), ExternalId::parse(x))
                    .map(|x| UserChange::ExternalId(Some(x))),
            },
            UserField::Status => {
                let s = pb::UserStatus::try_from(u.status)
                    .ok()
                    .and_then(status_from_pb);
                v.check(
                    &at("status"),
                    s.ok_or("must be INVITED, ACTIVE or DISABLED"),
                )
                .map(UserChange::Status)
            }
            UserField::PersonType => {
                let p = pb::PersonType::try_from(u.person_type)
                    .ok()
                    .and_then(person_type_from_pb);
                v.check(&at("person_type"), p.ok_or("must be INTERNAL or EXTERNAL"))
                    .map(UserChange::PersonType)
            }
            UserField::AccessLevel => {
                let a = pb::AccessLevel::try_from(u.access_level)
                    .ok()
                    .and_then(access_level_from_pb);
                v.check(&at("access_level"), a.ok_or("must be a known access level"))
                    .map(UserChange::AccessLevel)
            }
            UserField::Metadata => {
                let pairs = u.metadata.iter().map(|(k, val)| (k.clone(), val.clone()));
                v.check(&at("metadata"), Metadata::parse(pairs))
                    .map(UserChange::Metadata)
            }
            UserField::PasswordChangeRequired => Some(UserChange::PasswordChangeRequired(
                u.password_change_required,
            )),
            UserField::Groups => Some(UserChange::Groups(each(
                &mut v,
                &at("groups"),
                &u.groups,
                selector,
            ))),
            UserField::Folders => Some(UserChange::Folders(each(
                &mut v,
                &at("folders"),
                &u.folders,
                folder_selector,
            ))),
            UserField::License => {
                let l = pb::LicenseType::try_from(u.license_type)
                    .ok()
                    .and_then(license_from_pb);
                v.check(
                    &at("license_type"),
                    l.ok_or("must be STANDARD, PREMIUM, LITE or FULL"),
                )
                .map(UserChange::License)
            }
            UserField::DoNotEmail => Some(UserChange::DoNotEmail(u.do_not_email)),
            UserField::RoleKeys => Some(UserChange::RoleKeys(each(
                &mut v,
                &at("role_keys"),
                &u.role_keys,
                |k| {
                    BuiltInRole::from_key(k)
                        .ok_or_else(|| format!("unknown role key `{k}`: org-admin, admin or org"))
                },
            ))),
        };
        if let Some(c) = change {
            out.push(c);
        }
    }
    v.into_result().map(|()| out)
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
    fn unknown_and_output_only_mask_paths_are_refused() {
        let mask = prost_types::FieldMask {
            paths: vec!["first_name".into(), "etag".into(), "nope".into()],
        };
        let err = mask_fields(Some(&mask), &pb::User::default()).unwrap_err();
        assert_eq!(err.iter().count(), 2);
    }

    #[test]
    fn a_masked_field_left_unset_is_cleared() {
        let mask = prost_types::FieldMask {
            paths: vec!["city".into()],
        };
        let fields = mask_fields(Some(&mask), &pb::User::default()).unwrap();
        let changes = changes_from(&pb::User::default(), &fields, "user.").unwrap();
        assert_eq!(changes, vec![UserChange::Profile(ProfileField::City, None)]);
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
