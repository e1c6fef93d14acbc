//! SureCloud's Secret Key Administrator: the built-in role `secret-key-admin` lets a user who
//! is not an administrator issue and revoke the secret keys of users who are not
//! administrators (and not the owner); nobody else but administrators may.

use crate::support::cloudapi::TestKey;
use crate::support::records::{make_user, snapshot};
use crate::support::surecloud::{issue_key, token};
use crate::support::{TestApp, TestTenant, expect_code, key_email};
use roster_proto::v1 as pb;
use roster_user_service::scopes;
use tonic::Code;

/// A user of level `USER` holding `keys` (its authorization epoch is then 1: the role change
/// moved it).
async fn member(app: &TestApp, t: &TestTenant, email: &str, keys: &[&str]) -> pb::User {
    let u = make_user(app, t, email, pb::AccessLevel::User).await;
    app.users(&t.token)
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: u.id.clone(),
                role_keys: keys.iter().map(|k| (*k).to_owned()).collect(),
                ..Default::default()
            }),
            update_mask: crate::support::mask(&["role_keys"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

/// `user`'s token from a signed CloudAPI request with its own SSH key: the scopes its
/// standing gives it.
async fn signed_in(app: &TestApp, t: &TestTenant, user: &pb::User) -> pb::AuthenticateResponse {
    let key = TestKey::ed25519(21);
    app.roster_keys(&t.owner_token)
        .create_key(pb::CreateKeyRequest {
            owner: Some(pb::KeyOwner {
                owner: Some(pb::key_owner::Owner::User(pb::UserKey {
                    key: Some(pb::user_key::Key::Id(user.id.clone())),
                })),
            }),
            public_key: key.public_line("laptop"),
            name: "laptop".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let signing_string = format!(
        "(request-target): get /acme/users\ndate: {}",
        httpdate::fmt_http_date(std::time::SystemTime::now())
    );
    app.auth(None)
        .authenticate(pb::AuthenticateRequest {
            credential: Some(pb::authenticate_request::Credential::SshKey(
                pb::SshKeyCredential {
                    account: "acme".into(),
                    user: user.login.clone(),
                    key: key.fingerprint(),
                    algorithm: key.algorithm().into(),
                    signature: key.sign(signing_string.as_bytes()),
                    signing_string,
                    method: "GET".into(),
                },
            )),
        })
        .await
        .unwrap()
        .into_inner()
}

async fn issue(app: &TestApp, tok: &str, user: &str) -> Result<String, tonic::Status> {
    app.secret_keys(tok)
        .issue_secret_key(pb::IssueSecretKeyRequest {
            user: key_email(user),
            ..Default::default()
        })
        .await
        .map(|r| r.into_inner().secret_key)
}

async fn revoke(app: &TestApp, tok: &str, user: &str) -> Result<(), tonic::Status> {
    app.secret_keys(tok)
        .revoke_secret_key(pb::RevokeSecretKeyRequest {
            user: key_email(user),
            ..Default::default()
        })
        .await
        .map(|_| ())
}

/// Whether `email`'s secret key `key` still gets a SureCloud token.
async fn works(app: &TestApp, email: &str, key: &str) -> bool {
    token(app, email, key).await.status == 200
}

#[tokio::test]
async fn a_holder_issues_and_revokes_the_keys_of_users_who_are_not_administrators() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let holder = member(&app, &t, "keys@acme.test", &["secret-key-admin"]).await;
    make_user(&app, &t, "ann@acme.test", pb::AccessLevel::ReadOnly).await;
    let signed = signed_in(&app, &t, &holder).await;
    assert!(
        signed.scopes.iter().any(|s| s == scopes::SECRET_KEYS_WRITE),
        "{:?}",
        signed.scopes
    );
    assert!(
        !signed.scopes.iter().any(|s| s == scopes::USERS_WRITE),
        "the role is about secret keys only: {:?}",
        signed.scopes
    );
    let tok = signed.token;

    let key = issue(&app, &tok, "ann@acme.test").await.unwrap();
    assert!(works(&app, "ann@acme.test", &key).await);
    revoke(&app, &tok, "ann@acme.test").await.unwrap();
    assert!(!works(&app, "ann@acme.test", &key).await, "revoked");
}

#[tokio::test]
async fn a_holder_cannot_touch_the_owners_or_an_administrators_key_but_the_owner_can() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let holder = member(&app, &t, "keys@acme.test", &["secret-key-admin"]).await;
    let admin = make_user(&app, &t, "admin@acme.test", pb::AccessLevel::Admin).await;
    let org_admin = member(&app, &t, "org@acme.test", &["org-admin"]).await;
    let tok = app.user_token(&t.id, &holder.id, scopes::TENANT_ADMIN, 1);
    for target in [&t.admin, &admin, &org_admin] {
        let email = target.email.as_str();
        let key = issue_key(&app, &t, email).await;
        let before = snapshot(&app, &t, &target.id).await.unwrap();
        expect_code(issue(&app, &tok, email).await, Code::PermissionDenied);
        expect_code(revoke(&app, &tok, email).await, Code::PermissionDenied);
        assert_eq!(snapshot(&app, &t, &target.id).await.unwrap(), before);
        assert!(works(&app, email, &key).await, "{email}: nothing changed");
    }
    // The owner still can, its own key and everyone else's.
    for email in [t.admin.email.as_str(), "admin@acme.test", "keys@acme.test"] {
        let key = issue(&app, &t.owner_token, email).await.unwrap();
        assert!(works(&app, email, &key).await, "{email}");
        revoke(&app, &t.owner_token, email).await.unwrap();
    }
}

#[tokio::test]
async fn a_user_without_the_role_is_refused_with_nothing_changed() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let plain = member(&app, &t, "plain@acme.test", &["org"]).await;
    make_user(&app, &t, "ann@acme.test", pb::AccessLevel::ReadOnly).await;
    let key = issue_key(&app, &t, "ann@acme.test").await;
    let signed = signed_in(&app, &t, &plain).await;
    assert!(
        !signed.scopes.iter().any(|s| s == scopes::SECRET_KEYS_WRITE),
        "{:?}",
        signed.scopes
    );
    // Even with the scope, the policy refuses.
    let tok = app.user_token(&t.id, &plain.id, scopes::TENANT_ADMIN, 1);
    expect_code(
        issue(&app, &tok, "ann@acme.test").await,
        Code::PermissionDenied,
    );
    expect_code(
        revoke(&app, &tok, "ann@acme.test").await,
        Code::PermissionDenied,
    );
    assert!(works(&app, "ann@acme.test", &key).await, "nothing changed");
}
