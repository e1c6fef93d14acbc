//! SureCloud's bulk PATCH, its only write (the dialect has no delete): each user it creates
//! or changes is told once, an item it refuses or that changes nothing is not, and the
//! others of the request still are.

use super::super::{contiguous, data, events_after, high_water, kinds};
use super::{grpc_user, told};
use crate::support::TestApp;
use crate::support::records::create_groups;
use crate::support::surecloud::Sc;
use serde_json::json;

#[tokio::test]
async fn a_patch_tells_the_users_it_created_and_modified_and_not_those_it_refused() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    create_groups(&app, &t, &["//Risk"]).await;
    let sc = Sc::owner(&app, &t).await;
    let made = sc
        .patch_ok(json!([
            {"email": "old@acme.test", "role": "CONTRIBUTOR", "jobTitle": "Analyst"},
            {"email": "other@acme.test", "role": "CONTRIBUTOR"},
            {"email": "taken@acme.test", "role": "CONTRIBUTOR"},
        ]))
        .await;
    let old = made[0]["userID"].as_str().unwrap().to_owned();
    let other = made[1]["userID"].as_str().unwrap().to_owned();
    let start = high_water(&app, &t).await;

    let a = sc
        .patch(json!([
            {"email": "new1@acme.test", "role": "CONTRIBUTOR", "name": "New One", "groups": ["//Risk"]},
            // Refused by the dialect: no user to write.
            {"email": "not an email", "role": "CONTRIBUTOR"},
            {"email": "new2@acme.test", "role": "READ_ONLY"},
            // After the creates: the batch's set pass numbers the users it creates before
            // those it modifies (in one commit), whatever the items' order.
            {"email": "OLD@acme.test", "role": "CONTRIBUTOR", "jobTitle": "Lead"},
            // Refused by the core (the email is another user's): its name is not written.
            {"userID": other, "email": "taken@acme.test", "name": "Half"},
            // Changes nothing.
            {"email": "taken@acme.test", "role": "CONTRIBUTOR"},
        ]))
        .await;
    let users = Sc::users(&a);
    let refused: Vec<usize> = (0..users.len())
        .filter(|&i| users[i].get("patchErrorMessage").is_some())
        .collect();
    assert_eq!(refused, [1, 4], "{users:?}");
    let new1 = users[0]["userID"].as_str().unwrap().to_owned();
    let new2 = users[2]["userID"].as_str().unwrap().to_owned();

    let events = events_after(&app, &t, start).await;
    contiguous(&events, start + 1);
    let risk = data(&events[1])["group"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        kinds(&events),
        [
            told("user.created", &new1),
            told("group.member_added", &risk),
            told("user.created", &new2),
            told("user.updated", &old),
        ]
    );
    let first = data(&events[0]);
    assert_eq!(first["email"], "new1@acme.test");
    assert_eq!(first["display_name"], "New One");
    assert_eq!(first["groups"][0]["path"], "//Risk");
    // The user the event tells is the one gRPC reads, and the one the PATCH answered.
    let grpc = grpc_user(&app, &t, "new1@acme.test").await;
    assert_eq!(first["id"], grpc.id.as_str());
    assert_eq!(first["login"], grpc.login.as_str());
    assert_eq!(first["number"], grpc.number);
    let joined = data(&events[1]);
    assert_eq!(joined["group"]["path"], "//Risk");
    assert_eq!(joined["user"]["id"], new1.as_str());
    assert_eq!(joined["user"]["login"], grpc.login.as_str());
    assert_eq!(data(&events[2])["email"], "new2@acme.test");
    assert_eq!(data(&events[2])["access_level"], "READ_ONLY");
    let updated = data(&events[3]);
    assert_eq!(updated["user"]["email"], "old@acme.test");
    assert_eq!(updated["user"]["job_title"], "Lead");
    assert_eq!(updated["changed_fields"], json!(["job_title"]));
}
