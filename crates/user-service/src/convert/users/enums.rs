//! The user's enumerations (status, person type, access level) between protobuf and the
//! domain. Protobuf's UNSPECIFIED has no domain value.

use roster_domain::users::{AccessLevel, PersonType, UserStatus};
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
        AccessLevel::None => pb::AccessLevel::None,
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
        pb::AccessLevel::None => Some(AccessLevel::None),
        pb::AccessLevel::ReadOnly => Some(AccessLevel::ReadOnly),
        pb::AccessLevel::User => Some(AccessLevel::User),
        pb::AccessLevel::Admin => Some(AccessLevel::Admin),
        pb::AccessLevel::EnterpriseAdmin => Some(AccessLevel::EnterpriseAdmin),
        pb::AccessLevel::VendorAdmin => Some(AccessLevel::VendorAdmin),
        pb::AccessLevel::SuperAdmin => Some(AccessLevel::SuperAdmin),
    }
}
