//! The PATCH's checks, each with a JSON error body, in the order promised: 401 bad token,
//! 403 no rights, 406 wrong Accept, 415 wrong Content-Type, 413 too large, 400 bad JSON.

use crate::support::Answer;
use crate::support::TestApp;
use crate::support::records::by_email;
use crate::support::surecloud::Sc;
use serde_json::json;

#[tokio::test]
async fn each_check_wins_over_the_ones_after_it() {
    let app = TestApp::spawn_with(|s| s.surecloud_max_body_bytes = 4096).await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let url = app.url("/restful/v1/user");
    let big = format!("{{\"users\": [{}]}}", " ".repeat(5000));
    let send = |auth: Option<String>, accept: &str, ct: &str, body: String| {
        let mut r = app.http.patch(&url).header("accept", accept).body(body);
        if !ct.is_empty() {
            r = r.header("content-type", ct);
        }
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        Answer::of(r)
    };
    let bearer = Some(format!("Bearer {}", sc.token));
    let cases = [
        (
            "no token",
            None,
            "text/html",
            "text/plain",
            big.clone(),
            401,
        ),
        (
            "a forged token",
            Some("Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln".to_owned()),
            "text/html",
            "text/plain",
            big.clone(),
            401,
        ),
        (
            "another scheme",
            Some(format!("Basic {}", sc.token)),
            "application/json",
            "application/json",
            "{\"users\":[]}".to_owned(),
            401,
        ),
        (
            "a wrong Accept",
            bearer.clone(),
            "text/html",
            "text/plain",
            big.clone(),
            406,
        ),
        (
            "a wrong Content-Type",
            bearer.clone(),
            "application/json",
            "text/plain",
            big.clone(),
            415,
        ),
        (
            "no Content-Type",
            bearer.clone(),
            "application/json",
            "",
            "{\"users\":[]}".to_owned(),
            415,
        ),
        (
            "too many bytes",
            bearer.clone(),
            "application/json",
            "application/json",
            big,
            413,
        ),
        (
            "bad JSON",
            bearer.clone(),
            "application/json",
            "application/json",
            "{\"users\": [".to_owned(),
            400,
        ),
        (
            "no users array",
            bearer.clone(),
            "application/json",
            "application/json",
            "{\"user\": []}".to_owned(),
            400,
        ),
        (
            "users that is no array",
            bearer.clone(),
            "application/json",
            "application/json",
            "{\"users\": {\"email\": \"a@acme.test\"}}".to_owned(),
            400,
        ),
    ];
    for (what, auth, accept, ct, body, status) in cases {
        let a = send(auth, accept, ct, body).await;
        assert_eq!(a.status, status, "{what}: {a:?}");
        Sc::error(&a, status);
    }
}

#[tokio::test]
async fn json_with_a_charset_or_no_accept_at_all_is_fine() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    for (i, accept) in [
        "application/json",
        "application/json;charset=UTF-8",
        "*/*",
        "",
    ]
    .into_iter()
    .enumerate()
    {
        let email = format!("u{i}@acme.test");
        let mut r = app
            .http
            .patch(app.url("/restful/v1/user"))
            .header("authorization", format!("Bearer {}", sc.token))
            .header("content-type", "application/json; charset=utf-8")
            .body(json!({"users": [{"email": email, "role": "CONTRIBUTOR"}]}).to_string());
        if !accept.is_empty() {
            r = r.header("accept", accept);
        }
        let a = Answer::of(r).await;
        assert_eq!(Sc::users(&a).len(), 1, "{accept}");
        assert!(by_email(&app, &t, &email).await.is_some(), "{accept}");
    }
}

#[tokio::test]
async fn other_paths_and_methods_answer_in_the_dialects_error_shape() {
    let app = TestApp::spawn().await;
    Sc::error(
        &Answer::of(app.http.get(app.url("/restful/v1/user"))).await,
        405,
    );
    Sc::error(
        &Answer::of(app.http.get(app.url("/restful/v1/users"))).await,
        404,
    );
    Sc::error(&Answer::of(app.http.get(app.url("/restful/v1"))).await, 404);
}
