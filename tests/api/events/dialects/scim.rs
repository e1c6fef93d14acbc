//! SCIM's writes: POST, PATCH, PUT and DELETE of a user, and a group made and given a
//! member, each told by exactly its events; a request SCIM refuses (409, 400) tells none.

use super::super::{contiguous, data, events_after, high_water, kinds};
use super::{grpc_user, no_secret, told};
use crate::support::TestApp;
use crate::support::scim::{BULK, GROUP, PATCH_OP, Scim, USER};
use serde_json::json;

#[tokio::test]
async fn each_scim_user_write_tells_one_event_and_a_refused_one_none() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    scim.user("bob@acme.test", "Bob", "B").await;
    let start = high_water(&app, &t).await;

    let made = scim
        .create_user(json!({
            "schemas": [USER],
            "userName": "ann@acme.test",
            "name": { "givenName": "Ann", "familyName": "Lee" },
            "emails": [{ "value": "ann@acme.test", "type": "work", "primary": true }],
            "password": "Secr3t-pass",
            "active": true,
        }))
        .await;
    let id = made["id"].as_str().unwrap().to_owned();
    let grpc = grpc_user(&app, &t, "ann@acme.test").await;
    let path = format!("/Users/{id}");
    // Refused: the userName is taken (409).
    let taken = scim
        .post(
            "/Users",
            json!({ "schemas": [USER], "userName": "BOB@acme.test" }),
        )
        .await;
    assert_eq!(Scim::error(&taken, 409), "uniqueness");
    let patched = scim
        .patch(
            &path,
            json!([{ "op": "replace", "path": "name.givenName", "value": "Anna" }]),
        )
        .await;
    assert_eq!(patched.status, 200, "{patched:?}");
    // Refused: a bad value fails the whole PATCH (400), its first operation included.
    let bad = scim
        .patch(
            &path,
            json!([{ "op": "replace", "path": "title", "value": "Never" },
                   { "op": "replace", "path": "active", "value": "perhaps" }]),
        )
        .await;
    assert_eq!(Scim::error(&bad, 400), "invalidValue");
    // PUT: the user as read, with a title.
    let mut body = patched.json().clone();
    body["title"] = json!("Lead");
    let put = scim.put(&path, body).await;
    assert_eq!(put.status, 200, "{put:?}");
    let gone = scim.delete(&path).await;
    assert_eq!(gone.status, 204, "{gone:?}");

    let events = events_after(&app, &t, start).await;
    contiguous(&events, start + 1);
    assert_eq!(
        kinds(&events),
        [
            told("user.created", &id),
            told("user.updated", &id),
            told("user.updated", &id),
            told("user.deleted", &id),
        ]
    );
    let created = data(&events[0]);
    assert_eq!(created["id"], grpc.id.as_str(), "the id gRPC reads");
    assert_eq!(created["login"], "ann@acme.test");
    assert_eq!(created["email"], "ann@acme.test");
    assert_eq!(created["has_password"], true);
    let renamed = data(&events[1]);
    assert_eq!(renamed["user"]["first_name"], "Anna");
    assert_eq!(renamed["changed_fields"], json!(["first_name"]));
    let put = data(&events[2]);
    assert_eq!(put["user"]["job_title"], "Lead");
    assert_eq!(put["changed_fields"], json!(["job_title"]));
    assert_eq!(data(&events[3])["first_name"], "Anna");
    no_secret(&events, &["Secr3t-pass"]);
}

