//! AuthService: dialect credentials in, tokens out; IssueToken for service accounts.

use crate::support::{TestApp, create, expect_code, reason, secret_of, user};
use roster_proto::v1 as pb;
use roster_proto::v1::authenticate_request::Credential;
use tonic::Code;

fn organization(user_secret: &str, organization_secret: &str) -> pb::AuthenticateRequest {
    pb::AuthenticateRequest {
        credential: Some(Credential::Organization(pb::OrganizationCredential {
            user_secret: user_secret.into(),
            organization_secret: organization_secret.into(),
        })),
    }
}

fn integration(company_id: i64, key: &str) -> pb::AuthenticateRequest {
    pb::AuthenticateRequest {
        credential: Some(Credential::IntegrationKey(pb::IntegrationKeyCredential {
            company_id,
            integration_key: key.into(),
        })),
    }
}

#[tokio::test]
async fn the_owner_secret_and_organization_secret_yield_a_working_token() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let r = app
        .auth(None)
        .authenticate(organization(&t.admin_secret, &t.organization_secret))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.tenant_id, t.id);
    assert_eq!(r.user_id, t.admin.id);
    assert!(r.scopes.iter().any(|s| s == "users.write"));
    let listed = app
        .users(&r.token)
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.users.len(), 1);
}

#[tokio::test]
async fn wrong_or_crossed_credentials_are_refused_alike() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    for (name, req) in [
        (
            "wrong user secret",
            organization("nope", &a.organization_secret),
        ),
        (
            "wrong organization secret",
            organization(&a.admin_secret, "nope"),
        ),
        (
            "user of another organization",
            organization(&b.admin_secret, &a.organization_secret),
        ),
        (
            "wrong integration key",
            integration(a.company_id, &b.integration_key),
        ),
        ("unknown company", integration(999_999, &a.integration_key)),
        (
            "company id out of range",
            integration(-5, &a.integration_key),
        ),
    ] {
        let st = expect_code(
            app.auth(None).authenticate(req).await,
            Code::Unauthenticated,
        );
        assert_eq!(reason(&st), "INVALID_CREDENTIALS", "{name}");
        assert_eq!(
            st.message(),
            "invalid credentials",
            "{name}: says nothing about which part"
        );
    }
}

#[tokio::test]
async fn the_integration_key_acts_as_the_tenant_administrator() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let r = app
        .auth(None)
        .authenticate(integration(t.company_id, &t.integration_key))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.tenant_id, t.id);
    assert!(r.user_id.is_empty());
    app.users(&r.token)
        .create_user(create(user("via-key@example.com")))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_plain_user_gets_no_administration_and_a_disabled_one_no_token() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut admin = app.users(&t.token);
    // The secret of a plain user, recomputed as the server derives it.
    let plain = admin
        .create_user(create(user("plain@example.com")))
        .await
        .unwrap()
        .into_inner();
    let secret = secret_of(&plain.id);
    let r = app
        .auth(None)
        .authenticate(organization(&secret, &t.organization_secret))
        .await
        .unwrap()
        .into_inner();
    assert!(r.scopes.is_empty());
    let st = expect_code(
        app.users(&r.token)
            .list_users(pb::ListUsersRequest::default())
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(reason(&st), "MISSING_SCOPE");

    let patch = pb::User {
        id: plain.id.clone(),
        status: pb::UserStatus::Disabled.into(),
        ..Default::default()
    };
    admin
        .update_user(pb::UpdateUserRequest {
            user: Some(patch),
            update_mask: crate::support::mask(&["status"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap();
    let st = expect_code(
        app.auth(None)
            .authenticate(organization(&secret, &t.organization_secret))
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(reason(&st), "USER_DISABLED");
}

#[tokio::test]
async fn issued_tokens_carry_at_most_the_callers_scopes() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut auth = app.auth(Some(&t.token));
    let reader = auth
        .issue_token(pb::IssueTokenRequest {
            scopes: vec!["users.read".into()],
            ttl: None,
            subject: "reporting".into(),
        })
        .await
        .unwrap()
        .into_inner();
    app.users(&reader.token)
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap();
    expect_code(
        app.users(&reader.token)
            .create_user(create(user("x@example.com")))
            .await,
        Code::PermissionDenied,
    );

    let st = expect_code(
        auth.issue_token(pb::IssueTokenRequest {
            scopes: vec!["admin".into()],
            ttl: None,
            subject: String::new(),
        })
        .await,
        Code::PermissionDenied,
    );
    assert_eq!(reason(&st), "MISSING_SCOPE");
    // The reader cannot issue tokens at all.
    expect_code(
        app.auth(Some(&reader.token))
            .issue_token(pb::IssueTokenRequest::default())
            .await,
        Code::PermissionDenied,
    );
    let short = auth
        .issue_token(pb::IssueTokenRequest {
            scopes: vec![],
            ttl: Some(prost_types::Duration {
                seconds: 60,
                nanos: 0,
            }),
            subject: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let exp = u64::try_from(short.expire_time.unwrap().seconds).unwrap();
    assert!(exp <= now + 61 && exp >= now + 50, "ttl honoured");
}
