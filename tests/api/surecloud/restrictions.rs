//! Secret keys restricted by IP address, range or hostname ("Restrictions are stored on the
//! user's account"): checked by the core when a key buys a token and on every call of such a
//! token, against the client's address as the gateway saw it (forwarding headers only from
//! trusted proxies) or, for a direct gRPC caller, the peer's own address.

use crate::support::records::by_email;
use crate::support::surecloud::{Sc, issue_key, token};
use crate::support::{
    Answer, TestApp, TestTenant, expect_code, info, key_email, reason, violated_fields,
};
use roster_proto::v1 as pb;
use roster_user_service::scopes;
use serde_json::json;
use tonic::Code;

const DENIED: &str = "The secret key may not be used from this address";

/// Replaces `email`'s restrictions as the tenant's owner.
async fn restrict(app: &TestApp, t: &TestTenant, email: &str, allow: &[&str]) -> Vec<String> {
    app.secret_keys(&t.owner_token)
        .set_secret_key_restrictions(pb::SetSecretKeyRestrictionsRequest {
            user: key_email(email),
            allow: allow.iter().map(|a| (*a).to_owned()).collect(),
            ..Default::default()
        })
        .await
        .expect("set restrictions")
        .into_inner()
        .allow
}

async fn restrictions(app: &TestApp, t: &TestTenant, email: &str) -> Vec<String> {
    app.secret_keys(&t.owner_token)
        .get_secret_key_restrictions(pb::GetSecretKeyRestrictionsRequest {
            user: key_email(email),
        })
        .await
        .expect("read restrictions")
        .into_inner()
        .allow
}

/// `POST /restful/v1/token` with extra headers.
async fn token_with(app: &TestApp, headers: &[(&str, &str)], email: &str, key: &str) -> Answer {
    let mut req = app
        .http
        .post(app.url("/restful/v1/token"))
        .json(&json!({"email": email, "secretKey": key}));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    Answer::of(req).await
}

fn jwt(a: &Answer) -> String {
    assert_eq!(a.status, 200, "{a:?}");
    a.json()["token"].as_str().expect("a token").to_owned()
}

/// The owner's `key` buys a token, and the token creates a user.
async fn key_patches(app: &TestApp, t: &TestTenant, key: &str) {
    let sc = Sc {
        app,
        token: jwt(&token(app, &t.admin.email, key).await),
    };
    sc.patch_ok(json!([{"email": "ann@acme.test", "role": "CONTRIBUTOR"}]))
        .await;
}

/// The owner's key, restricted to `entry` (shown as `shown`), buys a token that patches;
/// restricted to `other` instead, it buys none.
async fn admits_only(app: &TestApp, entry: &str, shown: &str, other: &str) {
    let t = app.tenant("acme").await;
    let key = issue_key(app, &t, &t.admin.email).await;
    assert_eq!(restrict(app, &t, &t.admin.email, &[entry]).await, [shown]);
    key_patches(app, &t, &key).await;
    restrict(app, &t, &t.admin.email, &[other]).await;
    assert_eq!(
        Sc::error(&token(app, &t.admin.email, &key).await, 403),
        DENIED
    );
}

#[tokio::test]
async fn a_key_restricted_to_the_clients_address_buys_a_token_that_patches() {
    admits_only(
        &TestApp::spawn().await,
        "127.0.0.1",
        "127.0.0.1",
        "127.0.0.2",
    )
    .await;
}

#[tokio::test]
async fn a_key_restricted_elsewhere_gets_403_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let key = issue_key(&app, &t, &t.admin.email).await;
    let before = by_email(&app, &t, &t.admin.email).await.unwrap();
    restrict(&app, &t, &t.admin.email, &["10.0.0.0/8", "other.invalid"]).await;
    let a = token(&app, &t.admin.email, &key).await;
    assert_eq!(Sc::error(&a, 403), DENIED);
    // Not even the sign-in was recorded.
    let after = by_email(&app, &t, &t.admin.email).await.unwrap();
    assert_eq!(before.last_activity_time, after.last_activity_time);
    assert_eq!(before.etag, after.etag);
    // A wrong key is still a wrong key: the address is looked at only for a right one.
    Sc::error(&token(&app, &t.admin.email, "nope").await, 401);
}

