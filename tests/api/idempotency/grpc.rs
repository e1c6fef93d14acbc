//! gRPC writes with a `request_id`: the same request twice runs once and answers the same
//! (metadata included); another request with the id is FAILED_PRECONDITION; a refusal is
//! kept as the answer too; and a kept answer outlives a restart of the server.

use super::{count, has};
use crate::support::{TestApp, create, expect_code, reason, user};
use roster_proto::v1 as pb;
use tonic::Code;

const REPLAYED: &str = "roster-idempotent-replayed";

fn create_with(email: &str, request_id: &str) -> pb::CreateUserRequest {
    pb::CreateUserRequest {
        request_id: request_id.to_owned(),
        ..create(user(email))
    }
}

#[tokio::test]
async fn a_create_user_with_a_request_id_runs_once() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let id = uuid::Uuid::new_v4().to_string();
    let before = count(&app, &t.token).await;

    let first = users
        .create_user(create_with("ann@acme.test", &id))
        .await
        .unwrap();
    let again = users
        .create_user(create_with("ann@acme.test", &id))
        .await
        .unwrap();
    assert_eq!(again.get_ref(), first.get_ref());
    assert!(first.metadata().get(REPLAYED).is_none());
    assert_eq!(again.metadata().get(REPLAYED).unwrap(), "true");
    let secret = |r: &tonic::Response<pb::User>| r.metadata().get("roster-api-secret").cloned();
    assert!(secret(&first).is_some());
    assert_eq!(
        secret(&again),
        secret(&first),
        "the metadata comes back too"
    );
    assert_eq!(count(&app, &t.token).await, before + 1);

    // Another request with the id, to the same method or another, is refused unrun.
    let s = expect_code(
        users.create_user(create_with("bob@acme.test", &id)).await,
        Code::FailedPrecondition,
    );
    assert_eq!(reason(&s), "IDEMPOTENCY_KEY_REUSED");
    let delete = pb::DeleteUserRequest {
        id: first.get_ref().id.clone(),
        request_id: id.clone(),
        ..Default::default()
    };
    let s = expect_code(users.delete_user(delete).await, Code::FailedPrecondition);
    assert_eq!(reason(&s), "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(count(&app, &t.token).await, before + 1);

    // A refusal that is the request's own is its answer: kept, and sent again as it was,
    // even once the request would succeed.
    let taken = create_with("ann@acme.test", "dup-1");
    let s = expect_code(users.create_user(taken.clone()).await, Code::AlreadyExists);
    let gone = pb::DeleteUserRequest {
        id: first.get_ref().id.clone(),
        ..Default::default()
    };
    users.delete_user(gone).await.unwrap();
    let s2 = expect_code(users.create_user(taken).await, Code::AlreadyExists);
    assert_eq!((s2.message(), reason(&s2)), (s.message(), reason(&s)));
    assert_eq!(s2.metadata().get(REPLAYED).unwrap(), "true");
    assert!(!has(&app, &t.token, "ann@acme.test").await);

    // A bad id is a bad request; an empty one asks for nothing.
    let s = expect_code(
        users
            .create_user(create_with("cy@acme.test", &"x".repeat(256)))
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(crate::support::violated_fields(&s), ["request_id"]);
    users
        .create_user(create_with("cy@acme.test", ""))
        .await
        .unwrap();
    expect_code(
        users.create_user(create_with("cy@acme.test", "")).await,
        Code::AlreadyExists,
    );
}

#[tokio::test]
async fn a_kept_answer_outlives_a_restart() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let req = create_with("ann@acme.test", "restart-1");
    let first = app.users(&t.token).create_user(req.clone()).await.unwrap();

    let app = app.restarted().await;
    let again = app.users(&t.token).create_user(req).await.unwrap();
    assert_eq!(again.get_ref(), first.get_ref());
    assert_eq!(again.metadata().get(REPLAYED).unwrap(), "true");
}
