//! Cross-tenant attacks with credentials that are valid, but another tenant's: through each
//! door, tenant A's caller aims at tenant B's user, and B reads back unchanged.

use crate::support::Answer;
use crate::support::cloudapi::Cloud;
use crate::support::cloudapi::{Signer, TestKey, signed};
use crate::support::elements::Ce;
use crate::support::formsonfire::{Fmt, FofClient, t as text};
use crate::support::records::{all_users, by_email, make_user, snapshot};
use crate::support::surecloud::Sc;
use crate::support::{TestApp, TestTenant, expect_code, key_email, key_id, mask, reason};
use reqwest::Method;
use roster_proto::v1 as pb;
use roster_user_service::scopes;
use serde_json::json;
use tonic::Code;

/// Tenant B's users and its victim, as they are before an attack.
struct Before {
    users: Vec<pb::User>,
}

impl Before {
    async fn take(app: &TestApp, b: &TestTenant) -> Self {
        Self {
            users: all_users(app, b).await,
        }
    }

    /// B is exactly as it was.
    async fn unchanged(&self, app: &TestApp, b: &TestTenant, what: &str) {
        assert_eq!(all_users(app, b).await, self.users, "{what}: B changed");
    }
}

#[tokio::test]
async fn grpc_a_tenants_tokens_never_reach_b_users_by_id() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let victim = make_user(&app, &b, "victim@beta.test", pb::AccessLevel::Admin).await;
    let a_admin = make_user(&app, &a, "admin@alpha.test", pb::AccessLevel::SuperAdmin).await;
    let before = Before::take(&app, &b).await;

    for (who, tok) in [
        ("A's service token", a.token.clone()),
        ("A's owner", a.owner_token.clone()),
        (
            "A's super-administrator",
            app.user_token(&a.id, &a_admin.id, scopes::TENANT_ADMIN, 0),
        ),
    ] {
        let mut users = app.users(&tok);
        for key in [
            pb::user_key::Key::Id(victim.id.clone()),
            pb::user_key::Key::Email(victim.email.clone()),
            pb::user_key::Key::Number(victim.number),
        ] {
            let s = expect_code(
                users.get_user(crate::support::get_by(key)).await,
                Code::NotFound,
            );
            assert_eq!(reason(&s), "USER_NOT_FOUND", "{who}: {s:?}");
        }
        let mut patch = pb::User {
            id: victim.id.clone(),
            city: Some("Pwned".into()),
            role_keys: vec!["org-admin".into(), "org".into()],
            ..Default::default()
        };
        patch.set_status(pb::UserStatus::Disabled);
        let s = expect_code(
            users
                .update_user(pb::UpdateUserRequest {
                    user: Some(patch),
                    update_mask: mask(&["city", "status", "role_keys"]),
                    password: Some("Pwned-Passw0rd".into()),
                    ..Default::default()
                })
                .await,
            Code::NotFound,
        );
        assert_eq!(reason(&s), "USER_NOT_FOUND", "{who}: {s:?}");
        expect_code(
            users
                .change_password(pb::ChangePasswordRequest {
                    id: victim.id.clone(),
                    password: "Pwned-Passw0rd".into(),
                    change_required: false,
                    ..Default::default()
                })
                .await,
            Code::NotFound,
        );
        expect_code(
            users
                .delete_user(pb::DeleteUserRequest {
                    id: victim.id.clone(),
                    etag: String::new(),
                    ..Default::default()
                })
                .await,
            Code::NotFound,
        );
        let s = expect_code(
            app.roster_keys(&tok)
                .create_key(pb::CreateKeyRequest {
                    owner: Some(pb::KeyOwner {
                        owner: Some(pb::key_owner::Owner::User(pb::UserKey {
                            key: Some(pb::user_key::Key::Id(victim.id.clone())),
                        })),
                    }),
                    public_key: TestKey::ed25519(5).public_line("sneaky"),
                    name: "sneaky".into(),
                    ..Default::default()
                })
                .await,
            Code::NotFound,
        );
        assert_eq!(reason(&s), "USER_NOT_FOUND", "{who}: {s:?}");
        for key in [key_id(&victim.id), key_email(&victim.email)] {
            let s = expect_code(
                app.secret_keys(&tok)
                    .issue_secret_key(pb::IssueSecretKeyRequest {
                        user: key,
                        ..Default::default()
                    })
                    .await,
                Code::NotFound,
            );
            assert_eq!(reason(&s), "USER_NOT_FOUND", "{who}: {s:?}");
        }
        before.unchanged(&app, &b, who).await;
    }
    // The victim's password is its own still.
    let ok = app
        .users(&b.token)
        .verify_password(pb::VerifyPasswordRequest {
            key: key_id(&victim.id),
            password: "Passw0rd-1".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(ok.valid);
}

#[tokio::test]
async fn elements_a_credentials_never_reach_b_users_by_number() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let as_a = Ce::owner(&app, &a);
    let as_b = Ce::owner(&app, &b);
    let victim = as_b.create("victim@beta.test", "Vic", "Tim").await;
    let n = victim["id"].as_i64().unwrap();
    assert!(
        all_users(&app, &a).await.iter().all(|u| u.number != n),
        "the number is not one of A's"
    );
    let before = Before::take(&app, &b).await;

    for (what, answer) in [
        ("GET", as_a.get(&format!("/users/{n}")).await),
        (
            "GET inactive",
            as_a.get_query(&format!("/users/{n}"), &[("includeInactive", "true")])
                .await,
        ),
        (
            "PATCH",
            as_a.patch(
                &format!("/users/{n}"),
                json!({"city": "Pwned", "active": false, "password": "Pwned-Passw0rd",
                       "roles": [{"key": "org-admin"}]}),
            )
            .await,
        ),
        ("DELETE", as_a.delete(&format!("/users/{n}")).await),
        ("GET roles", as_a.get(&format!("/users/{n}/roles")).await),
        (
            "PUT role",
            as_a.put(&format!("/users/{n}/roles/org-admin")).await,
        ),
        (
            "DELETE role",
            as_a.delete(&format!("/users/{n}/roles/org")).await,
        ),
        (
            "GET by email",
            as_a.get(&format!("/users/{}", "victim@beta.test")).await,
        ),
    ] {
        assert!(!Ce::error(&answer, 404).is_empty(), "{what}");
        before.unchanged(&app, &b, what).await;
    }
    // B's email is not among A's users either.
    let listed = as_a.get("/users").await;
    assert!(!Ce::emails(&listed).contains(&"victim@beta.test".to_owned()));

    // Mixing the two tenants' secrets gets nobody in.
    for (what, ce) in [
        (
            "A's user, B's organization",
            Ce::with(&app, &a.admin_secret, &b.organization_secret),
        ),
        (
            "B's user, A's organization",
            Ce::with(&app, &b.admin_secret, &a.organization_secret),
        ),
    ] {
        assert!(
            !Ce::error(&ce.get("/users").await, 401).is_empty(),
            "{what}"
        );
        let p = ce
            .patch(&format!("/users/{n}"), json!({"city": "Pwned"}))
            .await;
        assert!(!Ce::error(&p, 401).is_empty(), "{what}");
        before.unchanged(&app, &b, what).await;
    }
}

