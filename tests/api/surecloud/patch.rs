//! The PATCH itself: creates and modifies in one call, in request order; attributes left out
//! stay, except personType; failing items come back with patchErrorMessage, nothing of them
//! written, and do not fail the others.

use crate::support::TestApp;
use crate::support::records::by_email;
use crate::support::surecloud::Sc;
use roster_proto::v1 as pb;
use serde_json::json;

#[tokio::test]
async fn the_vendors_example_creates_the_user_it_describes() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    crate::support::records::create_groups(&app, &t, &["//Risk Department/Risk Analysts"]).await;
    let sc = Sc::owner(&app, &t).await;
    let users = sc
        .patch_ok(json!([{
            "email": "johndoe@example.com",
            "enabled": true,
            "name": "John Doe",
            "jobTitle": "Analyst",
            "groups": ["//Risk Department/Risk Analysts"],
            "role": "CONTRIBUTOR"
        }]))
        .await;
    let u = &users[0];
    let stored = by_email(&app, &t, "johndoe@example.com").await.unwrap();
    assert_eq!(
        *u,
        json!({
            "userID": stored.id,
            "name": "John Doe",
            "email": "johndoe@example.com",
            "enabled": true,
            "jobTitle": "Analyst",
            "role": "CONTRIBUTOR",
            "personType": "INTERNAL",
            "groups": ["//Risk Department/Risk Analysts"]
        })
    );
    // The same record, seen through the contract.
    assert_eq!(stored.display_name.as_deref(), Some("John Doe"));
    assert_eq!(stored.access_level(), pb::AccessLevel::User);
    assert_eq!(stored.status(), pb::UserStatus::Active);
    assert_eq!(stored.groups[0].path, "//Risk Department/Risk Analysts");
}

#[tokio::test]
async fn attributes_left_out_stay_but_person_type_resets_to_internal() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    sc.patch_ok(json!([{
        "email": "a@acme.test", "role": "ADMINISTRATOR", "name": "Ann", "jobTitle": "CFO",
        "personType": "EXTERNAL", "enabled": false
    }]))
    .await;
    let users = sc
        .patch_ok(json!([{"email": "A@ACME.test", "jobTitle": "CEO"}]))
        .await;
    let u = &users[0];
    assert_eq!(u["name"], "Ann");
    assert_eq!(u["jobTitle"], "CEO");
    assert_eq!(u["role"], "ADMINISTRATOR");
    assert_eq!(u["enabled"], false);
    assert_eq!(u["personType"], "INTERNAL", "left out: back to INTERNAL");
    assert_eq!(u["email"], "a@acme.test");

    // null clears a text attribute.
    let users = sc
        .patch_ok(json!([{"email": "a@acme.test", "jobTitle": null, "role": "READ_ONLY"}]))
        .await;
    assert!(users[0]["jobTitle"].is_null(), "{}", users[0]);
    assert_eq!(users[0]["role"], "READ_ONLY");
}

#[tokio::test]
async fn a_user_id_finds_the_user_and_may_change_its_email() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let created = sc
        .patch_ok(json!([{"email": "old@acme.test", "role": "CONTRIBUTOR"}]))
        .await;
    let id = created[0]["userID"].as_str().unwrap();
    let users = sc
        .patch_ok(json!([{"userID": id, "email": "new@acme.test", "name": "Renamed"}]))
        .await;
    assert_eq!(users[0]["userID"], id);
    assert_eq!(users[0]["email"], "new@acme.test");
    assert!(by_email(&app, &t, "old@acme.test").await.is_none());
    assert_eq!(
        by_email(&app, &t, "new@acme.test")
            .await
            .unwrap()
            .display_name
            .as_deref(),
        Some("Renamed")
    );
}

#[tokio::test]
async fn failing_items_are_reported_in_order_and_do_not_stop_the_others() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    sc.patch_ok(json!([{"email": "taken@acme.test", "role": "CONTRIBUTOR"}]))
        .await;
    let a = sc
        .patch(json!([
            {"email": "ok1@acme.test", "role": "CONTRIBUTOR"},
            {"email": "norole@acme.test", "name": "No Role"},
            {"email": "not an email", "role": "CONTRIBUTOR"},
            {"userID": "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6", "name": "Ghost"},
            {"userID": "not-a-uuid", "name": "Ghost"},
            {"name": "Nobody"},
            {"email": "badrole@acme.test", "role": "OWNER"},
            {"email": "badtype@acme.test", "role": "CONTRIBUTOR", "enabled": "yes"},
            "not an object",
            {"email": "ok2@acme.test", "role": "READ_ONLY"},
        ]))
        .await;
    let users = Sc::users(&a);
    assert_eq!(users.len(), 10);
    assert!(users[0].get("patchErrorMessage").is_none(), "{}", users[0]);
    assert!(users[9].get("patchErrorMessage").is_none(), "{}", users[9]);
    assert_eq!(users[0]["email"], "ok1@acme.test");
    assert_eq!(users[9]["email"], "ok2@acme.test");
    for (i, (needle, email)) in [
        (1, ("role", Some("norole@acme.test"))),
        (2, ("email", Some("not an email"))),
        (3, ("userID", None)),
        (4, ("userID", None)),
        (5, ("email or userID", None)),
        (6, ("role", Some("badrole@acme.test"))),
        (7, ("enabled", Some("badtype@acme.test"))),
        (8, ("Invalid user", None)),
    ] {
        let message = users[i]["patchErrorMessage"].as_str().unwrap_or_default();
        assert!(message.contains(needle), "item {i}: {message}");
        if let Some(e) = email {
            assert_eq!(users[i]["email"], e, "item {i} names its user");
            assert!(
                by_email(&app, &t, e).await.is_none(),
                "item {i} wrote nothing"
            );
        }
    }
    assert!(by_email(&app, &t, "ok1@acme.test").await.is_some());
    assert!(by_email(&app, &t, "ok2@acme.test").await.is_some());

    // A failing modification writes nothing of itself either: the email collides, so the
    // name that came with it is not written.
    let ok1 = by_email(&app, &t, "ok1@acme.test").await.unwrap();
    let a = sc
        .patch(json!([{"userID": ok1.id, "email": "taken@acme.test", "name": "Half"}]))
        .await;
    let m = Sc::users(&a)[0]["patchErrorMessage"].as_str().unwrap();
    assert!(m.contains("already"), "{m}");
    let after = by_email(&app, &t, "ok1@acme.test").await.unwrap();
    assert_eq!(after.display_name, None);
    assert_eq!(after.etag, ok1.etag);
}

#[tokio::test]
async fn attributes_roster_cannot_keep_are_reported_and_the_rest_applies() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let a = sc
        .patch(json!([{"email": "a@acme.test", "role": "CONTRIBUTOR", "phone": ["123"]}]))
        .await;
    let u = &Sc::users(&a)[0];
    assert!(
        u["patchErrorMessage"].as_str().unwrap().contains("'phone'"),
        "{u}"
    );
    assert_eq!(u["role"], "CONTRIBUTOR");
    assert!(by_email(&app, &t, "a@acme.test").await.is_some());
}
