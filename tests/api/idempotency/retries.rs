//! What a retry finds later: an answer that said "try later" (503) was not kept, so the retry
//! runs; an answer past `idempotency_ttl_secs` is gone, so the retry runs again; a claim whose
//! request died holds its key for `idempotency_lease_secs` only.

use super::{KEY, replayed};
use crate::support::{Answer, TestApp, create, expect_code, reason, user};
use futures::future::join_all;
use roster_proto::v1 as pb;
use roster_proto::v1::claim_idempotency_key_response::Outcome;
use std::time::Duration;
use tonic::Code;

/// Concurrent password writes per round, on one argon2 thread that waits 1 ms.
const FLOOD: usize = 16;

#[tokio::test]
async fn a_503_is_not_kept_and_its_retry_runs() {
    let app = TestApp::spawn_with(|s| {
        s.hash_concurrency = Some(1);
        s.argon2_max_wait_ms = 1;
    })
    .await;
    let t = app.tenant("acme").await;
    let auth = format!(
        "User {}, Organization {}",
        t.admin_secret, t.organization_secret
    );
    let post = |key: String, email: String| {
        let body = serde_json::json!({"firstName": "F", "lastName": "L", "email": email, "password": "s3cret-Pw"});
        Answer::of(
            app.http
                .post(app.url("/elements/api-v2/users"))
                .header("authorization", &auth)
                .header(KEY, key)
                .json(&body),
        )
    };
    let mut busy = None;
    for round in 0..5 {
        let requests =
            (0..FLOOD).map(|i| (format!("k{round}-{i}"), format!("u{round}-{i}@acme.test")));
        let pairs: Vec<(String, String)> = requests.clone().collect();
        let answers = join_all(requests.map(|(k, e)| post(k, e))).await;
        busy = pairs
            .into_iter()
            .zip(answers)
            .find(|(_, a)| a.status == 503);
        if busy.is_some() {
            break;
        }
    }
    let ((key, email), refused) = busy.expect("some write was refused as busy");
    assert_eq!(refused.header("retry-after"), "1", "{refused:?}");

    // The retry runs again: on a loaded machine even a lone hash may miss its 1 ms, so it is
    // sent until it gets a thread; every 503 on the way is a fresh refusal, never a replay.
    let mut retry = post(key.clone(), email.clone()).await;
    for _ in 0..50 {
        if retry.status != 503 {
            break;
        }
        assert_eq!(retry.header("idempotent-replayed"), "", "{retry:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        retry = post(key.clone(), email.clone()).await;
    }
    assert_eq!(retry.status, 200, "{retry:?}");
    assert_eq!(retry.header("idempotent-replayed"), "");
    // Only now is an answer kept.
    replayed(&retry, &post(key, email).await);
}

fn create_with(email: &str, request_id: &str) -> pb::CreateUserRequest {
    pb::CreateUserRequest {
        request_id: request_id.to_owned(),
        ..create(user(email))
    }
}

#[tokio::test]
async fn an_expired_answer_is_gone_and_its_retry_runs_again() {
    let app = TestApp::spawn_with(|s| s.idempotency_ttl_secs = 1).await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let first = users
        .create_user(create_with("ann@acme.test", "ttl-1"))
        .await
        .unwrap();
    let again = users
        .create_user(create_with("ann@acme.test", "ttl-1"))
        .await
        .unwrap();
    assert_eq!(again.get_ref(), first.get_ref());

    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Run again: the email is now taken.
    let s = expect_code(
        users
            .create_user(create_with("ann@acme.test", "ttl-1"))
            .await,
        Code::AlreadyExists,
    );
    assert!(s.metadata().get("roster-idempotent-replayed").is_none());
}

#[tokio::test]
async fn a_claim_whose_request_died_holds_its_key_for_the_lease_only() {
    let app = TestApp::spawn_with(|s| s.idempotency_lease_secs = 1).await;
    let t = app.tenant("acme").await;
    let mut idem = app.idempotency(Some(&t.token));
    let claim = |key: &str| pb::ClaimIdempotencyKeyRequest {
        key: key.to_owned(),
        fingerprint: vec![7; 32],
    };
    let Some(Outcome::ClaimId(dead)) = idem.claim(claim("k")).await.unwrap().into_inner().outcome
    else {
        panic!("a free key is claimed");
    };
    let s = expect_code(idem.claim(claim("k")).await, Code::Aborted);
    assert_eq!(reason(&s), "IDEMPOTENCY_KEY_IN_USE");

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let Some(Outcome::ClaimId(live)) = idem.claim(claim("k")).await.unwrap().into_inner().outcome
    else {
        panic!("a key whose lease ran out is claimed again");
    };
    assert_ne!(live, dead);
    // The dead claim can no longer complete; the live one can.
    let answer = |claim_id: &str, body: &[u8]| pb::CompleteIdempotencyKeyRequest {
        key: "k".to_owned(),
        claim_id: claim_id.to_owned(),
        answer: Some(pb::HttpAnswer {
            status: 201,
            headers: vec![],
            body: body.to_vec(),
        }),
    };
    idem.complete(answer(&dead, b"dead")).await.unwrap();
    idem.complete(answer(&live, b"live")).await.unwrap();
    let Some(Outcome::Replay(kept)) = idem.claim(claim("k")).await.unwrap().into_inner().outcome
    else {
        panic!("a completed key has an answer");
    };
    assert_eq!((kept.status, kept.body.as_slice()), (201, &b"live"[..]));
}
