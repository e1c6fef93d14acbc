//! Cloud Elements' user writes: create, PATCH (its only update), deactivate and delete each
//! tell one event; a refused one tells none; no password or user secret reaches an event.

use super::super::{contiguous, data, events_after, high_water, kinds};
use super::{grpc_user, no_secret, told};
use crate::support::TestApp;
use crate::support::elements::Ce;
use serde_json::json;

#[tokio::test]
async fn each_elements_user_write_tells_one_event_and_never_a_secret() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    ce.create("bob@acme.test", "Bob", "B").await;
    let start = high_water(&app, &t).await;

    let made = ce
        .post(
            "/users",
            json!({"email": "ann@acme.test", "firstName": "Ann", "lastName": "Lee", "password": "Passw0rd-1"}),
        )
        .await;
    assert_eq!(made.status, 200, "{made:?}");
    let number = made.json()["id"].as_i64().unwrap();
    let secret = made.json()["secret"].as_str().unwrap().to_owned();
    let grpc = grpc_user(&app, &t, "ann@acme.test").await;
    let path = format!("/users/{number}");
    // Refused: the email is taken.
    let taken = ce
        .post(
            "/users",
            json!({"email": "BOB@acme.test", "firstName": "B", "lastName": "B"}),
        )
        .await;
    Ce::error(&taken, 409);
    let renamed = ce
        .patch(&path, json!({"firstName": "Anna", "city": "Oslo"}))
        .await;
    assert_eq!(renamed.status, 200, "{renamed:?}");
    // Refused: the password is too short, so the name is not written either.
    let short = ce
        .patch(&path, json!({"lastName": "Changed", "password": "x"}))
        .await;
    Ce::error(&short, 400);
    let password = ce.patch(&path, json!({"password": "New-Passw0rd"})).await;
    assert_eq!(password.status, 200, "{password:?}");
    let off = ce.patch(&path, json!({"active": false})).await;
    assert_eq!(off.status, 200, "{off:?}");
    let gone = ce.delete(&path).await;
    assert_eq!(gone.status, 200, "{gone:?}");

    let events = events_after(&app, &t, start).await;
    contiguous(&events, start + 1);
    let id = grpc.id.clone();
    assert_eq!(
        kinds(&events),
        [
            told("user.created", &id),
            told("user.updated", &id),
            told("user.updated", &id),
            told("user.updated", &id),
            told("user.deleted", &id),
        ]
    );
    let created = data(&events[0]);
    assert_eq!(created["id"], id.as_str(), "the id gRPC reads");
    assert_eq!(created["number"], number, "Cloud Elements' id");
    assert_eq!(created["email"], "ann@acme.test");
    assert_eq!(created["login"], grpc.login.as_str());
    assert_eq!(
        (&created["first_name"], &created["last_name"]),
        (&json!("Ann"), &json!("Lee"))
    );
    let renamed = data(&events[1]);
    assert_eq!(renamed["user"]["first_name"], "Anna");
    assert_eq!(renamed["changed_fields"], json!(["city", "first_name"]));
    assert_eq!(data(&events[2])["changed_fields"], json!(["password"]));
    let off = data(&events[3]);
    assert_eq!(off["user"]["status"], "DISABLED");
    assert_eq!(off["changed_fields"], json!(["status"]));
    assert_eq!(data(&events[4])["email"], "ann@acme.test");
    let new_secret = password.json()["secret"].as_str().unwrap_or_default();
    no_secret(
        &events,
        &["Passw0rd-1", "New-Passw0rd", &secret, new_secret]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>(),
    );
}
