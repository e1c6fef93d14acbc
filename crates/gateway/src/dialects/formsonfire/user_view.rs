//! The vendor's `User` as Roster answers it: from a contract user, then written as JSON
//! (ServiceStack's: declaration order, nulls omitted, GUIDs as 32 hex digits) or as
//! DataContract XML (members in alphabetical order, nulls as `i:nil`, GUIDs with dashes).
//! Dates are ISO-8601 UTC with 7 fraction digits, as the vendor's samples show.

use super::vocab::{license_name, role_name, status_name};
use super::xml_write::{NS_ARRAYS, XmlOut};
use roster_proto::v1 as pb;
use serde::Serialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

/// How `Folders` and `Groups` name their items (`UseNames`, `UseExternalIds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Naming {
    #[default]
    Ids,
    Names,
    ExternalIds,
}

/// A list of folders or groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refs {
    Guids(Vec<Uuid>),
    Strings(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeviceOut {
    id: String,
    os: Option<String>,
    os_version: Option<String>,
    app_version: Option<String>,
    name: Option<String>,
    last_sync: Option<String>,
}

/// Every member of the DTO; `None` is null.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct UserOut {
    id: Option<Uuid>,
    company_id: Option<i64>,
    license: Option<&'static str>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    status: Option<&'static str>,
    external_id: Option<String>,
    time_zone: Option<String>,
    country: Option<String>,
    website_role: Option<&'static str>,
    folders: Option<Refs>,
    groups: Option<Refs>,
    metadata: Option<BTreeMap<String, String>>,
    do_not_email: Option<bool>,
    reset_password: Option<bool>,
    created: Option<String>,
    updated: Option<String>,
    last_activity: Option<String>,
    devices: Option<Vec<DeviceOut>>,
}

/// `2019-09-11T06:24:03.9630000Z`.
pub(crate) fn iso7(t: Option<&prost_types::Timestamp>) -> Option<String> {
    let t = t?;
    let nanos = i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanos);
    let dt = OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.nanosecond() / 100
    ))
}

fn guids<'a>(ids: impl Iterator<Item = &'a str>) -> Refs {
    Refs::Guids(ids.filter_map(|s| Uuid::try_parse(s).ok()).collect())
}

fn set(v: Option<&String>) -> Option<String> {
    v.filter(|s| !s.is_empty()).cloned()
}

/// A group's name for `UseNames`: its name at the top of the tree, its `//A/B` path below
/// (DESIGN: the vendor's groups are flat; the path keeps nested names unambiguous and is
/// read back the same way).
fn group_name(g: &pb::GroupRef) -> String {
    if g.path.matches('/').count() > 2 {
        g.path.clone()
    } else {
        g.name.clone()
    }
}

impl UserOut {
    /// What POST answers: only the new user's `Id` and `Status`.
    pub(crate) fn created(u: &pb::User) -> Self {
        Self {
            id: Uuid::try_parse(&u.id).ok(),
            status: status_name(u.status),
            ..Self::default()
        }
    }

