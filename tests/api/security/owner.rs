//! The owner's account: nobody but the owner (and the operator's CLI) deletes, disables,
//! demotes, renames or re-keys it, whichever door they come through and whatever key names
//! it (id, number, login, email).

use crate::support::elements::Ce;
use crate::support::formsonfire::{Fmt, FofClient, t as text};
use crate::support::surecloud::{Sc, issue_key};
use crate::support::{TestApp, TestTenant, expect_code, get_by, reason};
use roster_proto::v1 as pb;
use roster_proto::v1::user_key::Key;
use serde_json::json;
use tonic::Code;

/// The owner's record as the owner reads it: what every attack must leave as it was (its
/// last sign-in aside: signing in is not an attack).
pub(crate) async fn owner_now(app: &TestApp, t: &TestTenant) -> pb::User {
    let mut owner = app
        .users(&t.owner_token)
        .get_user(get_by(Key::Id(t.admin.id.clone())))
        .await
        .expect("the owner is there")
        .into_inner();
    owner.last_activity_time = None;
    owner
}

/// The `rule` the core's policy names in a PERMISSION_DENIED answer.
pub(crate) fn rule(s: &tonic::Status) -> String {
    use tonic_types::StatusExt as _;
    s.get_details_error_info()
        .and_then(|i| i.metadata.get("rule").cloned())
        .unwrap_or_default()
}

/// A Cloud Elements organization administrator who is not the owner: its credentials.
pub(crate) async fn elements_admin<'a>(app: &'a TestApp, t: &TestTenant, email: &str) -> Ce<'a> {
    let owner = Ce::owner(app, t);
    let created = owner.create(email, "Org", "Admin").await;
    let id = created["id"].as_i64().expect("an id");
    let granted = owner.put(&format!("/users/{id}/roles/org-admin")).await;
    assert_eq!(granted.status, 200, "{granted:?}");
    Ce::with(
        app,
        created["secret"].as_str().expect("a secret"),
        &t.organization_secret,
    )
}

/// A user with an access level, created by the owner.
pub(crate) async fn user_with_level(
    app: &TestApp,
    t: &TestTenant,
    email: &str,
    level: pb::AccessLevel,
) -> pb::User {
    let mut u = crate::support::user(email);
    u.set_access_level(level);
    app.users(&t.owner_token)
        .create_user(crate::support::create(u))
        .await
        .expect("create")
        .into_inner()
}

#[tokio::test]
async fn no_door_deletes_disables_or_demotes_the_owner() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let before = owner_now(&app, &t).await;

    // gRPC, a service account with every tenant scope, by every key of the owner.
    let mut users = app.users(&t.token);
    for key in [
        Key::Id(t.admin.id.clone()),
        Key::Number(t.admin.number),
        Key::Login(t.admin.login.clone()),
        Key::Email(t.admin.email.clone()),
    ] {
        let got = users.get_user(get_by(key)).await.unwrap().into_inner();
        let st = expect_code(
            users
                .delete_user(pb::DeleteUserRequest {
                    id: got.id.clone(),
                    etag: String::new(),
                    ..Default::default()
                })
                .await,
            Code::PermissionDenied,
        );
        assert_eq!(
            (reason(&st), rule(&st)),
            ("PERMISSION_DENIED".into(), "owner_protected".into())
        );
    }
    for (mask, mut change) in [
        ("status", pb::User::default()),
        ("access_level", pb::User::default()),
        ("login", pb::User::default()),
        ("email", pb::User::default()),
    ] {
        change.id.clone_from(&t.admin.id);
        change.set_status(pb::UserStatus::Disabled);
        change.set_access_level(pb::AccessLevel::ReadOnly);
        change.login = "taken-over".into();
        change.email = "thief@evil.test".into();
        let st = expect_code(
            users
                .update_user(pb::UpdateUserRequest {
                    user: Some(change),
                    update_mask: Some(prost_types::FieldMask {
                        paths: vec![mask.into()],
                    }),
                    ..Default::default()
                })
                .await,
            Code::PermissionDenied,
        );
        assert_eq!(rule(&st), "owner_protected", "{mask}");
    }
    let st = expect_code(
        users
            .change_password(pb::ChangePasswordRequest {
                id: t.admin.id.clone(),
                password: "Taken-0ver-pass".into(),
                change_required: false,
                ..Default::default()
            })
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(rule(&st), "owner_protected");

    // Forms On Fire: the tenant's integration key.
    let fof = FofClient::new(&app, &t);
    for fmt in Fmt::ALL {
        FofClient::error(
            &fof.query(
                reqwest::Method::DELETE,
                fmt,
                "/user",
                &[("Id", t.admin.id.as_str())],
            )
            .await,
            403,
            "UnauthorizedAccessException",
        );
        FofClient::error(
            &fof.send_user(
                reqwest::Method::PUT,
                fmt,
                &[
                    ("Id", text(t.admin.id.clone())),
                    ("Status", text("Disabled")),
                    ("WebsiteRole", text("ReadOnly")),
                ],
            )
            .await,
            403,
            "UnauthorizedAccessException",
        );
    }

    // Cloud Elements: an organization administrator who is not the owner.
    let admin = elements_admin(&app, &t, "orgadmin@acme.test").await;
    let path = format!("/users/{}", t.admin.number);
    for attempt in [
        admin.delete(&path).await,
        admin.patch(&path, json!({"active": false})).await,
        admin
            .patch(&path, json!({"email": "thief@evil.test"}))
            .await,
        admin
            .patch(&path, json!({"password": "Taken-0ver-pass"}))
            .await,
        admin.delete(&format!("{path}/roles/org-admin")).await,
    ] {
        assert_eq!(Ce::error(&attempt, 403), "Forbidden", "{attempt:?}");
    }

    // SureCloud: an ADMINISTRATOR who is not the owner.
    user_with_level(&app, &t, "boss@acme.test", pb::AccessLevel::Admin).await;
    let boss = Sc::for_user(&app, &t, "boss@acme.test").await;
    for item in [
        json!({"email": t.admin.email, "enabled": false}),
        json!({"email": t.admin.email, "role": "READ_ONLY"}),
        json!({"userID": t.admin.id, "email": "thief@evil.test"}),
    ] {
        let a = boss.patch(json!([item])).await;
        assert_eq!(a.status, 200, "{a:?}");
        let message = Sc::users(&a)[0]["patchErrorMessage"]
            .as_str()
            .unwrap_or_default();
        assert!(message.starts_with("Not allowed"), "{item}: {a:?}");
    }

    assert_eq!(owner_now(&app, &t).await, before, "the owner is unchanged");
}

