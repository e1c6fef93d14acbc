//! Rows to domain values. Conversion re-validates every value: a row that no longer parses
//! is a storage error, never a panic.

use crate::entities::{folder, group, tenant, user};
use roster_domain::folders::{Folder, FolderRef};
use roster_domain::groups::{Group, GroupRef};
use roster_domain::rbac::{RbacName, UserRole};
use roster_domain::tenants::Tenant;
use roster_domain::users::{
    AccessLevel, Device, LicenseType, PersonType, Profile, User, UserStatus,
};
use roster_domain::values::{
    CompanyId, Email, ExternalId, FolderName, GroupPath, Login, Metadata, TenantLogin,
};
use roster_domain::{FolderId, GroupId, StorageError, TenantId, Timestamp, UserId};
use std::collections::BTreeMap;

fn bad(what: &str, detail: impl std::fmt::Display) -> StorageError {
    StorageError::msg(format!("stored {what} is invalid: {detail}"))
}

/// What a user row needs from the tables around it.
#[derive(Debug, Default)]
pub(crate) struct UserLinks {
    pub(crate) groups: Vec<GroupRef>,
    pub(crate) devices: Vec<Device>,
    pub(crate) roles: Vec<UserRole>,
    pub(crate) folders: Vec<FolderRef>,
}

pub(crate) fn user_from_row(r: user::Model, links: UserLinks) -> Result<User, StorageError> {
    let UserLinks {
        groups,
        devices,
        roles,
        folders,
    } = links;
    let metadata: BTreeMap<String, String> =
        serde_json::from_str(&r.metadata).map_err(|e| bad("metadata", e))?;
    Ok(User {
        id: UserId::from_uuid(r.id),
        number: r.number,
        tenant: TenantId::from_uuid(r.tenant_id),
        login: Login::parse(&r.login).map_err(|e| bad("login", e))?,
        email: Email::parse(&r.email).map_err(|e| bad("email", e))?,
        profile: Profile {
            first_name: r.first_name,
            last_name: r.last_name,
            display_name: r.display_name,
            job_title: r.job_title,
            company_name: r.company_name,
            address: r.address,
            postal_code: r.postal_code,
            city: r.city,
            state: r.state,
            country: r.country,
            phone: r.phone,
            time_zone: r.time_zone,
        },
        external_id: r
            .external_id
            .map(|x| ExternalId::parse(&x))
            .transpose()
            .map_err(|e| bad("external id", e))?,
        status: UserStatus::from_name(&r.status).ok_or_else(|| bad("status", &r.status))?,
        person_type: PersonType::from_name(&r.person_type)
            .ok_or_else(|| bad("person type", &r.person_type))?,
        access_level: AccessLevel::from_name(&r.access_level)
            .ok_or_else(|| bad("access level", &r.access_level))?,
        metadata: Metadata::parse(metadata).map_err(|e| bad("metadata", e))?,
        password_change_required: r.password_change_required,
        has_password: r.password_hash.is_some(),
        groups,
        devices,
        roles,
        created: Timestamp::from_micros(r.created_at),
        updated: Timestamp::from_micros(r.updated_at),
        last_activity: r.last_activity_at.map(Timestamp::from_micros),
        version: r.version,
        folders,
        license: LicenseType::from_name(&r.license_type)
            .ok_or_else(|| bad("licence type", &r.license_type))?,
        do_not_email: r.do_not_email,
    })
}

pub(crate) fn metadata_json(m: &Metadata) -> String {
    let map: BTreeMap<&String, &String> = m.iter().collect();
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".to_owned())
}

pub(crate) fn group_ref(
    id: uuid::Uuid,
    path: &str,
    external_id: Option<&str>,
) -> Result<GroupRef, StorageError> {
    Ok(GroupRef {
        id: GroupId::from_uuid(id),
        path: GroupPath::parse(path).map_err(|e| bad("group path", e))?,
        external_id: external_id
            .map(ExternalId::parse)
            .transpose()
            .map_err(|e| bad("group external id", e))?,
    })
}

pub(crate) fn group_from_row(r: &group::Model, member_count: i64) -> Result<Group, StorageError> {
    let gr = group_ref(r.id, &r.path, r.external_id.as_deref())?;
    Ok(Group {
        id: gr.id,
        tenant: TenantId::from_uuid(r.tenant_id),
        parent: r.parent_id.map(GroupId::from_uuid),
        path: gr.path,
        external_id: gr.external_id,
        created: Timestamp::from_micros(r.created_at),
        updated: Timestamp::from_micros(r.updated_at),
        member_count,
        version: r.version,
    })
}

pub(crate) fn folder_ref(
    id: uuid::Uuid,
    name: &str,
    external_id: Option<&str>,
) -> Result<FolderRef, StorageError> {
    Ok(FolderRef {
        id: FolderId::from_uuid(id),
        name: FolderName::parse(name).map_err(|e| bad("folder name", e))?,
        external_id: external_id
            .map(ExternalId::parse)
            .transpose()
            .map_err(|e| bad("folder external id", e))?,
    })
}

pub(crate) fn folder_from_row(
    r: &folder::Model,
    member_count: i64,
) -> Result<Folder, StorageError> {
    let f = folder_ref(r.id, &r.name, r.external_id.as_deref())?;
    Ok(Folder {
        id: f.id,
        tenant: TenantId::from_uuid(r.tenant_id),
        name: f.name,
        external_id: f.external_id,
        created: Timestamp::from_micros(r.created_at),
        member_count,
    })
}

pub(crate) fn tenant_from_row(r: tenant::Model) -> Result<Tenant, StorageError> {
    Ok(Tenant {
        id: TenantId::from_uuid(r.id),
        login: TenantLogin::parse(&r.login).map_err(|e| bad("tenant login", e))?,
        name: r.name,
        company_id: CompanyId::parse(r.company_id).map_err(|e| bad("company id", e))?,
        owner: r.owner_user_id.map(UserId::from_uuid),
        created: Timestamp::from_micros(r.created_at),
        updated: Timestamp::from_micros(r.updated_at),
    })
}

pub(crate) fn rbac_name(raw: &str) -> Result<RbacName, StorageError> {
    RbacName::parse(raw).map_err(|e| bad("role or policy name", e))
}