    /// Every member, for GET, PUT and search.
    pub(crate) fn full(u: &pb::User, company_id: i64, naming: Naming) -> Self {
        let (folders, groups) = match naming {
            Naming::Ids => (
                guids(u.folders.iter().map(|f| f.id.as_str())),
                guids(u.groups.iter().map(|g| g.id.as_str())),
            ),
            Naming::Names => (
                Refs::Strings(u.folders.iter().map(|f| f.name.clone()).collect()),
                Refs::Strings(u.groups.iter().map(group_name).collect()),
            ),
            // Members without an external id have nothing to show and are left out.
            Naming::ExternalIds => (
                Refs::Strings(
                    u.folders
                        .iter()
                        .filter_map(|f| f.external_id.clone())
                        .collect(),
                ),
                Refs::Strings(
                    u.groups
                        .iter()
                        .filter_map(|g| g.external_id.clone())
                        .collect(),
                ),
            ),
        };
        Self {
            id: Uuid::try_parse(&u.id).ok(),
            company_id: Some(company_id),
            license: license_name(u.license_type),
            first_name: set(u.first_name.as_ref()),
            last_name: set(u.last_name.as_ref()),
            email: Some(u.email.clone()),
            status: status_name(u.status),
            external_id: set(u.external_id.as_ref()),
            time_zone: set(u.time_zone.as_ref()),
            country: set(u.country.as_ref()),
            website_role: role_name(u.access_level),
            folders: Some(folders),
            groups: Some(groups),
            metadata: Some(
                u.metadata
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            do_not_email: Some(u.do_not_email),
            reset_password: Some(u.password_change_required),
            created: iso7(u.create_time.as_ref()),
            updated: iso7(u.update_time.as_ref()),
            last_activity: iso7(u.last_activity_time.as_ref()),
            devices: Some(
                u.devices
                    .iter()
                    .map(|d| DeviceOut {
                        id: d.id.clone(),
                        os: d.os.clone(),
                        os_version: d.os_version.clone(),
                        app_version: d.app_version.clone(),
                        name: d.name.clone(),
                        last_sync: iso7(d.last_sync_time.as_ref()),
                    })
                    .collect(),
            ),
        }
    }
}

/// The JSON member order: the vendor's sample first, the members it leaves out after.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UserJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_id: Option<i64>,
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    license: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_zone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    website_role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    folders: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    do_not_email: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reset_password: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_updated: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_activity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_devices: Option<Vec<DeviceJson<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DeviceJson<'a> {
    id: &'a str,
    #[serde(rename = "OS", skip_serializing_if = "Option::is_none")]
    os: Option<&'a str>,
    #[serde(rename = "OSVersion", skip_serializing_if = "Option::is_none")]
    os_version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_sync: Option<&'a str>,
}

fn json_refs(r: Option<&Refs>) -> Option<Vec<String>> {
    Some(match r? {
        Refs::Guids(ids) => ids.iter().map(|i| i.simple().to_string()).collect(),
        Refs::Strings(s) => s.clone(),
    })
}

impl UserOut {
    pub(crate) fn json(&self) -> UserJson<'_> {
        UserJson {
            id: self.id.map(|i| i.simple().to_string()),
            company_id: self.company_id,
            license: self.license,
            first_name: self.first_name.as_deref(),
            last_name: self.last_name.as_deref(),
            email: self.email.as_deref(),
            status: self.status,
            external_id: self.external_id.as_deref(),
            time_zone: self.time_zone.as_deref(),
            country: self.country.as_deref(),
            website_role: self.website_role,
            folders: json_refs(self.folders.as_ref()),
            groups: json_refs(self.groups.as_ref()),
            metadata: self.metadata.as_ref(),
            do_not_email: self.do_not_email,
            reset_password: self.reset_password,
            created_date: self.created.as_deref(),
            last_updated: self.updated.as_deref(),
            last_activity: self.last_activity.as_deref(),
            user_devices: self.devices.as_ref().map(|ds| {
                ds.iter()
                    .map(|d| DeviceJson {
                        id: &d.id,
                        os: d.os.as_deref(),
                        os_version: d.os_version.as_deref(),
                        app_version: d.app_version.as_deref(),
                        device_name: d.name.as_deref(),
                        last_sync: d.last_sync.as_deref(),
                    })
                    .collect()
            }),
        }
    }

    /// `<User>` with every member, alphabetically (ordinal, as DataContractSerializer
    /// sorts). `IntegrationKey` and `Password` are request-only and always nil.
    pub(crate) fn write_xml(&self, x: &mut XmlOut, element: &str) {
        let num = |v: Option<i64>| v.map(|n| n.to_string());
        let flag = |v: Option<bool>| v.map(|b| b.to_string());
        let id = self.id.map(|i| i.hyphenated().to_string());
        x.open(element);
        x.value("CompanyId", num(self.company_id).as_deref());
        x.value("Country", self.country.as_deref());
        x.value("CreatedDate", self.created.as_deref());
        x.value("DoNotEmail", flag(self.do_not_email).as_deref());
        x.value("Email", self.email.as_deref());
        x.value("ExternalId", self.external_id.as_deref());
        x.value("FirstName", self.first_name.as_deref());
        write_refs(x, "Folders", self.folders.as_ref());
        write_refs(x, "Groups", self.groups.as_ref());
        x.value("Id", id.as_deref());
        x.nil("IntegrationKey");
        x.value("LastActivity", self.last_activity.as_deref());
        x.value("LastName", self.last_name.as_deref());
        x.value("LastUpdated", self.updated.as_deref());
        write_metadata(x, self.metadata.as_ref());
        x.nil("Password");
        x.value("ResetPassword", flag(self.reset_password).as_deref());
        x.value("Status", self.status);
        x.value("TimeZone", self.time_zone.as_deref());
        x.value("Type", self.license);
        write_devices(x, self.devices.as_deref());
        x.value("WebsiteRole", self.website_role);
        x.close(element);
    }
}

