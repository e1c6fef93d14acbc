//! A flood of password writes on a hashing pool that can hardly wait: with one argon2 thread
//! and `argon2_max_wait_ms = 1`, requests that get no thread in time are refused at once with
//! each interface's "try later" (gRPC RESOURCE_EXHAUSTED + TRY_LATER + RetryInfo; REST 503
//! with `Retry-After` and the dialect's error body), never a 500 and never a hang. The others
//! succeed. No assertion is about speed: how many are refused depends on the machine.

use crate::support::cloudapi::{Signer, TestKey, signed};
use crate::support::{Answer, TestApp, create, expect_code, reason, user};
use futures::future::join_all;
use roster_proto::v1 as pb;
use std::time::Duration;
use tonic::Code;
use tonic_types::StatusExt as _;

/// Concurrent requests per round.
const FLOOD: usize = 16;

async fn busy_app() -> TestApp {
    TestApp::spawn_with(|s| {
        s.hash_concurrency = Some(1);
        s.argon2_max_wait_ms = 1;
    })
    .await
}

/// Floods with `request(round, i)` until a round has a refusal (a few rounds at most), and
/// returns every answer of that round. Every answer is either `ok` or `busy`.
async fn flood<F, Fut>(ok: u16, busy: u16, request: F) -> Vec<Answer>
where
    F: Fn(usize, usize) -> Fut,
    Fut: std::future::Future<Output = Answer>,
{
    for round in 0..5 {
        let all = tokio::time::timeout(
            Duration::from_mins(2),
            join_all((0..FLOOD).map(|i| request(round, i))),
        )
        .await
        .expect("no request hangs");
        for a in &all {
            assert!(a.status == ok || a.status == busy, "{a:?}");
        }
        if all.iter().any(|a| a.status == busy) {
            return all;
        }
    }
    panic!("{FLOOD} concurrent password writes on one thread that waits 1 ms: none refused");
}

#[tokio::test]
async fn grpc_password_writes_past_the_wait_are_resource_exhausted_try_later() {
    let app = busy_app().await;
    let t = app.tenant("acme").await;
    let mut refused = None;
    for round in 0..5 {
        let calls = (0..FLOOD).map(|i| {
            let mut users = app.users(&t.token);
            async move {
                let mut req = create(user(&format!("u{round}-{i}@acme.test")));
                req.password = Some("s3cret-Passw0rd".to_owned());
                users.create_user(req).await
            }
        });
        let results = tokio::time::timeout(Duration::from_mins(2), join_all(calls))
            .await
            .expect("no call hangs");
        for r in results {
            match r {
                Ok(_) => {}
                Err(s) => {
                    let s = expect_code(Err::<(), _>(s), Code::ResourceExhausted);
                    refused = Some(s);
                }
            }
        }
        if refused.is_some() {
            break;
        }
    }
    let s = refused.expect("some call was refused");
    assert_eq!(reason(&s), pb::ErrorReason::TryLater.as_str_name());
    let delay = s.get_details_retry_info().and_then(|r| r.retry_delay);
    assert_eq!(delay, Some(Duration::from_secs(1)));
}

#[tokio::test]
async fn cloudapi_answers_503_service_unavailable_with_retry_after() {
    let app = busy_app().await;
    let key = TestKey::ed25519(1);
    app.tenant_with_keys("acme", &[key.public_line("owner@laptop")])
        .await;
    let owner = Signer::account("acme", &key);
    let base = app.http_url.clone();
    let all = flood(201, 503, |round, i| {
        let body = serde_json::json!({"login": format!("u{round}x{i}"), "email": format!("u{round}x{i}@acme.test"), "password": "s3cret-Passw0rd"});
        Answer::of(signed(&app.http, &base, &owner, reqwest::Method::POST, "/acme/users").json(&body))
    })
    .await;
    let busy = all.iter().find(|a| a.status == 503).unwrap();
    assert_eq!(busy.header("retry-after"), "1", "{busy:?}");
    let v = busy.json();
    assert_eq!(v["code"], "ServiceUnavailable", "{busy:?}");
    assert!(v["message"].is_string());
}

#[tokio::test]
async fn cloud_elements_answers_503_with_retry_after_and_its_error_body() {
    let app = busy_app().await;
    let t = app.tenant("acme").await;
    let auth = format!(
        "User {}, Organization {}",
        t.admin_secret, t.organization_secret
    );
    let all = flood(200, 503, |round, i| {
        let body = serde_json::json!({"firstName": "F", "lastName": "L", "email": format!("u{round}-{i}@acme.test"), "password": "s3cret-Pw"});
        Answer::of(
            app.http
                .post(app.url("/elements/api-v2/users"))
                .header("authorization", &auth)
                .json(&body),
        )
    })
    .await;
    let busy = all.iter().find(|a| a.status == 503).unwrap();
    assert_eq!(busy.header("retry-after"), "1", "{busy:?}");
    let v = busy.json();
    assert!(
        v["requestId"].as_str().is_some_and(|r| !r.is_empty()),
        "{busy:?}"
    );
    assert!(v["message"].is_string());
}

#[tokio::test]
async fn forms_on_fire_answers_503_with_retry_after_and_a_response_status() {
    let app = busy_app().await;
    let t = app.tenant("acme").await;
    let all = flood(200, 503, |round, i| {
        let body = serde_json::json!({"CompanyId": t.company_id, "IntegrationKey": t.integration_key, "FirstName": "F", "LastName": "L", "Email": format!("u{round}-{i}@acme.test"), "Password": "s3cret-Passw0rd"});
        Answer::of(
            app.http
                .post(app.url("/api/v2/user?format=json"))
                .json(&body),
        )
    })
    .await;
    let busy = all.iter().find(|a| a.status == 503).unwrap();
    assert_eq!(busy.header("retry-after"), "1", "{busy:?}");
    let v = busy.json();
    assert_eq!(
        v["ResponseStatus"]["ErrorCode"], "ServiceUnavailable",
        "{busy:?}"
    );
}
