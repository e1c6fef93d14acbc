//! VerifyPassword's guess limit (per user, in the database, so shared by every user-service
//! replica) and the API secret it returns only with the right password.

use crate::support::{TestApp, expect_code, key_email, reason, secret_of};
use roster_proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt as _;

fn verify(email: &str, password: &str) -> pb::VerifyPasswordRequest {
    pb::VerifyPasswordRequest {
        key: key_email(email),
        password: password.to_owned(),
    }
}

async fn with_password(app: &TestApp, token: &str, email: &str) -> pb::User {
    app.users(token)
        .create_user(pb::CreateUserRequest {
            user: Some(crate::support::user(email)),
            password: Some("right-Passw0rd".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn the_api_secret_comes_only_with_the_right_password() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let u = with_password(&app, &t.token, "ann@acme.test").await;
    let mut users = app.users(&t.token);
    let right = users
        .reveal_api_secret(verify("ann@acme.test", "right-Passw0rd"))
        .await
        .unwrap()
        .into_inner();
    assert!(right.valid);
    assert_eq!(right.api_secret, secret_of(&u.id));
    let wrong = users
        .reveal_api_secret(verify("ann@acme.test", "wrong-Passw0rd"))
        .await
        .unwrap()
        .into_inner();
    assert!(!wrong.valid && wrong.api_secret.is_empty() && wrong.user.is_none());
    // A token that may read users still cannot read a secret without the password.
    let reader = app.token(Some(&t.id), &["users.read"]);
    expect_code(
        app.users(&reader)
            .reveal_api_secret(verify("ann@acme.test", "right-Passw0rd"))
            .await,
        Code::PermissionDenied,
    );
    let got = app
        .users(&reader)
        .get_user(crate::support::get_by(pb::user_key::Key::Id(u.id.clone())))
        .await
        .unwrap()
        .into_inner();
    assert!(!format!("{got:?}").contains(&right.api_secret));
}

#[tokio::test]
async fn guesses_past_the_limit_are_refused_unchecked_across_replicas() {
    let app = TestApp::spawn_with(|s| s.password_guesses_max = 3).await;
    let t = app.tenant("acme").await;
    with_password(&app, &t.token, "ann@acme.test").await;
    with_password(&app, &t.token, "bob@acme.test").await;
    // A second user service on the same database: the count is shared.
    let mut other = app.settings.clone();
    other.grpc_addr = "127.0.0.1:0".parse().unwrap();
    other.http_addr = "127.0.0.1:0".parse().unwrap();
    let replica = roster::start(&other, roster::Role::UserService)
        .await
        .unwrap();
    let channel =
        tonic::transport::Endpoint::from_shared(format!("http://{}", replica.grpc_addr.unwrap()))
            .unwrap()
            .connect_lazy();
    let bearer: tonic::metadata::MetadataValue<_> = format!("Bearer {}", t.token).parse().unwrap();
    let mut second = roster_proto::v1::user_service_client::UserServiceClient::with_interceptor(
        channel,
        move |mut r: tonic::Request<()>| {
            r.metadata_mut().insert("authorization", bearer.clone());
            Ok(r)
        },
    );
    let mut first = app.users(&t.token);
    for i in 0..3 {
        let r = if i % 2 == 0 {
            first
                .verify_password(verify("ann@acme.test", "nope-Passw0rd"))
                .await
        } else {
            second
                .verify_password(verify("ann@acme.test", "nope-Passw0rd"))
                .await
        };
        assert!(!r.unwrap().into_inner().valid, "guess {i}");
    }
    let st = expect_code(
        second
            .reveal_api_secret(verify("ann@acme.test", "right-Passw0rd"))
            .await,
        Code::ResourceExhausted,
    );
    assert_eq!(reason(&st), "PASSWORD_GUESSES_EXCEEDED");
    let retry = st.get_details_retry_info().and_then(|r| r.retry_delay);
    assert!(
        retry.is_some_and(|d| d.as_secs() > 0 && d.as_secs() <= 300),
        "{retry:?}"
    );
    // Another user's password is unaffected, and a right one clears its own count.
    let bob = first
        .verify_password(verify("bob@acme.test", "nope-Passw0rd"))
        .await
        .unwrap()
        .into_inner();
    assert!(!bob.valid);
    assert!(
        first
            .verify_password(verify("bob@acme.test", "right-Passw0rd"))
            .await
            .unwrap()
            .into_inner()
            .valid
    );
    for _ in 0..3 {
        first
            .verify_password(verify("bob@acme.test", "nope-Passw0rd"))
            .await
            .unwrap();
    }
    replica
        .shutdown(std::time::Duration::from_secs(5))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_next_page_token_can_be_asked_for_at_the_end_too() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let list = |token: String| pb::ListUsersRequest {
        page_size: 10,
        page_token: token,
        always_next_page_token: true,
        ..Default::default()
    };
    let first = users
        .list_users(list(String::new()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.users.len(), 1, "the owner");
    assert!(!first.next_page_token.is_empty());
    let empty = users
        .list_users(list(first.next_page_token.clone()))
        .await
        .unwrap()
        .into_inner();
    assert!(empty.users.is_empty());
    assert!(
        !empty.next_page_token.is_empty(),
        "still a place to come back to"
    );
    users
        .create_user(crate::support::create(crate::support::user(
            "late@acme.test",
        )))
        .await
        .unwrap();
    let later = users
        .list_users(list(empty.next_page_token))
        .await
        .unwrap()
        .into_inner();
    let emails: Vec<&str> = later.users.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(emails, ["late@acme.test"]);
    let plain = users
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(plain.next_page_token.is_empty(), "not asked for");
}
