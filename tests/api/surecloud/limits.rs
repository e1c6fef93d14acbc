//! A request with more users than configured (10 000 by default) or more bytes is refused
//! whole with 413: nothing of it is written.

use crate::support::TestApp;
use crate::support::records::by_email;
use crate::support::surecloud::Sc;
use serde_json::{Value, json};

fn users(n: usize) -> Value {
    (0..n)
        .map(|i| json!({"email": format!("u{i}@acme.test"), "role": "CONTRIBUTOR"}))
        .collect()
}

#[tokio::test]
async fn more_users_than_the_maximum_are_refused_whole() {
    let app = TestApp::spawn_with(|s| s.surecloud_max_users = 3).await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let a = sc.patch(users(4)).await;
    let message = Sc::error(&a, 413);
    assert!(message.contains('3') && message.contains('4'), "{message}");
    assert!(by_email(&app, &t, "u0@acme.test").await.is_none());
    assert_eq!(sc.patch_ok(users(3)).await.len(), 3);
}

#[tokio::test]
async fn a_body_over_the_byte_limit_is_refused_whole() {
    let app = TestApp::spawn_with(|s| s.surecloud_max_body_bytes = 2048).await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let a = sc.patch(users(80)).await;
    assert!(Sc::error(&a, 413).contains("2048"), "{a:?}");
    assert!(by_email(&app, &t, "u0@acme.test").await.is_none());
}
