//! Request messages of the gRPC contract that the tests build again and again.

// The contract's message fields are Options: a helper that returns one fills a field as it is
// (`key: key_id(id)`, `update_mask: mask(&["email"])`).
#![allow(clippy::unnecessary_wraps)]

use roster_proto::v1 as pb;

/// A user message with just an email (and optional login).
pub(crate) fn user(email: &str) -> pb::User {
    pb::User {
        email: email.to_owned(),
        ..Default::default()
    }
}

pub(crate) fn create(u: pb::User) -> pb::CreateUserRequest {
    pb::CreateUserRequest {
        user: Some(u),
        password: None,
        ..Default::default()
    }
}

pub(crate) fn key_email(email: &str) -> Option<pb::UserKey> {
    Some(pb::UserKey {
        key: Some(pb::user_key::Key::Email(email.to_owned())),
    })
}

pub(crate) fn key_id(id: &str) -> Option<pb::UserKey> {
    Some(pb::UserKey {
        key: Some(pb::user_key::Key::Id(id.to_owned())),
    })
}

pub(crate) fn get_by(key: pb::user_key::Key) -> pb::GetUserRequest {
    pb::GetUserRequest {
        key: Some(pb::UserKey { key: Some(key) }),
    }
}

pub(crate) fn mask(paths: &[&str]) -> Option<prost_types::FieldMask> {
    Some(prost_types::FieldMask {
        paths: paths.iter().map(|p| (*p).to_owned()).collect(),
    })
}
