//! The security suite: one matrix of attacks across every door (gRPC, CloudAPI, Cloud
//! Elements, Forms On Fire, SureCloud). Each test records the data an attack aims at, makes
//! the attack with credentials that are valid but must not reach that far, asserts the
//! door's own refusal (status and body shape), and reads the data back to compare: a refusal
//! that still wrote something is a failure.

mod cloudapi;
mod credentials;
mod escalation;
mod owner;
mod replay;
mod revocation;
mod tenants;

use roster_e2e::{TestApp, TestTenant, key_email, key_id};
use roster_proto::v1 as pb;

/// A user as the store has it now, read over gRPC with the tenant's service token.
pub(crate) async fn snapshot(app: &TestApp, t: &TestTenant, id: &str) -> Option<pb::User> {
    app.users(&t.token)
        .get_user(pb::GetUserRequest { key: key_id(id) })
        .await
        .ok()
        .map(tonic::Response::into_inner)
}

/// A user by email, over gRPC with the tenant's service token.
pub(crate) async fn by_email(app: &TestApp, t: &TestTenant, email: &str) -> Option<pb::User> {
    app.users(&t.token)
        .get_user(pb::GetUserRequest {
            key: key_email(email),
        })
        .await
        .ok()
        .map(tonic::Response::into_inner)
}

/// Every user of the tenant, in creation order.
pub(crate) async fn all_users(app: &TestApp, t: &TestTenant) -> Vec<pb::User> {
    app.users(&t.token)
        .list_users(pb::ListUsersRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await
        .expect("list users")
        .into_inner()
        .users
}

/// Creates a user over gRPC with the tenant's service token.
pub(crate) async fn make_user(
    app: &TestApp,
    t: &TestTenant,
    email: &str,
    level: pb::AccessLevel,
) -> pb::User {
    let mut u = roster_e2e::user(email);
    u.first_name = Some("Fi".into());
    u.last_name = Some("La".into());
    u.set_access_level(level);
    app.users(&t.token)
        .create_user(pb::CreateUserRequest {
            user: Some(u),
            password: Some("Passw0rd-1".into()),
        })
        .await
        .expect("create user")
        .into_inner()
}

/// The ErrorInfo metadata `key` of a status.
pub(crate) fn info(s: &tonic::Status, key: &str) -> String {
    use tonic_types::StatusExt as _;
    s.get_details_error_info()
        .and_then(|i| i.metadata.get(key).cloned())
        .unwrap_or_default()
}

/// Disables the user `id`, as the owner, over gRPC.
pub(crate) async fn disable(app: &TestApp, t: &TestTenant, id: &str) {
    set_status(app, t, id, pb::UserStatus::Disabled).await;
}

/// Sets the status of the user `id`, as the owner, over gRPC.
pub(crate) async fn set_status(app: &TestApp, t: &TestTenant, id: &str, status: pb::UserStatus) {
    let mut change = pb::User {
        id: id.to_owned(),
        ..Default::default()
    };
    change.set_status(status);
    app.users(&t.owner_token)
        .update_user(pb::UpdateUserRequest {
            user: Some(change),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["status".into()],
            }),
            password: None,
        })
        .await
        .expect("the owner sets the user's status");
}
