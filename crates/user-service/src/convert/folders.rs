//! Folders and licence types between protobuf and the domain.

use super::refs::{Entry, Keys, RefError};
use super::time::to_pb;
use roster_domain::folders::{Folder, FolderKey, FolderRef};
use roster_domain::users::LicenseType;
use roster_domain::values::{ExternalId, FolderName, FolderNameError};
use roster_domain::{FieldViolations, FolderId};
use roster_proto::v1 as pb;

pub(crate) fn folder_to_pb(f: &Folder) -> pb::Folder {
    pb::Folder {
        id: f.id.to_string(),
        name: f.name.as_str().to_owned(),
        external_id: f.external_id.as_ref().map(|x| x.as_str().to_owned()),
        create_time: Some(to_pb(f.created)),
        member_count: f.member_count,
    }
}

pub(crate) fn folder_ref_to_pb(f: &FolderRef) -> pb::FolderRef {
    pb::FolderRef {
        id: f.id.to_string(),
        name: f.name.as_str().to_owned(),
        external_id: f.external_id.as_ref().map(|x| x.as_str().to_owned()),
    }
}

/// How a user's `folders` entry names a folder.
const FOLDERS: Keys<FolderKey, FolderNameError> = Keys {
    kind: "folder",
    name: "name",
    by_id: |id| FolderId::parse(id).map(FolderKey::Id),
    by_name: |name| FolderName::parse(name).map(FolderKey::Name),
    by_external_id: FolderKey::ExternalId,
};

/// The folder a user's `folders` entry names: by id, else name, else external id.
pub(crate) fn folder_selector(f: &pb::FolderRef) -> Result<FolderKey, RefError<FolderNameError>> {
    FOLDERS.of(&Entry {
        id: &f.id,
        name: &f.name,
        external_id: f.external_id.as_deref(),
    })
}

/// A GetFolder key.
pub(crate) fn folder_key_from_pb(
    key: Option<&pb::get_folder_request::Key>,
) -> Result<FolderKey, FieldViolations> {
    use pb::get_folder_request::Key;
    match key {
        Some(Key::Id(id)) => FolderId::parse(id)
            .map(FolderKey::Id)
            .map_err(|e| FieldViolations::single("id", e)),
        Some(Key::Name(n)) => FolderName::parse(n)
            .map(FolderKey::Name)
            .map_err(|e| FieldViolations::single("name", e)),
        Some(Key::ExternalId(x)) => ExternalId::parse(x)
            .map(FolderKey::ExternalId)
            .map_err(|e| FieldViolations::single("external_id", e)),
        None => Err(FieldViolations::single(
            "key",
            "name the folder by id, name or external_id",
        )),
    }
}

pub(crate) fn license_to_pb(l: LicenseType) -> pb::LicenseType {
    match l {
        LicenseType::Standard => pb::LicenseType::Standard,
        LicenseType::Premium => pb::LicenseType::Premium,
        LicenseType::Lite => pb::LicenseType::Lite,
        LicenseType::Full => pb::LicenseType::Full,
    }
}

pub(crate) fn license_from_pb(l: pb::LicenseType) -> Option<LicenseType> {
    match l {
        pb::LicenseType::Unspecified => None,
        pb::LicenseType::Standard => Some(LicenseType::Standard),
        pb::LicenseType::Premium => Some(LicenseType::Premium),
        pb::LicenseType::Lite => Some(LicenseType::Lite),
        pb::LicenseType::Full => Some(LicenseType::Full),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licence_types_round_trip() {
        for l in LicenseType::ALL {
            assert_eq!(license_from_pb(license_to_pb(*l)), Some(*l));
        }
        assert_eq!(license_from_pb(pb::LicenseType::Unspecified), None);
    }

    #[test]
    fn folder_selectors_prefer_the_id() {
        let by_name = pb::FolderRef {
            name: "Reports".into(),
            ..Default::default()
        };
        assert!(matches!(folder_selector(&by_name), Ok(FolderKey::Name(_))));
        let bad_id = pb::FolderRef {
            id: "nope".into(),
            name: "Reports".into(),
            ..Default::default()
        };
        assert!(folder_selector(&bad_id).is_err());
        assert!(folder_selector(&pb::FolderRef::default()).is_err());
    }
}
