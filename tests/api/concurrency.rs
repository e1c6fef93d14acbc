//! Concurrent writers: uniqueness holds and no update is lost.

use crate::support::{TestApp, create, get_by, reason, user};
use futures::future::join_all;
use roster_proto::v1 as pb;
use roster_proto::v1::user_key::Key;
use tonic::Code;

async fn race(
    app: &TestApp,
    token: &str,
    make: impl Fn(usize) -> pb::User,
) -> Vec<Result<pb::User, tonic::Status>> {
    let calls = (0..50).map(|i| {
        let mut users = app.users(token);
        let u = make(i);
        async move {
            users
                .create_user(create(u))
                .await
                .map(tonic::Response::into_inner)
        }
    });
    join_all(calls).await
}

fn tally(results: &[Result<pb::User, tonic::Status>], want_reason: &str) {
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(
        ok,
        1,
        "exactly one create wins: {:?}",
        results.iter().find_map(|r| r.as_ref().err())
    );
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(r.code(), Code::AlreadyExists, "{r:?}");
        assert_eq!(reason(r), want_reason);
    }
}

#[tokio::test]
async fn fifty_concurrent_creates_of_one_email_make_one_user() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    // Different logins, the same email in varying case.
    let results = race(&app, &t.token, |i| {
        let mut u = user(if i % 2 == 0 {
            "same@example.com"
        } else {
            "SAME@example.com"
        });
        u.login = format!("login{i}");
        u
    })
    .await;
    tally(&results, "EMAIL_TAKEN");
    let listed = app
        .users(&t.token)
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.users.len(), 2, "the owner and one new user");
}

#[tokio::test]
async fn fifty_concurrent_creates_of_one_login_make_one_user() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let results = race(&app, &t.token, |i| {
        let mut u = user(&format!("u{i}@example.com"));
        u.login = "shared".into();
        u
    })
    .await;
    tally(&results, "LOGIN_TAKEN");
}

#[tokio::test]
async fn concurrent_read_modify_writes_with_etags_lose_no_update() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let created = users
        .create_user(create(user("counter@example.com")))
        .await
        .unwrap()
        .into_inner();
    let writers = (0..10).map(|w| {
        let mut users = app.users(&t.token);
        let id = created.id.clone();
        async move {
            // Each writer adds its own metadata key, retrying on a stale etag.
            loop {
                let cur = users
                    .get_user(get_by(Key::Id(id.clone())))
                    .await
                    .unwrap()
                    .into_inner();
                let mut metadata = cur.metadata.clone();
                metadata.insert(format!("w{w}"), "1".into());
                let patch = pb::User {
                    id: id.clone(),
                    etag: cur.etag,
                    metadata,
                    ..Default::default()
                };
                let r = users
                    .update_user(pb::UpdateUserRequest {
                        user: Some(patch),
                        update_mask: crate::support::mask(&["metadata"]),
                        password: None,
                        ..Default::default()
                    })
                    .await;
                match r {
                    Ok(_) => return,
                    Err(s) if s.code() == Code::FailedPrecondition => {}
                    Err(s) => panic!("unexpected {s:?}"),
                }
            }
        }
    });
    join_all(writers).await;
    let end = users
        .get_user(get_by(Key::Id(created.id)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        end.metadata.len(),
        10,
        "every writer's key survived: {:?}",
        end.metadata
    );
}

#[tokio::test]
async fn concurrent_batches_on_the_same_users_leave_each_user_whole() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let batch = |tag: &str| pb::BatchUpsertUsersRequest {
        items: (0..30)
            .map(|i| pb::UpsertUserItem {
                key: crate::support::key_email(&format!("p{i}@example.com")),
                user: Some(pb::User {
                    first_name: Some(format!("{tag}-first")),
                    last_name: Some(format!("{tag}-last")),
                    job_title: Some(format!("{tag}-job")),
                    ..Default::default()
                }),
                update_mask: crate::support::mask(&["first_name", "last_name", "job_title"]),
                create_if_missing: true,
                lenient_groups: true,
            })
            .collect(),
        ..Default::default()
    };
    let (mut one, mut two) = (app.users(&t.token), app.users(&t.token));
    let (a, b) = tokio::join!(
        one.batch_upsert_users(batch("A")),
        two.batch_upsert_users(batch("B"))
    );
    for r in a
        .unwrap()
        .into_inner()
        .results
        .iter()
        .chain(&b.unwrap().into_inner().results)
    {
        assert_eq!(r.status.as_ref().map(|s| s.code), Some(0), "{r:?}");
    }
    let listed = app
        .users(&t.token)
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner();
    let people: Vec<_> = listed
        .users
        .iter()
        .filter(|u| u.email.starts_with('p'))
        .collect();
    assert_eq!(people.len(), 30, "each email created once");
    for u in people {
        let tag = u.first_name.as_deref().unwrap().split('-').next().unwrap();
        assert_eq!(
            u.last_name.as_deref(),
            Some(format!("{tag}-last").as_str()),
            "never a mix: {u:?}"
        );
        assert_eq!(
            u.job_title.as_deref(),
            Some(format!("{tag}-job").as_str()),
            "never a mix: {u:?}"
        );
    }
}