#[tokio::test]
async fn formsonfire_a_company_never_reaches_b_users() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let fa = FofClient::new(&app, &a);
    let fb = FofClient::new(&app, &b);
    let victim = fb.create(Fmt::Json, "Vic", "Tim", "victim@beta.test").await;
    let before = Before::take(&app, &b).await;
    let a_before = all_users(&app, &a).await;

    for fmt in Fmt::ALL {
        // A's company id with B's integration key: not a credential at all.
        let mixed = FofClient {
            key: b.integration_key.clone(),
            ..fa.clone()
        };
        FofClient::error(
            &mixed.get(fmt, "/user", &[("Id", &victim)]).await,
            401,
            "Unauthorized",
        );
        FofClient::error(
            &mixed
                .query(Method::DELETE, fmt, "/user", &[("Id", &victim)])
                .await,
            401,
            "Unauthorized",
        );
        FofClient::error(
            &mixed
                .put(fmt, &[("Id", text(&victim)), ("FirstName", text("Pwned"))])
                .await,
            401,
            "Unauthorized",
        );
        FofClient::error(
            &mixed.get(fmt, "/user/search", &[("Email", "victim")]).await,
            401,
            "Unauthorized",
        );
        before.unchanged(&app, &b, "mixed credentials").await;

        // A's own valid credentials, B's user id.
        FofClient::error(
            &fa.get(fmt, "/user", &[("Id", &victim)]).await,
            400,
            "NotFound",
        );
        FofClient::error(
            &fa.get(fmt, "/user", &[("Email", "victim@beta.test")]).await,
            400,
            "NotFound",
        );
        FofClient::error(
            &fa.query(Method::DELETE, fmt, "/user", &[("Id", &victim)])
                .await,
            400,
            "NotFound",
        );
        FofClient::error(
            &fa.put(
                fmt,
                &[
                    ("Id", text(&victim)),
                    ("FirstName", text("Pwned")),
                    ("Status", text("Disabled")),
                ],
            )
            .await,
            400,
            "NotFound",
        );
        let found = fa.get(fmt, "/user/search", &[("Email", "victim")]).await;
        FofClient::ok(&found);
        assert_eq!(
            found.get("TotalRows").as_deref(),
            Some("0"),
            "{fmt:?}: {found:?}"
        );
        before.unchanged(&app, &b, "A's credentials").await;
    }
    assert_eq!(all_users(&app, &a).await, a_before, "A is unchanged too");
}

