//! User writes through each vendor dialect and SCIM: every write the dialect makes is told by
//! exactly its events, with the data the core holds (the same id gRPC reads), and a write
//! the dialect refuses is told by none.

mod cloudapi;
mod elements;
mod formsonfire;
mod scim;
mod surecloud;

use crate::support::TestApp;
use crate::support::TestTenant;
use crate::support::records::by_email;
use roster_proto::v1 as pb;

/// `(type, subject)` as [`super::kinds`] gives it, for `roster.<kind>`.
pub(super) fn told(kind: &str, subject: &str) -> (String, String) {
    (format!("roster.{kind}"), subject.to_owned())
}

/// The user `email` as gRPC `GetUser` reads it.
pub(super) async fn grpc_user(app: &TestApp, t: &TestTenant, email: &str) -> pb::User {
    by_email(app, t, email)
        .await
        .unwrap_or_else(|| panic!("gRPC reads {email}"))
}

/// No event's data or envelope carries a password, a hash or a secret.
#[track_caller]
pub(super) fn no_secret(events: &[pb::Event], secrets: &[&str]) {
    for e in events {
        for s in secrets.iter().chain(&["argon2", "password_hash"]) {
            assert!(
                !e.data.contains(s) && !e.cloud_event.contains(s),
                "{s:?} in an event: {}",
                e.data
            );
        }
    }
}