#[tokio::test]
async fn a_token_from_before_the_restriction_is_refused_after_it() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    sc.patch_ok(json!([{"email": "ann@acme.test", "role": "CONTRIBUTOR"}]))
        .await;

    restrict(&app, &t, &t.admin.email, &["10.0.0.0/8"]).await;
    let a = sc
        .patch(json!([{"email": "bob@acme.test", "role": "CONTRIBUTOR"},
                      {"email": "ann@acme.test", "name": "Changed"}]))
        .await;
    assert_eq!(Sc::error(&a, 403), DENIED);
    assert!(by_email(&app, &t, "bob@acme.test").await.is_none());
    let ann = by_email(&app, &t, "ann@acme.test").await.unwrap();
    assert_ne!(ann.first_name.as_deref(), Some("Changed"));
    // Cleared, the same token works again: it was refused for where it came from.
    assert!(restrict(&app, &t, &t.admin.email, &[]).await.is_empty());
    sc.patch_ok(json!([{"email": "bob@acme.test", "role": "CONTRIBUTOR"}]))
        .await;
}

#[tokio::test]
async fn ipv6_ranges_match_a_client_on_ipv6_loopback() {
    let app = TestApp::spawn_with(|s| s.http_addr = "[::1]:0".parse().unwrap()).await;
    assert!(
        app.http_url.starts_with("http://[::1]:"),
        "{}",
        app.http_url
    );
    // The IPv4 loopback is another client.
    admits_only(&app, "::1/128", "::1", "127.0.0.1").await;
}

#[tokio::test]
async fn a_hostname_matches_by_its_forward_confirmed_reverse_lookup() {
    admits_only(
        &TestApp::spawn().await,
        "LocalHost.",
        "localhost",
        "elsewhere.invalid",
    )
    .await;
}

#[tokio::test]
async fn forwarding_headers_count_only_from_a_trusted_proxy() {
    // No trusted proxies (the default): the client writes what it likes, in vain.
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let key = issue_key(&app, &t, &t.admin.email).await;
    restrict(&app, &t, &t.admin.email, &["10.0.0.0/8"]).await;
    for forged in [
        ("x-forwarded-for", "10.1.2.3"),
        ("forwarded", "for=10.1.2.3"),
    ] {
        let a = token_with(&app, &[forged], &t.admin.email, &key).await;
        assert_eq!(Sc::error(&a, 403), DENIED, "{forged:?}");
    }

    // Behind a trusted proxy (here: loopback), its header names the client.
    let app =
        TestApp::spawn_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let t = app.tenant("acme").await;
    let key = issue_key(&app, &t, &t.admin.email).await;
    restrict(&app, &t, &t.admin.email, &["10.0.0.0/8"]).await;
    let via = ("x-forwarded-for", "10.1.2.3");
    let token = jwt(&token_with(&app, &[via], &t.admin.email, &key).await);
    let patch = |headers: &[(&str, &str)]| {
        let mut req = app
            .http
            .patch(app.url("/restful/v1/user"))
            .header("authorization", format!("Bearer {token}"))
            .json(&json!({"users": [{"email": "ann@acme.test", "role": "CONTRIBUTOR"}]}));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Answer::of(req)
    };
    assert_eq!(patch(&[via]).await.status, 200);
    // The proxy itself (loopback) is not in 10.0.0.0/8: without its header, refused.
    assert_eq!(Sc::error(&patch(&[]).await, 403), DENIED);
    let a = token_with(&app, &[], &t.admin.email, &key).await;
    assert_eq!(Sc::error(&a, 403), DENIED);
}

/// `Authenticate` with a secret key, as a direct gRPC caller claiming `claimed`.
async fn authenticate(
    app: &TestApp,
    email: &str,
    key: &str,
    claimed: &str,
) -> Result<tonic::Response<pb::AuthenticateResponse>, tonic::Status> {
    let mut req = tonic::Request::new(pb::AuthenticateRequest {
        credential: Some(pb::authenticate_request::Credential::SecretKey(
            pb::SecretKeyCredential {
                email: email.to_owned(),
                secret_key: key.to_owned(),
            },
        )),
    });
    req.metadata_mut().insert(
        roster_proto::CLIENT_ADDRESS_METADATA,
        claimed.parse().unwrap(),
    );
    app.auth(None).authenticate(req).await
}

