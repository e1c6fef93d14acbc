//! A `User` as DataContract XML: members in ordinal alphabetical order, nulls as `i:nil`,
//! GUIDs with dashes, arrays and dictionaries in the serialization namespace.

use super::user_view::{DeviceOut, Refs, UserOut};
use super::xml_write::{NS_ARRAYS, XmlOut};
use std::collections::BTreeMap;

impl UserOut {
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
}
