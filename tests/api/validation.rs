//! Bad input: INVALID_ARGUMENT with a violation per bad field, and nothing written.

use crate::support::{TestApp, create, expect_code, get_by, mask, reason, user, violated_fields};
use roster_proto::v1 as pb;
use roster_proto::v1::user_key::Key;
use tonic::Code;

#[tokio::test]
async fn every_bad_field_of_a_create_is_reported_and_nothing_written() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let cases: Vec<(&str, pb::CreateUserRequest, Vec<&str>)> = vec![
        (
            "invalid email",
            create(user("not an email")),
            vec!["user.email"],
        ),
        (
            "missing email",
            create(pb::User {
                login: "x".into(),
                ..Default::default()
            }),
            vec!["user.email"],
        ),
        (
            "invalid login",
            create(pb::User {
                login: "has space".into(),
                ..user("a@example.com")
            }),
            vec!["user.login"],
        ),
        (
            "invalid group path",
            create(pb::User {
                groups: vec![pb::GroupRef {
                    path: "Risk/x".into(),
                    ..Default::default()
                }],
                ..user("b@example.com")
            }),
            vec!["user.groups[0]"],
        ),
        (
            "external id too long",
            create(pb::User {
                external_id: Some("x".repeat(51)),
                ..user("c@example.com")
            }),
            vec!["user.external_id"],
        ),
        (
            "control characters",
            create(pb::User {
                first_name: Some("a\u{7}b".into()),
                ..user("d@example.com")
            }),
            vec!["user.first_name"],
        ),
        (
            "unknown enum",
            create(pb::User {
                status: 42,
                ..user("e@example.com")
            }),
            vec!["user.status"],
        ),
        (
            "short password",
            pb::CreateUserRequest {
                user: Some(user("f@example.com")),
                password: Some("123".into()),
                ..Default::default()
            },
            vec!["password"],
        ),
        (
            "several at once",
            create(pb::User {
                login: "a b".into(),
                email: "nope".into(),
                external_id: Some(String::new() + &"y".repeat(60)),
                ..Default::default()
            }),
            vec!["user.login", "user.email", "user.external_id"],
        ),
        (
            "no user",
            pb::CreateUserRequest {
                user: None,
                password: None,
                ..Default::default()
            },
            vec!["user"],
        ),
    ];
    for (name, req, want) in cases {
        let st = expect_code(users.create_user(req).await, Code::InvalidArgument);
        assert_eq!(reason(&st), "INVALID_FIELD", "{name}");
        let mut got = violated_fields(&st);
        got.sort();
        let mut want: Vec<String> = want.into_iter().map(str::to_owned).collect();
        want.sort();
        assert_eq!(got, want, "{name}");
    }
    let listed = users
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.users.len(), 1, "only the owner exists");
}

#[tokio::test]
async fn a_bad_update_changes_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let mut u = user("ok@example.com");
    u.city = Some("Oslo".into());
    let created = users.create_user(create(u)).await.unwrap().into_inner();
    let cases: Vec<(&str, pb::UpdateUserRequest, Code, &str)> = vec![
        (
            "unknown mask path",
            pb::UpdateUserRequest {
                user: Some(pb::User {
                    id: created.id.clone(),
                    city: Some("X".into()),
                    ..Default::default()
                }),
                update_mask: mask(&["city", "shoe_size"]),
                password: None,
                ..Default::default()
            },
            Code::InvalidArgument,
            "update_mask",
        ),
        (
            "output-only mask path",
            pb::UpdateUserRequest {
                user: Some(pb::User {
                    id: created.id.clone(),
                    ..Default::default()
                }),
                update_mask: mask(&["create_time"]),
                password: None,
                ..Default::default()
            },
            Code::InvalidArgument,
            "update_mask",
        ),
        (
            "invalid email",
            pb::UpdateUserRequest {
                user: Some(pb::User {
                    id: created.id.clone(),
                    email: "bad".into(),
                    city: Some("X".into()),
                    ..Default::default()
                }),
                update_mask: mask(&["email", "city"]),
                password: None,
                ..Default::default()
            },
            Code::InvalidArgument,
            "user.email",
        ),
        (
            "login cleared",
            pb::UpdateUserRequest {
                user: Some(pb::User {
                    id: created.id.clone(),
                    ..Default::default()
                }),
                update_mask: mask(&["login"]),
                password: None,
                ..Default::default()
            },
            Code::InvalidArgument,
            "user.login",
        ),
        (
            "bad id",
            pb::UpdateUserRequest {
                user: Some(pb::User {
                    id: "42".into(),
                    city: Some("X".into()),
                    ..Default::default()
                }),
                update_mask: mask(&["city"]),
                password: None,
                ..Default::default()
            },
            Code::InvalidArgument,
            "user.id",
        ),
    ];
    for (name, req, code, field) in cases {
        let st = expect_code(users.update_user(req).await, code);
        assert_eq!(violated_fields(&st), [field], "{name}");
    }
    let stale = pb::User {
        id: created.id.clone(),
        etag: "W/\"999\"".into(),
        city: Some("X".into()),
        ..Default::default()
    };
    let st = expect_code(
        users
            .update_user(pb::UpdateUserRequest {
                user: Some(stale),
                update_mask: mask(&["city"]),
                password: None,
                ..Default::default()
            })
            .await,
        Code::FailedPrecondition,
    );
    assert_eq!(reason(&st), "ETAG_MISMATCH");
    let after = users
        .get_user(get_by(Key::Id(created.id.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(after, created, "no field and no etag changed");
}

#[tokio::test]
async fn an_update_that_collides_is_refused_whole() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    users
        .create_user(create(user("taken@example.com")))
        .await
        .unwrap();
    let mut u = user("mine@example.com");
    u.city = Some("Oslo".into());
    let mine = users.create_user(create(u)).await.unwrap().into_inner();
    let patch = pb::User {
        id: mine.id.clone(),
        email: "TAKEN@example.com".into(),
        city: Some("Paris".into()),
        ..Default::default()
    };
    let st = expect_code(
        users
            .update_user(pb::UpdateUserRequest {
                user: Some(patch),
                update_mask: mask(&["email", "city"]),
                password: None,
                ..Default::default()
            })
            .await,
        Code::AlreadyExists,
    );
    assert_eq!(reason(&st), "EMAIL_TAKEN");
    let after = users
        .get_user(get_by(Key::Id(mine.id)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        after.city.as_deref(),
        Some("Oslo"),
        "half of the update was not applied"
    );
}

#[tokio::test]
async fn lookups_with_bad_keys_are_invalid_arguments() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    for (name, key) in [
        ("not a uuid", Some(Key::Id("123".into()))),
        ("negative number", Some(Key::Number(-1))),
        ("bad email", Some(Key::Email("x".into()))),
        ("no key", None),
    ] {
        let st = expect_code(
            users
                .get_user(pb::GetUserRequest {
                    key: Some(pb::UserKey { key }),
                })
                .await,
            Code::InvalidArgument,
        );
        assert_eq!(violated_fields(&st), ["key"], "{name}");
    }
}
