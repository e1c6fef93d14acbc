//! BatchUpsertUsers: each item on its own, all or nothing, in request order.

use crate::support::records::{create_groups, make_user};
use crate::support::{TestApp, create, expect_code, get_by, key_email, key_id, mask, reason, user};
use roster_proto::v1 as pb;
use roster_proto::v1::user_key::Key;
use tonic::Code;

fn item(key: Option<pb::UserKey>, u: pb::User, paths: &[&str], create: bool) -> pb::UpsertUserItem {
    pb::UpsertUserItem {
        key,
        user: Some(u),
        update_mask: mask(paths),
        create_if_missing: create,
        lenient_groups: true,
    }
}

fn group(path: &str) -> pb::GroupRef {
    pb::GroupRef {
        path: path.to_owned(),
        ..Default::default()
    }
}

#[tokio::test]
async fn items_succeed_or_fail_alone_and_come_back_in_order() {
    // Arrange: one existing user and one group.
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    app.groups(&t.token)
        .create_group(pb::CreateGroupRequest {
            path: "//Risk/Analysts".into(),
            external_id: None,
            ..Default::default()
        })
        .await
        .unwrap();
    let existing = users
        .create_user(create(user("old@example.com")))
        .await
        .unwrap()
        .into_inner();

    let new_user = pb::User {
        job_title: Some("Analyst".into()),
        access_level: pb::AccessLevel::User.into(),
        groups: vec![group("//Risk/Analysts"), group("//No/Such")],
        ..Default::default()
    };
    let modify = pb::User {
        job_title: Some("Boss".into()),
        ..Default::default()
    };
    let bad_email = pb::User {
        email: "not-an-email".into(),
        ..Default::default()
    };

    // Act
    let results = users
        .batch_upsert_users(pb::BatchUpsertUsersRequest {
            items: vec![
                item(
                    key_email("new@example.com"),
                    new_user,
                    &["job_title", "access_level", "groups"],
                    true,
                ),
                item(key_id(&existing.id), modify, &["job_title"], false),
                item(key_email("x@example.com"), bad_email, &["email"], true),
                item(
                    key_id("0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6"),
                    pb::User::default(),
                    &["job_title"],
                    false,
                ),
                item(
                    key_email("nobody@example.com"),
                    pb::User::default(),
                    &["job_title"],
                    false,
                ),
            ],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .results;

    // Assert
    assert_eq!(results.len(), 5);
    let ok = |r: &pb::UpsertUserResult| r.status.as_ref().is_some_and(|s| s.code == 0);
    assert!(ok(&results[0]) && results[0].created);
    let created = results[0].user.clone().unwrap();
    assert_eq!(created.email, "new@example.com");
    assert_eq!(
        created
            .groups
            .iter()
            .map(|g| g.path.as_str())
            .collect::<Vec<_>>(),
        ["//Risk/Analysts"]
    );
    assert_eq!(
        results[0].warnings.len(),
        1,
        "the unknown group is a warning"
    );
    assert_eq!(results[0].warnings[0].field, "user.groups[1]");
    assert_eq!(results[0].warnings[0].reason, "GROUP_NOT_FOUND");

    assert!(ok(&results[1]) && !results[1].created);
    assert_eq!(
        results[1].user.as_ref().unwrap().job_title.as_deref(),
        Some("Boss")
    );

    let code = |r: &pb::UpsertUserResult| r.status.as_ref().map_or(0, |s| s.code);
    assert_eq!(code(&results[2]), Code::InvalidArgument as i32);
    assert_eq!(code(&results[3]), Code::NotFound as i32);
    assert_eq!(code(&results[4]), Code::NotFound as i32);
    assert!(results[2].user.is_none());

    // Nothing of the failing items was written.
    expect_code(
        users
            .get_user(get_by(Key::Email("x@example.com".into())))
            .await,
        Code::NotFound,
    );
    expect_code(
        users
            .get_user(get_by(Key::Email("nobody@example.com".into())))
            .await,
        Code::NotFound,
    );
}

#[tokio::test]
async fn the_same_batch_twice_gives_the_same_state() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let batch = pb::BatchUpsertUsersRequest {
        items: (0..20)
            .map(|i| {
                let u = pb::User {
                    first_name: Some(format!("N{i}")),
                    ..Default::default()
                };
                item(
                    key_email(&format!("u{i}@example.com")),
                    u,
                    &["first_name"],
                    true,
                )
            })
            .collect(),
        ..Default::default()
    };
    let first = users
        .batch_upsert_users(batch.clone())
        .await
        .unwrap()
        .into_inner()
        .results;
    assert!(first.iter().all(|r| r.created));
    let second = users
        .batch_upsert_users(batch)
        .await
        .unwrap()
        .into_inner()
        .results;
    assert!(
        second
            .iter()
            .all(|r| !r.created && r.status.as_ref().is_some_and(|s| s.code == 0))
    );
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.user, b.user, "unchanged, etag included");
    }
}

