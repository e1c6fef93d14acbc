//! Keys are their caller's: the same key from another tenant or another credential runs on
//! its own, and through IdempotencyService no caller can claim, complete or release another's
//! key (the scope is derived from the token, never given).

use super::{KEY, count, has};
use crate::support::scim::{Scim, USER};
use crate::support::surecloud::Sc;
use crate::support::{Answer, TestApp, expect_code, reason};
use roster_proto::v1 as pb;
use roster_proto::v1::claim_idempotency_key_response::Outcome;
use serde_json::json;
use tonic::Code;

/// A SCIM create of `email` with the key `same`.
async fn scim_create(app: &TestApp, scim: &Scim<'_>, email: &str) -> Answer {
    let body = json!({
        "schemas": [USER],
        "userName": email,
        "name": {"givenName": "A", "familyName": "N"},
        "emails": [{"value": email, "primary": true}],
    });
    let r = app
        .http
        .post(scim.url("/Users"))
        .header(KEY, "same")
        .header("content-type", "application/scim+json")
        .body(body.to_string());
    scim.send(r).await
}

#[tokio::test]
async fn the_same_key_from_another_tenant_or_credential_runs_on_its_own() {
    let app = TestApp::spawn().await;
    let acme = app.tenant("acme").await;
    let globex = app.tenant("globex").await;

    // Two provisioning tokens of one tenant: two identity providers, two scopes.
    let (okta, entra) = (Scim::of(&app, &acme).await, Scim::of(&app, &acme).await);
    assert_eq!(scim_create(&app, &okta, "ann@acme.test").await.status, 201);
    let other = scim_create(&app, &entra, "bob@acme.test").await;
    assert_eq!(other.status, 201, "{other:?}");
    assert_eq!(other.header("idempotent-replayed"), "");

    // Another tenant, another dialect's credential, the same key.
    let patch = |sc: &Sc<'_>| {
        let body = json!({"users": [{"email": "cy@globex.test", "role": "CONTRIBUTOR"}]});
        Answer::of(sc.request().header(KEY, "same").json(&body))
    };
    let globex_owner = Sc::owner(&app, &globex).await;
    let a = patch(&globex_owner).await;
    assert_eq!(
        (a.status, a.header("idempotent-replayed")),
        (200, ""),
        "{a:?}"
    );
    assert!(has(&app, &globex.token, "cy@globex.test").await);
    assert!(has(&app, &acme.token, "bob@acme.test").await);
    assert_eq!(count(&app, &acme.token).await, 3);
}

fn claim(key: &str) -> pb::ClaimIdempotencyKeyRequest {
    pb::ClaimIdempotencyKeyRequest {
        key: key.to_owned(),
        fingerprint: vec![1; 32],
    }
}

fn answer(key: &str, claim_id: &str, body: &[u8]) -> pb::CompleteIdempotencyKeyRequest {
    pb::CompleteIdempotencyKeyRequest {
        key: key.to_owned(),
        claim_id: claim_id.to_owned(),
        answer: Some(pb::HttpAnswer {
            status: 200,
            headers: vec![],
            body: body.to_vec(),
        }),
    }
}

async fn outcome(
    idem: &mut crate::support::grpc::Idempotency,
    key: &str,
) -> Result<Outcome, tonic::Status> {
    Ok(idem
        .claim(claim(key))
        .await?
        .into_inner()
        .outcome
        .expect("an outcome"))
}

#[tokio::test]
async fn no_caller_reaches_anothers_keys() {
    let app = TestApp::spawn().await;
    let acme = app.tenant("acme").await;
    let globex = app.tenant("globex").await;
    let mut mine = app.idempotency(Some(&acme.token));
    let mut theirs = app.idempotency(Some(&globex.token));
    // The owner of the same tenant is another credential.
    let mut owner = app.idempotency(Some(&acme.owner_token));

    let Outcome::ClaimId(held) = outcome(&mut mine, "k").await.unwrap() else {
        panic!("claimed");
    };
    // Another's complete and release of the claim change nothing.
    theirs
        .complete(answer("k", &held, b"forged"))
        .await
        .unwrap();
    theirs
        .release(pb::ReleaseIdempotencyKeyRequest {
            key: "k".to_owned(),
            claim_id: held.clone(),
        })
        .await
        .unwrap();
    let s = expect_code(outcome(&mut mine, "k").await, Code::Aborted);
    assert_eq!(reason(&s), "IDEMPOTENCY_KEY_IN_USE");
    // Their claims of the key are their own keys.
    for other in [&mut theirs, &mut owner] {
        assert!(matches!(
            outcome(other, "k").await.unwrap(),
            Outcome::ClaimId(_)
        ));
    }

    mine.complete(answer("k", &held, b"mine")).await.unwrap();
    let Outcome::Replay(kept) = outcome(&mut mine, "k").await.unwrap() else {
        panic!("an answer");
    };
    assert_eq!(kept.body, b"mine");
    for other in [&mut theirs, &mut owner] {
        let s = expect_code(outcome(other, "k").await, Code::Aborted);
        assert_eq!(reason(&s), "IDEMPOTENCY_KEY_IN_USE", "their own claim runs");
    }

    // Without a token, nothing.
    let mut anonymous = app.idempotency(None);
    expect_code(outcome(&mut anonymous, "k").await, Code::Unauthenticated);
    // A bad key or fingerprint is a bad request.
    let s = expect_code(
        mine.claim(pb::ClaimIdempotencyKeyRequest {
            key: String::new(),
            fingerprint: vec![1; 31],
        })
        .await,
        Code::InvalidArgument,
    );
    assert_eq!(crate::support::violated_fields(&s), ["key", "fingerprint"]);
}
