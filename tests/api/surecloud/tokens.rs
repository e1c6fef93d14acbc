//! `POST /restful/v1/token`: a user's email and secret key for a JWT of 60 minutes; revoking
//! or rotating the key ends its tokens at once; a disabled user gets none; only
//! administrators may PATCH.

use crate::support::Answer;
use crate::support::records::by_email;
use crate::support::surecloud::{Sc, issue_key, token};
use crate::support::{TestApp, key_email, user};
use roster_proto::v1 as pb;
use serde_json::json;

#[tokio::test]
async fn a_secret_key_buys_a_one_hour_jwt_that_patches_users() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let key = issue_key(&app, &t, &t.admin.email).await;

    let a = token(&app, &t.admin.email.to_uppercase(), &key).await;
    assert_eq!(a.status, 200, "{a:?}");
    let obj = a.json().as_object().unwrap();
    assert_eq!(obj.len(), 2, "only token and expiresIn: {obj:?}");
    let expires = a.json()["expiresIn"].as_u64().unwrap();
    assert!((3590..=3600).contains(&expires), "{expires}");
    let jwt = a.json()["token"].as_str().unwrap();
    assert_eq!(jwt.split('.').count(), 3, "a JWT: {jwt}");

    let sc = Sc {
        app: &app,
        token: jwt.to_owned(),
    };
    let users = sc
        .patch_ok(json!([{"email": "john@acme.test", "role": "CONTRIBUTOR"}]))
        .await;
    assert_eq!(users[0]["email"], "john@acme.test");
}

#[tokio::test]
async fn wrong_keys_emails_and_bodies_get_no_token() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let key = issue_key(&app, &t, &t.admin.email).await;
    let other_key = issue_key(&app, &other, &other.admin.email).await;

    for (what, email, secret) in [
        ("a wrong key", t.admin.email.as_str(), "nope"),
        ("another user's email", "someone@acme.test", key.as_str()),
        (
            "another tenant's key",
            t.admin.email.as_str(),
            other_key.as_str(),
        ),
        ("an invalid email", "not an email", key.as_str()),
    ] {
        let a = token(&app, email, secret).await;
        Sc::error(&a, 401);
        assert!(a.json().get("token").is_none(), "{what}");
    }
    let bad = Answer::of(
        app.http
            .post(app.url("/restful/v1/token"))
            .header("content-type", "application/json")
            .body("{\"email\": 1"),
    )
    .await;
    Sc::error(&bad, 400);
    let form = Answer::of(
        app.http
            .post(app.url("/restful/v1/token"))
            .header("content-type", "text/plain")
            .body("email=x"),
    )
    .await;
    Sc::error(&form, 415);
}

#[tokio::test]
async fn revoking_or_rotating_a_key_ends_its_tokens_at_once() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    sc.patch_ok(json!([{"email": "a@acme.test", "role": "CONTRIBUTOR"}]))
        .await;

    // Rotate: a new key for the same user. The token of the old key stops at once, even
    // though the gateway has it cached.
    let new_key = issue_key(&app, &t, &t.admin.email).await;
    Sc::error(
        &sc.patch(json!([{"email": "a@acme.test", "name": "A"}]))
            .await,
        401,
    );
    let fresh = token(&app, &t.admin.email, &new_key).await;
    assert_eq!(fresh.status, 200, "{fresh:?}");
    let sc = Sc {
        app: &app,
        token: fresh.json()["token"].as_str().unwrap().to_owned(),
    };
    sc.patch_ok(json!([{"email": "a@acme.test", "name": "A"}]))
        .await;

    // Revoke (the owner's key: only the owner may): the token stops, and so does the key.
    app.secret_keys(&t.owner_token)
        .revoke_secret_key(pb::RevokeSecretKeyRequest {
            user: key_email(&t.admin.email),
            ..Default::default()
        })
        .await
        .unwrap();
    Sc::error(
        &sc.patch(json!([{"email": "a@acme.test", "name": "B"}]))
            .await,
        401,
    );
    Sc::error(&token(&app, &t.admin.email, &new_key).await, 401);
    // Revoking again: there is nothing to revoke.
    let again = app
        .secret_keys(&t.owner_token)
        .revoke_secret_key(pb::RevokeSecretKeyRequest {
            user: key_email(&t.admin.email),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(crate::support::reason(&again), "SECRET_KEY_NOT_FOUND");
}

#[tokio::test]
async fn a_disabled_user_gets_no_token_and_disabling_ends_its_tokens() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut boss = user("boss@acme.test");
    boss.set_access_level(pb::AccessLevel::Admin);
    app.users(&t.token)
        .create_user(crate::support::create(boss))
        .await
        .unwrap();
    let key = issue_key(&app, &t, "boss@acme.test").await;
    let a = token(&app, "boss@acme.test", &key).await;
    let sc = Sc {
        app: &app,
        token: a.json()["token"].as_str().unwrap().to_owned(),
    };
    sc.patch_ok(json!([{"email": "x@acme.test", "role": "READ_ONLY"}]))
        .await;

    // The owner disables the boss through SureCloud itself.
    let owner = Sc::owner(&app, &t).await;
    let off = owner
        .patch_ok(json!([{"email": "boss@acme.test", "enabled": false}]))
        .await;
    assert_eq!(off[0]["enabled"], false);
    Sc::error(
        &sc.patch(json!([{"email": "x@acme.test", "name": "X"}]))
            .await,
        401,
    );
    let a = token(&app, "boss@acme.test", &key).await;
    assert!(Sc::error(&a, 403).contains("disabled"), "{a:?}");
}

#[tokio::test]
async fn only_administrators_may_patch() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let owner = Sc::owner(&app, &t).await;
    owner
        .patch_ok(json!([
            {"email": "reader@acme.test", "role": "READ_ONLY"},
            {"email": "worker@acme.test", "role": "CONTRIBUTOR"},
            {"email": "admin@acme.test", "role": "ADMINISTRATOR"},
        ]))
        .await;
    for email in ["reader@acme.test", "worker@acme.test"] {
        let sc = Sc::for_user(&app, &t, email).await;
        let a = sc
            .patch(json!([{"email": "new@acme.test", "role": "ADMINISTRATOR"}]))
            .await;
        Sc::error(&a, 403);
        assert!(by_email(&app, &t, "new@acme.test").await.is_none());
    }
    let admin = Sc::for_user(&app, &t, "admin@acme.test").await;
    admin
        .patch_ok(json!([{"email": "new@acme.test", "role": "CONTRIBUTOR"}]))
        .await;
    // A secret-key token cannot mint credentials that would outlive its key.
    let denied = app
        .auth(Some(&admin.token))
        .issue_token(pb::IssueTokenRequest::default())
        .await
        .unwrap_err();
    assert_eq!(denied.code(), tonic::Code::PermissionDenied);
    let denied = app
        .secret_keys(&admin.token)
        .issue_secret_key(pb::IssueSecretKeyRequest {
            user: key_email("worker@acme.test"),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(denied.code(), tonic::Code::PermissionDenied);
}