#[tokio::test]
async fn a_strict_item_fails_whole_on_an_unknown_group() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let mut it = item(
        key_email("strict@example.com"),
        pb::User {
            groups: vec![group("//Missing")],
            ..Default::default()
        },
        &["groups"],
        true,
    );
    it.lenient_groups = false;
    let r = users
        .batch_upsert_users(pb::BatchUpsertUsersRequest {
            items: vec![it],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let st = r.results[0].status.clone().unwrap();
    assert_eq!(st.code, Code::InvalidArgument as i32);
    expect_code(
        users
            .get_user(get_by(Key::Email("strict@example.com".into())))
            .await,
        Code::NotFound,
    );
}

#[tokio::test]
async fn a_batch_over_the_maximum_is_refused_whole() {
    let app = TestApp::spawn_with(|s| s.max_batch_users = 3).await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let items = (0..4)
        .map(|i| {
            item(
                key_email(&format!("b{i}@example.com")),
                pb::User::default(),
                &[],
                true,
            )
        })
        .collect();
    let st = expect_code(
        users
            .batch_upsert_users(pb::BatchUpsertUsersRequest {
                items,
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(reason(&st), "TOO_LARGE");
    expect_code(
        users
            .get_user(get_by(Key::Email("b0@example.com".into())))
            .await,
        Code::NotFound,
    );
}

#[tokio::test]
async fn items_that_name_what_earlier_items_wrote_see_those_writes_in_order() {
    // A chunk is written set by set, but its answers must be those of its items one after
    // another: a user created, then changed, by the same batch; an email freed by one item
    // and taken by a later one; a login already held; groups joined by a plain change.
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    create_groups(&app, &t, &["//Team"]).await;
    let renamed = make_user(&app, &t, "old@example.com", pb::AccessLevel::User).await;
    let joiner = make_user(&app, &t, "joiner@example.com", pb::AccessLevel::User).await;
    let title = |t: &str| pb::User {
        job_title: Some(t.into()),
        ..Default::default()
    };
    let results = users
        .batch_upsert_users(pb::BatchUpsertUsersRequest {
            items: vec![
                item(
                    key_email("twice@example.com"),
                    title("one"),
                    &["job_title"],
                    true,
                ),
                item(
                    key_email("twice@example.com"),
                    title("two"),
                    &["job_title"],
                    false,
                ),
                item(
                    key_id(&renamed.id),
                    user("new@example.com"),
                    &["email"],
                    false,
                ),
                item(
                    key_email("old@example.com"),
                    title("fresh"),
                    &["job_title"],
                    true,
                ),
                item(
                    key_email("clash@example.com"),
                    pb::User {
                        login: "joiner@example.com".into(),
                        ..Default::default()
                    },
                    &["login"],
                    true,
                ),
                item(
                    key_id(&joiner.id),
                    pb::User {
                        groups: vec![group("//Team")],
                        ..Default::default()
                    },
                    &["groups"],
                    false,
                ),
            ],
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .results;
    let code = |r: &pb::UpsertUserResult| r.status.as_ref().map_or(0, |s| s.code);
    let codes: Vec<i32> = results.iter().map(code).collect();
    let exists = Code::AlreadyExists as i32;
    assert_eq!(codes, [0, 0, 0, 0, exists, 0], "{results:?}");
    let made = |i: usize| results[i].user.clone().unwrap();
    assert!(results[0].created && !results[1].created);
    assert_eq!(made(1).id, made(0).id);
    assert_ne!(
        made(1).etag,
        made(0).etag,
        "the second item changed the first's user"
    );
    assert_eq!(made(1).job_title.as_deref(), Some("two"));
    assert!(results[3].created, "the freed email makes a new user");
    assert_ne!(made(3).id, renamed.id);
    assert_eq!(made(2).email, "new@example.com");
    assert_eq!(made(5).groups.len(), 1);

    // The database agrees with the answers.
    let stored = |k: Key| {
        let mut users = users.clone();
        async move { users.get_user(get_by(k)).await.unwrap().into_inner() }
    };
    let twice = stored(Key::Email("twice@example.com".into())).await;
    assert_eq!(
        (twice.job_title.as_deref(), twice.etag.as_str()),
        (Some("two"), made(1).etag.as_str())
    );
    assert_eq!(
        stored(Key::Id(renamed.id.clone())).await.email,
        "new@example.com"
    );
    assert_eq!(
        stored(Key::Email("old@example.com".into())).await.id,
        made(3).id
    );
    let in_team = stored(Key::Id(joiner.id.clone())).await;
    assert_eq!(in_team.groups[0].path, "//Team");
    expect_code(
        users
            .get_user(get_by(Key::Email("clash@example.com".into())))
            .await,
        Code::NotFound,
    );
}
