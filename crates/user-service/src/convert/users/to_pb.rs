//! Users out to protobuf; this cannot fail.

use super::enums::{access_level_to_pb, person_type_to_pb, status_to_pb};
use crate::convert::folders::{folder_ref_to_pb, license_to_pb};
use crate::convert::groups::group_ref_to_pb;
use crate::convert::rbac::user_role_to_pb;
use crate::convert::time::to_pb;
use roster_domain::users::{Device, User};
use roster_proto::v1 as pb;

fn device_to_pb(d: &Device) -> pb::Device {
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
        // Built-in roles travel as `role_keys`.
        roles: u
            .roles
            .iter()
            .filter(|r| r.built_in.is_none())
            .map(user_role_to_pb)
            .collect(),
        folders: u.folders.iter().map(folder_ref_to_pb).collect(),
        license_type: license_to_pb(u.license).into(),
        do_not_email: u.do_not_email,
        role_keys: u.role_keys().iter().map(|k| k.key().to_owned()).collect(),
    }
}
