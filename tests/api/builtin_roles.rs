//! Built-in roles (the Cloud Elements role keys) in the core: every tenant has them, its
//! owner holds `org-admin` and `org`, users hold them through `role_keys`, RoleService's RBAC
//! lists never show them, and holding `org-admin` makes a user a tenant administrator.

use crate::support::{TestApp, create, expect_code, mask, secret_of, violated_fields};
use roster_proto::v1 as pb;
use roster_proto::v1::authenticate_request::Credential;
use tonic::Code;

fn with_keys(email: &str, keys: &[&str]) -> pb::User {
    pb::User {
        email: email.to_owned(),
        role_keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_owner_holds_org_admin_and_org_from_the_start() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    assert_eq!(t.admin.role_keys, ["org-admin", "org"]);
    assert!(
        t.admin.roles.is_empty(),
        "built-in roles are not RBAC roles"
    );
}

#[tokio::test]
async fn role_keys_are_written_on_create_and_replaced_on_update() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let u = users
        .create_user(create(with_keys("ann@acme.test", &["org", "admin", "org"])))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(u.role_keys, ["admin", "org"]);

    let st = expect_code(
        users
            .create_user(create(with_keys("bob@acme.test", &["org", "sys-admin"])))
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&st), ["user.role_keys[1]"]);

    let patch = pb::User {
        id: u.id.clone(),
        role_keys: vec!["org-admin".into()],
        ..Default::default()
    };
    let updated = users
        .update_user(pb::UpdateUserRequest {
            user: Some(patch),
            update_mask: mask(&["role_keys"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.role_keys, ["org-admin"]);
    assert_ne!(updated.etag, u.etag, "a role change is a write");
    let cleared = users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: u.id.clone(),
                ..Default::default()
            }),
            update_mask: mask(&["role_keys"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(cleared.role_keys.is_empty());
}

#[tokio::test]
async fn rbac_lists_never_show_built_in_roles_and_may_reuse_their_names() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut roles = app.roster_roles(&t.token);
    let listed = roles
        .list_roles(pb::ListRolesRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(listed.roles.is_empty(), "{listed:?}");
    expect_code(
        roles
            .get_role(pb::GetRoleRequest {
                id_or_name: "org-admin".into(),
            })
            .await,
        Code::NotFound,
    );
    let admin = roles
        .create_role(pb::CreateRoleRequest {
            role: Some(pb::Role {
                name: "admin".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let names: Vec<String> = roles
        .list_roles(pb::ListRolesRequest {})
        .await
        .unwrap()
        .into_inner()
        .roles
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["admin"]);
    roles
        .delete_role(pb::DeleteRoleRequest {
            id: admin.id,
            ..Default::default()
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn holding_org_admin_makes_a_user_an_administrator() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let org_admin = users
        .create_user(create(with_keys("boss@acme.test", &["org-admin"])))
        .await
        .unwrap()
        .into_inner();
    let plain = users
        .create_user(create(with_keys("plain@acme.test", &["org"])))
        .await
        .unwrap()
        .into_inner();
    let authenticate = |id: &str| pb::AuthenticateRequest {
        credential: Some(Credential::Organization(pb::OrganizationCredential {
            user_secret: secret_of(id),
            organization_secret: t.organization_secret.clone(),
        })),
    };
    let r = app
        .auth(None)
        .authenticate(authenticate(&org_admin.id))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.role_keys, ["org-admin"]);
    assert!(r.scopes.iter().any(|s| s == "users.write"), "{r:?}");
    app.users(&r.token)
        .create_user(create(with_keys("new@acme.test", &[])))
        .await
        .unwrap();

    let r = app
        .auth(None)
        .authenticate(authenticate(&plain.id))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.role_keys, ["org"]);
    assert!(r.scopes.is_empty(), "{r:?}");
}