#[tokio::test]
async fn surecloud_a_jwt_patching_b_email_never_touches_b() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    let victim = make_user(&app, &b, "victim@beta.test", pb::AccessLevel::User).await;
    let before = Before::take(&app, &b).await;
    let sc = Sc::owner(&app, &a).await;

    let users = sc
        .patch_ok(
            json!([{"email": "victim@beta.test", "name": "Pwned", "role": "ADMINISTRATOR",
                          "enabled": false}]),
        )
        .await;
    before.unchanged(&app, &b, "SureCloud PATCH").await;
    assert_eq!(
        snapshot(&app, &b, &victim.id).await.unwrap(),
        victim,
        "B's user is as created"
    );
    // What A wrote is A's own user, a new one.
    assert_eq!(users.len(), 1);
    let mine = by_email(&app, &a, "victim@beta.test")
        .await
        .expect("created in A");
    assert_ne!(mine.id, victim.id);
    assert!(snapshot(&app, &a, &victim.id).await.is_none());
}

#[tokio::test]
async fn cloudapi_a_owner_signing_for_b_account_is_forbidden() {
    let cloud = Cloud::new().await;
    let app = &cloud.app;
    let b_key = TestKey::ed25519(2);
    let b = app
        .tenant_with_keys("beta", &[b_key.public_line("beta@laptop")])
        .await;
    let as_b = Signer::account("beta", &b_key);
    let made = Answer::of(
        signed(&app.http, &app.http_url, &as_b, Method::POST, "/beta/users").json(&json!({
            "login": "victim", "email": "victim@beta.test", "password": "s3cret-Passw0rd"
        })),
    )
    .await;
    assert_eq!(made.status, 201, "{made:?}");
    let victim_id = made.json()["id"].as_str().unwrap().to_owned();
    let before = Before::take(app, &b).await;
    let keys_before = cloud.call(&as_b, Method::GET, "/beta/keys", None).await.raw;

    let sneaky = TestKey::p256(8).public_line("sneaky");
    for (method, target, body) in [
        (Method::GET, "/beta/users".to_owned(), None),
        (Method::GET, "/beta/users/victim".to_owned(), None),
        (Method::GET, format!("/beta/users/{victim_id}"), None),
        (
            Method::POST,
            "/beta/users/victim".to_owned(),
            Some(json!({"firstName": "Pwned"})),
        ),
        (Method::DELETE, "/beta/users/victim".to_owned(), None),
        (
            Method::POST,
            "/beta/users".to_owned(),
            Some(
                json!({"login": "sneak", "email": "sneak@beta.test", "password": "s3cret-Passw0rd"}),
            ),
        ),
        (
            Method::POST,
            "/beta/users/victim/change_password".to_owned(),
            Some(json!({"password": "Pwned-Passw0rd", "password_confirmation": "Pwned-Passw0rd"})),
        ),
        (
            Method::POST,
            "/beta/users/victim/keys".to_owned(),
            Some(json!({"key": sneaky})),
        ),
        (
            Method::POST,
            "/beta/keys".to_owned(),
            Some(json!({"key": sneaky})),
        ),
        (Method::GET, "/beta/keys".to_owned(), None),
        (Method::GET, "/beta/roles".to_owned(), None),
        (Method::GET, "/beta".to_owned(), None),
    ] {
        let what = format!("{method} {target}");
        let a = cloud.call(&cloud.owner, method, &target, body).await;
        assert!(!Cloud::error(&a, 403, "NotAuthorized").is_empty(), "{what}");
        before.unchanged(app, &b, &what).await;
    }
    assert_eq!(
        cloud.call(&as_b, Method::GET, "/beta/keys", None).await.raw,
        keys_before
    );
    // A's key named under B's account is no credential of B's.
    let forged = Signer {
        key_id: format!("/beta/keys/{}", cloud.owner.key.fingerprint()),
        key: cloud.owner.key.clone(),
    };
    let a = cloud.call(&forged, Method::GET, "/beta/users", None).await;
    Cloud::error(&a, 401, "InvalidCredentials");
    let a = cloud
        .call(
            &forged,
            Method::POST,
            "/beta/users/victim",
            Some(json!({"firstName": "Pwned"})),
        )
        .await;
    Cloud::error(&a, 401, "InvalidCredentials");
    before.unchanged(app, &b, "forged key id").await;
    // `my` is the caller's own account, never B's.
    let mine = cloud.get("/my/users").await;
    assert_eq!(mine.status, 200);
    assert!(!String::from_utf8_lossy(&mine.raw).contains("victim@beta.test"));
}
