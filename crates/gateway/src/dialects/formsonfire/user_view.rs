//! The vendor's `User` as Roster answers it, from a contract user: every member, or only
//! `Id` and `Status` (POST). Written as JSON by `user_json`, as XML by `user_xml`. Dates are
//! ISO-8601 UTC with 7 fraction digits, as the vendor's samples show.

use super::vocab::{license_name, role_name, status_name};
use roster_proto::v1 as pb;
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
    pub(crate) id: String,
    pub(crate) os: Option<String>,
    pub(crate) os_version: Option<String>,
    pub(crate) app_version: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) last_sync: Option<String>,
}

/// Every member of the DTO; `None` is null.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct UserOut {
    pub(crate) id: Option<Uuid>,
    pub(crate) company_id: Option<i64>,
    pub(crate) license: Option<&'static str>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) status: Option<&'static str>,
    pub(crate) external_id: Option<String>,
    pub(crate) time_zone: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) website_role: Option<&'static str>,
    pub(crate) folders: Option<Refs>,
    pub(crate) groups: Option<Refs>,
    pub(crate) metadata: Option<BTreeMap<String, String>>,
    pub(crate) do_not_email: Option<bool>,
    pub(crate) reset_password: Option<bool>,
    pub(crate) created: Option<String>,
    pub(crate) updated: Option<String>,
    pub(crate) last_activity: Option<String>,
    pub(crate) devices: Option<Vec<DeviceOut>>,
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