#[tokio::test]
async fn a_direct_grpc_caller_cannot_claim_another_address() {
    // The user service trusts another gateway, not the caller (loopback).
    let app =
        TestApp::spawn_with(|s| s.trusted_gateways = vec!["192.0.2.1/32".parse().unwrap()]).await;
    let t = app.tenant("acme").await;
    let key = issue_key(&app, &t, &t.admin.email).await;
    let early = authenticate(&app, &t.admin.email, &key, "10.1.2.3")
        .await
        .unwrap()
        .into_inner()
        .token;
    restrict(&app, &t, &t.admin.email, &["10.0.0.0/8"]).await;

    let s = expect_code(
        authenticate(&app, &t.admin.email, &key, "10.1.2.3").await,
        Code::PermissionDenied,
    );
    assert_eq!(reason(&s), "ADDRESS_NOT_ALLOWED");
    let mut call = tonic::Request::new(pb::ListUsersRequest::default());
    call.metadata_mut().insert(
        roster_proto::CLIENT_ADDRESS_METADATA,
        "10.1.2.3".parse().unwrap(),
    );
    let s = expect_code(
        app.users(&early).list_users(call).await,
        Code::PermissionDenied,
    );
    assert_eq!(reason(&s), "ADDRESS_NOT_ALLOWED");

    // Where loopback is a trusted gateway (the default, `roster serve`), the same claim is
    // believed: the refusal above is the trust list's doing.
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let key = issue_key(&app, &t, &t.admin.email).await;
    restrict(&app, &t, &t.admin.email, &["10.0.0.0/8"]).await;
    assert!(
        authenticate(&app, &t.admin.email, &key, "10.1.2.3")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn the_gateway_of_roster_serve_is_believed_whatever_the_trusted_gateways() {
    // `roster serve` calls its own user service in-process: the gateway's word for the
    // client is believed even where loopback is not a trusted gateway. Over a socket from
    // loopback, the client would be taken to be 127.0.0.1 and refused.
    let app = TestApp::spawn_with(|s| {
        s.trusted_gateways = vec!["192.0.2.1/32".parse().unwrap()];
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let t = app.tenant("acme").await;
    let key = issue_key(&app, &t, &t.admin.email).await;
    restrict(&app, &t, &t.admin.email, &["10.0.0.0/8"]).await;
    let via = ("x-forwarded-for", "10.1.2.3");
    jwt(&token_with(&app, &[via], &t.admin.email, &key).await);
    let elsewhere = ("x-forwarded-for", "192.0.2.77");
    let a = token_with(&app, &[elsewhere], &t.admin.email, &key).await;
    assert_eq!(Sc::error(&a, 403), DENIED);
    // A direct gRPC caller from loopback still cannot claim an address.
    let s = expect_code(
        authenticate(&app, &t.admin.email, &key, "10.1.2.3").await,
        Code::PermissionDenied,
    );
    assert_eq!(reason(&s), "ADDRESS_NOT_ALLOWED");
}

#[tokio::test]
async fn malformed_entries_are_named_and_change_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    restrict(&app, &t, &t.admin.email, &["192.0.2.0/24"]).await;
    let s = expect_code(
        app.secret_keys(&t.owner_token)
            .set_secret_key_restrictions(pb::SetSecretKeyRestrictionsRequest {
                user: key_email(&t.admin.email),
                allow: vec!["10.0.0.0/8".into(), "10.0.0.300".into(), "a b".into()],
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&s), ["allow[1]", "allow[2]"]);
    assert!(s.message().contains("10.0.0.300"), "{s:?}");
    let too_many: Vec<String> = (0..101).map(|i| format!("10.0.0.{i}")).collect();
    let s = expect_code(
        app.secret_keys(&t.owner_token)
            .set_secret_key_restrictions(pb::SetSecretKeyRestrictionsRequest {
                user: key_email(&t.admin.email),
                allow: too_many,
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&s), ["allow"]);
    assert_eq!(
        restrictions(&app, &t, &t.admin.email).await,
        ["192.0.2.0/24"]
    );
}

/// A user of `t` at `level`, and a token of it with every tenant scope.
async fn member(app: &TestApp, t: &TestTenant, email: &str, level: pb::AccessLevel) -> String {
    let mut u = crate::support::user(email);
    u.set_access_level(level);
    let u = app
        .users(&t.token)
        .create_user(crate::support::create(u))
        .await
        .unwrap()
        .into_inner();
    app.user_token(&t.id, &u.id, scopes::TENANT_ADMIN, 0)
}

#[tokio::test]
async fn only_who_may_manage_the_key_sets_restrictions() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let admin = member(&app, &t, "admin@acme.test", pb::AccessLevel::Admin).await;
    let plain = member(&app, &t, "plain@acme.test", pb::AccessLevel::User).await;
    let mut target = crate::support::user("target@acme.test");
    target.set_access_level(pb::AccessLevel::User);
    app.users(&t.token)
        .create_user(crate::support::create(target))
        .await
        .unwrap();
    member(&app, &t, "super@acme.test", pb::AccessLevel::SuperAdmin).await;
    restrict(&app, &t, &t.admin.email, &["192.0.2.1"]).await;
    restrict(&app, &t, "target@acme.test", &["192.0.2.2"]).await;
    restrict(&app, &t, "super@acme.test", &["192.0.2.3"]).await;
    // A token bought with a secret key may not manage credentials.
    let keyed = Sc::for_user(&app, &t, "admin@acme.test").await.token;
    let read_only = app.user_token(&t.id, &t.admin.id, &[scopes::USERS_READ], 0);

    let refusals: [(&str, &str, &str, &str); 7] = [
        (
            "a user who is no administrator",
            &plain,
            "target@acme.test",
            "not_allowed",
        ),
        (
            "an administrator, on the owner",
            &admin,
            &t.admin.email,
            "owner_protected",
        ),
        (
            "an administrator, on a super-administrator",
            &admin,
            "super@acme.test",
            "outranked",
        ),
        (
            "the service token, on the owner",
            &t.token,
            &t.admin.email,
            "owner_protected",
        ),
        ("a secret key's token", &keyed, "target@acme.test", ""),
        (
            "a token without secret_keys.write",
            &read_only,
            "target@acme.test",
            "",
        ),
        (
            "another tenant's owner",
            &other.owner_token,
            "target@acme.test",
            "",
        ),
    ];
    for (who, tok, email, rule) in refusals {
        let s = app
            .secret_keys(tok)
            .set_secret_key_restrictions(pb::SetSecretKeyRestrictionsRequest {
                user: key_email(email),
                allow: vec!["0.0.0.0/0".into()],
                ..Default::default()
            })
            .await
            .expect_err(who);
        assert!(
            matches!(s.code(), Code::PermissionDenied | Code::NotFound),
            "{who}: {s:?}"
        );
        if !rule.is_empty() {
            assert_eq!(info(&s, "rule"), rule, "{who}: {s:?}");
        }
    }
    assert_eq!(restrictions(&app, &t, &t.admin.email).await, ["192.0.2.1"]);
    assert_eq!(
        restrictions(&app, &t, "target@acme.test").await,
        ["192.0.2.2"]
    );
    assert_eq!(
        restrictions(&app, &t, "super@acme.test").await,
        ["192.0.2.3"]
    );

    // Who may issue the key may restrict it: an administrator, on a plain user.
    let set = app
        .secret_keys(&admin)
        .set_secret_key_restrictions(pb::SetSecretKeyRestrictionsRequest {
            user: key_email("target@acme.test"),
            allow: vec!["10.0.0.0/8".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(set.allow, ["10.0.0.0/8"]);
    // Reading is users.read and the right to read the user; another tenant sees no one.
    let seen = app
        .secret_keys(&read_only)
        .get_secret_key_restrictions(pb::GetSecretKeyRestrictionsRequest {
            user: key_email("target@acme.test"),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(seen.allow, ["10.0.0.0/8"]);
    let s = expect_code(
        app.secret_keys(&other.owner_token)
            .get_secret_key_restrictions(pb::GetSecretKeyRestrictionsRequest {
                user: key_email("target@acme.test"),
            })
            .await,
        Code::NotFound,
    );
    assert_eq!(reason(&s), "USER_NOT_FOUND");
}