#[tokio::test]
async fn the_owners_keys_and_secret_key_are_the_owners_alone() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let line = crate::support::cloudapi::TestKey::ed25519(9).public_line("evil");
    let account = pb::KeyOwner {
        owner: Some(pb::key_owner::Owner::Account(true)),
    };
    let owner_as_user = pb::KeyOwner {
        owner: Some(pb::key_owner::Owner::User(pb::UserKey {
            key: Some(Key::Login(t.admin.login.clone())),
        })),
    };
    let count = |owner: pb::KeyOwner| {
        let app = &app;
        let token = t.owner_token.clone();
        async move {
            app.roster_keys(&token)
                .list_keys(pb::ListKeysRequest { owner: Some(owner) })
                .await
                .map(|r| r.into_inner().keys.len())
        }
    };
    let keys_before = count(account.clone()).await.unwrap();

    // A service account: account keys are the owner's; user routes never reach the owner.
    let mut keys = app.roster_keys(&t.token);
    let st = expect_code(
        keys.create_key(pb::CreateKeyRequest {
            owner: Some(account.clone()),
            public_key: line.clone(),
            name: "evil".into(),
            ..Default::default()
        })
        .await,
        Code::PermissionDenied,
    );
    assert_eq!(rule(&st), "owner_protected");
    let st = expect_code(
        keys.create_key(pb::CreateKeyRequest {
            owner: Some(owner_as_user.clone()),
            public_key: line.clone(),
            name: "evil".into(),
            ..Default::default()
        })
        .await,
        Code::NotFound,
    );
    assert_eq!(reason(&st), "USER_NOT_FOUND");

    // Nor can it issue or revoke the owner's secret key.
    for st in [
        expect_code(
            app.secret_keys(&t.token)
                .issue_secret_key(pb::IssueSecretKeyRequest {
                    user: crate::support::key_email(&t.admin.email),
                    ..Default::default()
                })
                .await,
            Code::PermissionDenied,
        ),
        expect_code(
            app.secret_keys(&t.token)
                .revoke_secret_key(pb::RevokeSecretKeyRequest {
                    user: crate::support::key_email(&t.admin.email),
                    ..Default::default()
                })
                .await,
            Code::PermissionDenied,
        ),
    ] {
        assert_eq!(rule(&st), "owner_protected");
    }
    // The owner's secret key, issued by the owner, still works: nothing was rotated.
    let key = issue_key(&app, &t, &t.admin.email).await;
    let a = crate::support::surecloud::token(&app, &t.admin.email, &key).await;
    assert_eq!(a.status, 200, "{a:?}");

    // The owner itself may manage its account keys.
    app.roster_keys(&t.owner_token)
        .create_key(pb::CreateKeyRequest {
            owner: Some(account.clone()),
            public_key: line,
            name: "mine".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(count(account).await.unwrap(), keys_before + 1);
    assert_eq!(
        count(owner_as_user).await.map_err(|s| reason(&s)),
        Err("USER_NOT_FOUND".into())
    );
}