fn write_refs(x: &mut XmlOut, name: &str, refs: Option<&Refs>) {
    let Some(refs) = refs else {
        x.nil(name);
        return;
    };
    let (item, values): (&str, Vec<String>) = match refs {
        Refs::Guids(ids) => (
            "guid",
            ids.iter().map(|i| i.hyphenated().to_string()).collect(),
        ),
        Refs::Strings(s) => ("string", s.clone()),
    };
    if values.is_empty() {
        x.empty_ns(name, NS_ARRAYS);
        return;
    }
    let p = x.open_ns(name, NS_ARRAYS);
    for v in &values {
        x.value(&format!("{p}:{item}"), Some(v));
    }
    x.close(name);
}

/// `Dictionary<string,string>` as DataContractSerializer writes it.
fn write_metadata(x: &mut XmlOut, metadata: Option<&BTreeMap<String, String>>) {
    let Some(m) = metadata else {
        x.nil("Metadata");
        return;
    };
    if m.is_empty() {
        x.empty_ns("Metadata", NS_ARRAYS);
        return;
    }
    let p = x.open_ns("Metadata", NS_ARRAYS);
    let pair = format!("{p}:KeyValueOfstringstring");
    for (k, v) in m {
        x.open(&pair);
        x.value(&format!("{p}:Key"), Some(k));
        x.value(&format!("{p}:Value"), Some(v));
        x.close(&pair);
    }
    x.close("Metadata");
}

fn write_devices(x: &mut XmlOut, devices: Option<&[DeviceOut]>) {
    let Some(devices) = devices else {
        x.nil("UserDevices");
        return;
    };
    if devices.is_empty() {
        x.empty("UserDevices");
        return;
    }
    x.open("UserDevices");
    for d in devices {
        x.open("UserDevice");
        x.value("AppVersion", d.app_version.as_deref());
        x.value("DeviceName", d.name.as_deref());
        x.value("Id", Some(&d.id));
        x.value("LastSync", d.last_sync.as_deref());
        x.value("OS", d.os.as_deref());
        x.value("OSVersion", d.os_version.as_deref());
        x.close("UserDevice");
    }
    x.close("UserDevices");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_have_seven_fraction_digits_in_utc() {
        let t = prost_types::Timestamp {
            seconds: 1_568_183_043,
            nanos: 963_000_000,
        };
        assert_eq!(
            iso7(Some(&t)).as_deref(),
            Some("2019-09-11T06:24:03.9630000Z")
        );
        assert_eq!(iso7(None), None);
    }

    #[test]
    fn the_xml_members_are_in_ordinal_order() {
        let members = [
            "CompanyId",
            "Country",
            "CreatedDate",
            "DoNotEmail",
            "Email",
            "ExternalId",
            "FirstName",
            "Folders",
            "Groups",
            "Id",
            "IntegrationKey",
            "LastActivity",
            "LastName",
            "LastUpdated",
            "Metadata",
            "Password",
            "ResetPassword",
            "Status",
            "TimeZone",
            "Type",
            "UserDevices",
            "WebsiteRole",
        ];
        let mut sorted = members;
        sorted.sort_unstable();
        assert_eq!(members, sorted);
        let device = [
            "AppVersion",
            "DeviceName",
            "Id",
            "LastSync",
            "OS",
            "OSVersion",
        ];
        let mut sorted = device;
        sorted.sort_unstable();
        assert_eq!(device, sorted);
    }

    #[test]
    fn nested_groups_are_named_by_path() {
        let top = pb::GroupRef {
            name: "Sales".into(),
            path: "//Sales".into(),
            ..Default::default()
        };
        let nested = pb::GroupRef {
            name: "East".into(),
            path: "//Sales/East".into(),
            ..Default::default()
        };
        assert_eq!(group_name(&top), "Sales");
        assert_eq!(group_name(&nested), "//Sales/East");
    }
}
