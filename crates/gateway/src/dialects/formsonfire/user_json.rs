//! A `User` as ServiceStack's JSON writes it: declaration order (the vendor's sample first,
//! the members it leaves out after), nulls omitted, GUIDs as 32 hex digits.

use super::user_view::{Refs, UserOut};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A `User`: every member for GET, PUT and search, only `Id` and `Status` for POST. In JSON
/// nulls are left out and GUIDs are 32 hex digits; in XML every member is present in
/// alphabetical order (`i:nil="true"` for nulls, with a nil `IntegrationKey` and
/// `Password`), GUIDs have dashes, list items are `guid` or `string` elements and
/// `Metadata` items are `KeyValueOfstringstring`. Dates are ISO-8601 UTC with 7 fraction
/// digits.
#[serde_with::skip_serializing_none]
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = formsonfire::User, xml(name = "User"))]
pub(crate) struct UserJson<'a> {
    /// The user's GUID.
    id: Option<String>,
    company_id: Option<i64>,
    #[serde(rename = "Type")]
    #[schema(value_type = Option<super::doc::LicenseType>)]
    license: Option<&'static str>,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    email: Option<&'a str>,
    #[schema(value_type = Option<super::doc::Status>)]
    status: Option<&'static str>,
    external_id: Option<&'a str>,
    time_zone: Option<&'a str>,
    country: Option<&'a str>,
    #[schema(value_type = Option<super::doc::WebsiteRole>)]
    website_role: Option<&'static str>,
    #[schema(xml(wrapped))]
    folders: Option<Vec<String>>,
    #[schema(xml(wrapped))]
    groups: Option<Vec<String>>,
    #[schema(value_type = Option<BTreeMap<String, String>>)]
    metadata: Option<&'a BTreeMap<String, String>>,
    do_not_email: Option<bool>,
    reset_password: Option<bool>,
    created_date: Option<&'a str>,
    last_updated: Option<&'a str>,
    last_activity: Option<&'a str>,
    #[schema(xml(wrapped))]
    user_devices: Option<Vec<DeviceJson<'a>>>,
}

/// A device the user used.
#[serde_with::skip_serializing_none]
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[schema(as = formsonfire::UserDevice, xml(name = "UserDevice"))]
pub(crate) struct DeviceJson<'a> {
    id: &'a str,
    #[serde(rename = "OS")]
    os: Option<&'a str>,
    #[serde(rename = "OSVersion")]
    os_version: Option<&'a str>,
    app_version: Option<&'a str>,
    device_name: Option<&'a str>,
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
}