#[tokio::test]
async fn a_scim_group_and_its_new_member_are_told_and_refused_requests_are_not() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let ann = scim.user("ann@acme.test", "Ann", "Lee").await;
    scim.group("Taken", &[]).await;
    let start = high_water(&app, &t).await;

    let gid = scim.group("Sales", &[]).await;
    let path = format!("/Groups/{gid}");
    let added = scim
        .patch(
            &path,
            json!([{ "op": "add", "path": "members", "value": [{ "value": ann }] }]),
        )
        .await;
    assert_eq!(added.status, 204, "{added:?}");
    // Refused: the name is taken (409), and a member that is no user (400).
    let again = scim
        .post(
            "/Groups",
            json!({ "schemas": [GROUP], "displayName": "Taken" }),
        )
        .await;
    assert_eq!(Scim::error(&again, 409), "uniqueness");
    let nobody = uuid::Uuid::now_v7().to_string();
    let stranger = scim
        .patch(
            &path,
            json!([{ "op": "add", "path": "members", "value": [{ "value": nobody }] }]),
        )
        .await;
    Scim::error(&stranger, 400);

    let events = events_after(&app, &t, start).await;
    contiguous(&events, start + 1);
    assert_eq!(
        kinds(&events),
        [
            told("group.created", &gid),
            told("group.member_added", &gid),
        ]
    );
    let group = data(&events[0]);
    assert_eq!(group["path"], "//Sales");
    assert_eq!(group["member_count"], 0);
    let member = data(&events[1]);
    assert_eq!(member["group"]["id"], gid.as_str());
    assert_eq!(member["group"]["path"], "//Sales");
    assert_eq!(member["user"]["id"], ann.as_str());
    assert_eq!(member["user"]["login"], "ann@acme.test");
}

#[tokio::test]
async fn a_scim_group_create_refused_for_its_members_tells_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let ann = scim.user("ann@acme.test", "Ann", "Lee").await;
    let start = high_water(&app, &t).await;
    let nobody = uuid::Uuid::now_v7().to_string();
    let a = scim
        .post(
            "/Groups",
            json!({ "schemas": [GROUP], "displayName": "Sales",
                    "members": [{ "value": ann }, { "value": nobody }] }),
        )
        .await;
    assert_eq!(Scim::error(&a, 400), "invalidValue");
    let events = events_after(&app, &t, start).await;
    assert_eq!(kinds(&events), [], "{events:?}");
}

#[tokio::test]
async fn each_operation_of_a_scim_bulk_tells_its_own_events_and_a_failed_one_none() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    scim.user("bob@acme.test", "Bob", "B").await;
    let start = high_water(&app, &t).await;

    let body = json!({ "schemas": [BULK], "Operations": [
        { "method": "POST", "path": "/Users", "bulkId": "u1",
          "data": { "schemas": [USER], "userName": "ann@acme.test" } },
        { "method": "PATCH", "path": "/Users/bulkId:u1",
          "data": { "schemas": [PATCH_OP],
                    "Operations": [{ "op": "replace", "path": "title", "value": "Guide" }] } },
        // Fails: the userName is taken.
        { "method": "POST", "path": "/Users", "bulkId": "u2",
          "data": { "schemas": [USER], "userName": "BOB@acme.test" } },
        { "method": "POST", "path": "/Groups", "bulkId": "g1",
          "data": { "schemas": [GROUP], "displayName": "Guides",
                    "members": [{ "value": "bulkId:u1" }] } },
        { "method": "DELETE", "path": "/Users/bulkId:u1" },
    ] });
    let a = scim.post("/Bulk", body).await;
    assert_eq!(a.status, 200, "{a:?}");
    let results = a.json()["Operations"].as_array().unwrap().clone();
    let statuses: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["201", "200", "409", "201", "204"], "{results:?}");
    let last = |r: &serde_json::Value| {
        let location = r["location"].as_str().unwrap();
        location.rsplit('/').next().unwrap().to_owned()
    };
    let (user, group) = (last(&results[0]), last(&results[3]));

    let events = events_after(&app, &t, start).await;
    contiguous(&events, start + 1);
    assert_eq!(
        kinds(&events),
        [
            told("user.created", &user),
            told("user.updated", &user),
            told("group.created", &group),
            told("group.member_added", &group),
            told("group.member_removed", &group),
            told("user.deleted", &user),
        ]
    );
    assert_eq!(data(&events[0])["login"], "ann@acme.test");
    assert_eq!(data(&events[1])["changed_fields"], json!(["job_title"]));
    assert_eq!(data(&events[2])["path"], "//Guides");
    for e in &events[3..5] {
        assert_eq!(data(e)["user"]["id"], user.as_str());
    }
    let gone = data(&events[5]);
    assert_eq!(gone["job_title"], "Guide");
    assert_eq!(
        gone["groups"][0]["path"], "//Guides",
        "as it was before it went"
    );
}
