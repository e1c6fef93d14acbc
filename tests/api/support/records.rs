//! Users, groups and folders made or read over gRPC: how a test sets up the store before it
//! goes through a dialect, and reads the store back afterwards.

use super::app::{TestApp, TestTenant};
use super::grpc::{Folders, Groups, Users};
use super::messages::{key_email, key_id, user};
use roster_proto::v1 as pb;

/// A user as the store has it now, read with the tenant's service token.
pub(crate) async fn snapshot(app: &TestApp, t: &TestTenant, id: &str) -> Option<pb::User> {
    read_user(app, t, key_id(id)).await
}

/// A user by email, read with the tenant's service token.
pub(crate) async fn by_email(app: &TestApp, t: &TestTenant, email: &str) -> Option<pb::User> {
    read_user(app, t, key_email(email)).await
}

async fn read_user(app: &TestApp, t: &TestTenant, key: Option<pb::UserKey>) -> Option<pb::User> {
    app.users(&t.token)
        .get_user(pb::GetUserRequest { key })
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

/// Creates a user with a name and a password, with the tenant's service token.
pub(crate) async fn make_user(
    app: &TestApp,
    t: &TestTenant,
    email: &str,
    level: pb::AccessLevel,
) -> pb::User {
    let mut u = user(email);
    u.first_name = Some("Fi".into());
    u.last_name = Some("La".into());
    u.set_access_level(level);
    app.users(&t.token)
        .create_user(pb::CreateUserRequest {
            user: Some(u),
            password: Some("Passw0rd-1".into()),
            ..Default::default()
        })
        .await
        .expect("create user")
        .into_inner()
}

/// Disables the user `id`, as the owner.
pub(crate) async fn disable(app: &TestApp, t: &TestTenant, id: &str) {
    set_status(app, t, id, pb::UserStatus::Disabled).await;
}

/// Sets the status of the user `id`, as the owner.
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
            ..Default::default()
        })
        .await
        .expect("the owner sets the user's status");
}

/// A folder.
pub(crate) async fn folder(c: &Folders, name: &str, external_id: Option<&str>) -> pb::Folder {
    c.clone()
        .create_folder(pb::CreateFolderRequest {
            name: name.to_owned(),
            external_id: external_id.map(str::to_owned),
            ..Default::default()
        })
        .await
        .expect("create folder")
        .into_inner()
}

/// A group.
pub(crate) async fn group(c: &Groups, path: &str, external_id: Option<&str>) -> pb::Group {
    c.clone()
        .create_group(pb::CreateGroupRequest {
            path: path.to_owned(),
            external_id: external_id.map(str::to_owned),
            ..Default::default()
        })
        .await
        .expect("create group")
        .into_inner()
}

/// Groups of the tenant at these paths, with the tenant's service token.
pub(crate) async fn create_groups(app: &TestApp, t: &TestTenant, paths: &[&str]) {
    let groups = app.groups(&t.token);
    for p in paths {
        group(&groups, p, None).await;
    }
}

/// The local parts of the emails of the users `filter` selects (one page of up to 1000, whose
/// total must be its length), sorted.
pub(crate) async fn local_parts_found(users: &mut Users, filter: pb::UserFilter) -> Vec<String> {
    let r = users
        .list_users(pb::ListUsersRequest {
            filter: Some(filter),
            page_size: 1000,
            include_total_size: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.total_size, Some(i64::try_from(r.users.len()).unwrap()));
    let mut out: Vec<String> = r
        .users
        .into_iter()
        .map(|u| u.email.split('@').next().unwrap_or_default().to_owned())
        .collect();
    out.sort();
    out
}
