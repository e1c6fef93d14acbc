//! User writes through gRPC, one by one and in batches.

use super::{contiguous, data, events_after, high_water, kinds};
use crate::support::messages::key_email;
use crate::support::{TestApp, create, expect_code, mask, user};
use roster_proto::v1 as pb;
use tonic::Code;

fn in_group(path: &str) -> pb::GroupRef {
    pb::GroupRef {
        path: path.to_owned(),
        ..Default::default()
    }
}

#[tokio::test]
async fn each_user_write_has_exactly_its_events_in_commit_order() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    app.groups(&t.token)
        .create_group(pb::CreateGroupRequest {
            path: "//Sales".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let start = high_water(&app, &t).await;
    let mut users = app.users(&t.token);

    // Create with a group, change the email and leave the group, set a password, delete.
    let mut u = user("ada@example.com");
    u.groups = vec![in_group("//Sales")];
    let ada = users.create_user(create(u)).await.unwrap().into_inner();
    users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: ada.id.clone(),
                email: "ada.l@example.com".into(),
                groups: Vec::new(),
                ..Default::default()
            }),
            update_mask: mask(&["email", "groups"]),
            ..Default::default()
        })
        .await
        .unwrap();
    users
        .change_password(pb::ChangePasswordRequest {
            id: ada.id.clone(),
            password: "Correct-Horse-9".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    users
        .delete_user(pb::DeleteUserRequest {
            id: ada.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();

    let events = events_after(&app, &t, start).await;
    let sales = data(&events[1])["group"]["id"].as_str().unwrap().to_owned();
    let id = ada.id.clone();
    assert_eq!(
        kinds(&events),
        [
            ("roster.user.created".into(), id.clone()),
            ("roster.group.member_added".into(), sales.clone()),
            ("roster.user.updated".into(), id.clone()),
            ("roster.group.member_removed".into(), sales.clone()),
            ("roster.user.updated".into(), id.clone()),
            ("roster.user.deleted".into(), id.clone()),
        ]
    );
    contiguous(&events, start + 1);
    assert_eq!(data(&events[0])["email"], "ada@example.com");
    assert_eq!(data(&events[0])["groups"][0]["path"], "//Sales");
    assert_eq!(data(&events[1])["user"]["id"], id.as_str());
    let update = data(&events[2]);
    assert_eq!(update["user"]["email"], "ada.l@example.com");
    // The login was derived from the email, so it follows it.
    assert_eq!(
        update["changed_fields"],
        serde_json::json!(["email", "groups", "login"])
    );
    let password = data(&events[4]);
    assert_eq!(
        password["changed_fields"],
        serde_json::json!(["has_password", "password"])
    );
    assert_eq!(data(&events[5])["email"], "ada.l@example.com");
    for e in &events {
        assert!(
            !e.data.contains("argon2") && !e.data.contains("Correct-Horse"),
            "no secret in an event: {}",
            e.data
        );
        assert_eq!(e.source, format!("/tenants/{}", t.id));
        let ce: serde_json::Value = serde_json::from_str(&e.cloud_event).unwrap();
        assert_eq!(ce["specversion"], "1.0");
        assert_eq!(ce["id"], e.id.as_str());
        assert_eq!(ce["type"], e.r#type.as_str());
        assert_eq!(ce["data"], data(e));
    }
}

#[tokio::test]
async fn a_refused_write_has_no_event_and_an_unchanged_update_none_either() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    let ada = users
        .create_user(create(user("ada@example.com")))
        .await
        .unwrap()
        .into_inner();
    let start = high_water(&app, &t).await;

    expect_code(
        users.create_user(create(user("ada@example.com"))).await,
        Code::AlreadyExists,
    );
    expect_code(
        users.create_user(create(user("not-an-email"))).await,
        Code::InvalidArgument,
    );
    // A write that changes nothing tells nothing.
    users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: ada.id.clone(),
                email: "ada@example.com".into(),
                ..Default::default()
            }),
            update_mask: mask(&["email"]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(high_water(&app, &t).await, start);
    assert!(events_after(&app, &t, start).await.is_empty());
}

fn item(email: &str, title: &str) -> pb::UpsertUserItem {
    pb::UpsertUserItem {
        key: key_email(email),
        user: Some(pb::User {
            email: email.to_owned(),
            job_title: Some(title.to_owned()),
            ..Default::default()
        }),
        update_mask: mask(&["job_title"]),
        create_if_missing: true,
        lenient_groups: false,
    }
}

#[tokio::test]
async fn a_batch_tells_each_item_it_wrote_and_none_it_refused() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut users = app.users(&t.token);
    users
        .create_user(create(user("old@example.com")))
        .await
        .unwrap();
    let start = high_water(&app, &t).await;

    // More than one chunk of the batch, with a refused item in the middle and one that
    // changes nothing (the same title twice).
    let mut items: Vec<pb::UpsertUserItem> = (0..300)
        .map(|i| item(&format!("u{i}@example.com"), "Analyst"))
        .collect();
    items[150] = item("not-an-email", "Analyst");
    items.push(item("old@example.com", "Lead"));
    items.push(item("old@example.com", "Lead"));
    let results = users
        .batch_upsert_users(pb::BatchUpsertUsersRequest {
            items,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .results;
    let written: Vec<&pb::User> = results
        .iter()
        .filter(|r| r.status.as_ref().is_none_or(|s| s.code == 0))
        .filter_map(|r| r.user.as_ref())
        .collect();
    assert_eq!(
        written.len(),
        301,
        "every item but the refused one answers a user"
    );

    let events = events_after(&app, &t, start).await;
    contiguous(&events, start + 1);
    let created: Vec<&pb::Event> = events
        .iter()
        .filter(|e| e.r#type == "roster.user.created")
        .collect();
    let updated: Vec<&pb::Event> = events
        .iter()
        .filter(|e| e.r#type == "roster.user.updated")
        .collect();
    assert_eq!(created.len(), 299);
    assert_eq!(updated.len(), 1, "the second, unchanged item tells nothing");
    assert_eq!(events.len(), 300);
    // In item order, each naming the user the batch answered.
    for (e, u) in created.iter().zip(written.iter()) {
        assert_eq!(e.subject, u.id);
        assert_eq!(data(e)["number"], u.number);
    }
    assert_eq!(
        data(updated[0])["changed_fields"],
        serde_json::json!(["job_title"])
    );
}

#[tokio::test]
async fn concurrent_writers_of_a_tenant_get_every_number_once_in_commit_order() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let start = high_water(&app, &t).await;
    let writers = (0..24).map(|i| {
        let mut users = app.users(&t.token);
        async move {
            users
                .create_user(create(user(&format!("w{i}@example.com"))))
                .await
                .unwrap()
                .into_inner()
                .id
        }
    });
    let mut ids = futures::future::join_all(writers).await;
    let events = events_after(&app, &t, start).await;
    contiguous(&events, start + 1);
    let mut told: Vec<String> = events.iter().map(|e| e.subject.clone()).collect();
    ids.sort();
    told.sort();
    assert_eq!(told, ids, "one event per user, none twice");
}

#[tokio::test]
async fn with_the_outbox_off_writes_record_no_events() {
    let app = TestApp::spawn_with(|s| s.events_outbox = roster::settings::Switch::Off).await;
    let t = app.tenant("acme").await;
    app.users(&t.token)
        .create_user(create(user("ada@example.com")))
        .await
        .unwrap();
    assert_eq!(
        high_water(&app, &t).await,
        0,
        "neither the tenant nor ada is told"
    );
    assert!(events_after(&app, &t, 0).await.is_empty());
}
