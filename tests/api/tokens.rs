//! Token verification: bad tokens get UNAUTHENTICATED or PERMISSION_DENIED, never data.

use crate::support::{TEST_KEY, TEST_KID, TestApp, expect_code, reason};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use roster_proto::v1 as pb;
use roster_user_service::{TokenConfig, TokenKey, Tokens, scopes};
use std::time::Duration;
use tonic::Code;

fn signer(issuer: &str, audience: &str, kid: &str, key: [u8; 32]) -> Tokens {
    Tokens::new(TokenConfig {
        issuer: issuer.into(),
        audience: audience.into(),
        keys: vec![TokenKey {
            kid: kid.into(),
            secret: key.to_vec(),
        }],
        default_ttl: Duration::from_mins(10),
        max_ttl: Duration::from_hours(525600),
    })
}

fn now() -> roster_domain::Timestamp {
    roster_domain::Clock::now(&roster_domain::SystemClock)
}

#[tokio::test]
async fn bad_tokens_are_refused_before_any_data_is_read() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let tenant = roster_domain::TenantId::parse(&t.id).unwrap();
    let admin = scopes::TENANT_ADMIN;
    let good = signer("roster", "roster.v1", TEST_KID, TEST_KEY);

    let expired = good
        .issue(
            Some(tenant),
            "x",
            admin,
            None,
            roster_domain::Timestamp::from_micros(1_000_000_000_000_000),
        )
        .unwrap()
        .token;
    let bad_signature = signer("roster", "roster.v1", TEST_KID, [1; 32])
        .issue(Some(tenant), "x", admin, None, now())
        .unwrap()
        .token;
    let wrong_audience = signer("roster", "elsewhere", TEST_KID, TEST_KEY)
        .issue(Some(tenant), "x", admin, None, now())
        .unwrap()
        .token;
    let wrong_issuer = signer("mallory", "roster.v1", TEST_KID, TEST_KEY)
        .issue(Some(tenant), "x", admin, None, now())
        .unwrap()
        .token;
    let unknown_kid = signer("roster", "roster.v1", "other", TEST_KEY)
        .issue(Some(tenant), "x", admin, None, now())
        .unwrap()
        .token;
    let claims = serde_json::json!({
        "iss": "roster", "aud": "roster.v1", "sub": "x", "tnt": t.id,
        "scope": admin.join(" "), "iat": 0, "exp": 4_000_000_000_i64, "jti": "j"
    });
    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"test"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut tampered = good
        .issue(Some(tenant), "x", &[scopes::USERS_READ], None, now())
        .unwrap()
        .token;
    // Swap the payload for one claiming every scope, keeping the old signature.
    let parts: Vec<&str> = tampered.split('.').collect();
    tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );

    for (name, token) in [
        ("expired", expired),
        ("bad signature", bad_signature),
        ("wrong audience", wrong_audience),
        ("wrong issuer", wrong_issuer),
        ("unknown key id", unknown_kid),
        ("alg none", alg_none),
        ("tampered claims", tampered),
        ("garbage", "not.a.jwt".to_owned()),
    ] {
        let st = expect_code(
            app.users(&token)
                .list_users(pb::ListUsersRequest::default())
                .await,
            Code::Unauthenticated,
        );
        assert_eq!(reason(&st), "TOKEN_INVALID", "{name}");
    }

    // No token at all.
    let mut anonymous =
        roster_proto::v1::user_service_client::UserServiceClient::new(app.channel.clone());
    let st = expect_code(
        anonymous.list_users(pb::ListUsersRequest::default()).await,
        Code::Unauthenticated,
    );
    assert_eq!(reason(&st), "TOKEN_INVALID");
}

#[tokio::test]
async fn a_token_without_the_scope_is_denied() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let reader = app.token(Some(&t.id), &[scopes::USERS_READ]);
    let mut users = app.users(&reader);
    users
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap();
    let st = expect_code(
        users
            .create_user(crate::support::create(crate::support::user(
                "x@example.com",
            )))
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(reason(&st), "MISSING_SCOPE");
    let st = expect_code(
        app.groups(&reader)
            .create_group(pb::CreateGroupRequest {
                path: "//A".into(),
                external_id: None,
                ..Default::default()
            })
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(reason(&st), "MISSING_SCOPE");
    // A token without a tenant cannot touch users at all.
    let st = expect_code(
        app.users(&app.admin_token())
            .list_users(pb::ListUsersRequest::default())
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(reason(&st), "MISSING_SCOPE");
    // And tenant administrators are not installation administrators.
    let st = expect_code(
        app.tenants(&t.token)
            .create_tenant(pb::CreateTenantRequest {
                login: "other".into(),
                admin_email: "a@b.test".into(),
                ..Default::default()
            })
            .await,
        Code::PermissionDenied,
    );
    assert_eq!(reason(&st), "MISSING_SCOPE");
}

#[tokio::test]
async fn a_token_for_a_tenant_that_does_not_exist_sees_nothing() {
    // A token names its tenant; once there is no such tenant (never was, or deleted) the
    // token speaks for nobody and every call is refused before it reaches a use case.
    let app = TestApp::spawn().await;
    let ghost = app.token(
        Some("0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6"),
        scopes::TENANT_ADMIN,
    );
    let st = expect_code(
        app.users(&ghost)
            .list_users(pb::ListUsersRequest::default())
            .await,
        Code::Unauthenticated,
    );
    assert_eq!(reason(&st), "TOKEN_REVOKED");
    let st = expect_code(
        app.users(&ghost)
            .create_user(crate::support::create(crate::support::user(
                "x@example.com",
            )))
            .await,
        Code::Unauthenticated,
    );
    assert_eq!(reason(&st), "TOKEN_REVOKED");
    let st = expect_code(
        app.groups(&ghost)
            .create_group(pb::CreateGroupRequest {
                path: "//A/B".into(),
                external_id: None,
                ..Default::default()
            })
            .await,
        Code::Unauthenticated,
    );
    assert_eq!(reason(&st), "TOKEN_REVOKED");
}
