//! CloudAPI's user writes, signed as the triton CLI signs them: createuser, updateuser,
//! changeuserpassword and deleteuser each tell one event; a refused one tells none; no
//! password reaches an event.

use super::super::{contiguous, data, events_after, high_water, kinds};
use super::{grpc_user, no_secret, told};
use crate::support::cloudapi::Cloud;
use serde_json::json;

#[tokio::test]
async fn each_cloudapi_user_write_tells_one_event_and_never_the_password() {
    let cloud = Cloud::new().await;
    let (app, t) = (&cloud.app, &cloud.tenant);
    cloud.user("taken").await;
    let start = high_water(app, t).await;

    let made = cloud
        .post(
            "/acme/users",
            json!({"login": "bob", "email": "bob@example.com", "password": "s3cret-Passw0rd", "firstName": "Bob"}),
        )
        .await;
    assert_eq!(made.status, 201, "{made:?}");
    let id = made.json()["id"].as_str().unwrap().to_owned();
    let grpc = grpc_user(app, t, "bob@example.com").await;
    // Refused: the login is taken (whatever its case).
    let taken = cloud
        .post(
            "/acme/users",
            json!({"login": "Taken", "email": "t2@example.com", "password": "s3cret-Passw0rd"}),
        )
        .await;
    Cloud::error(&taken, 409, "InvalidArgument");
    let edit = cloud
        .post(
            &format!("/acme/users/{id}"),
            json!({"lastName": "Builder", "phone": "555"}),
        )
        .await;
    assert_eq!(edit.status, 200, "{edit:?}");
    let password = format!("/acme/users/{id}/change_password");
    // Refused: the confirmation differs.
    let mismatch = cloud
        .post(
            &password,
            json!({"password": "n3w-Password", "password_confirmation": "n3w-Passw0rd"}),
        )
        .await;
    Cloud::error(&mismatch, 409, "InvalidArgument");
    let changed = cloud
        .post(
            &password,
            json!({"password": "n3w-Password", "password_confirmation": "n3w-Password"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");
    let gone = cloud.delete("/acme/users/bob").await;
    assert_eq!(gone.status, 204, "{gone:?}");

    let events = events_after(app, t, start).await;
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
    assert_eq!(created["login"], "bob");
    assert_eq!(created["email"], "bob@example.com");
    assert_eq!(created["first_name"], "Bob");
    assert_eq!(created["has_password"], true);
    let edited = data(&events[1]);
    assert_eq!(edited["user"]["last_name"], "Builder");
    assert_eq!(edited["changed_fields"], json!(["last_name", "phone"]));
    assert_eq!(data(&events[2])["changed_fields"], json!(["password"]));
    assert_eq!(data(&events[3])["login"], "bob");
    no_secret(
        &events,
        &["s3cret-Passw0rd", "n3w-Password", "n3w-Passw0rd"],
    );
}

#[tokio::test]
async fn cloudapi_keys_roles_and_policies_tell_their_events() {
    let cloud = Cloud::new().await;
    let (app, t) = (&cloud.app, &cloud.tenant);
    let bob = cloud.user("bob").await;
    let start = high_water(app, t).await;
    let key = crate::support::cloudapi::TestKey::ed25519(9);
    let fp = key.fingerprint();

    let made = cloud
        .post(
            "/acme/users/bob/keys",
            json!({"key": key.public_line("bob@box"), "name": "box"}),
        )
        .await;
    assert_eq!(made.status, 201, "{made:?}");
    let policy = cloud
        .post(
            "/acme/policies",
            json!({"name":"read","rules":["CAN listusers AND getuser"]}),
        )
        .await;
    assert_eq!(policy.status, 201, "{policy:?}");
    let policy_id = policy.json()["id"].as_str().unwrap().to_owned();
    // Refused: a rule Roster cannot enforce.
    let bad = cloud
        .post(
            "/acme/policies",
            json!({"name":"odd","rules":["CAN listusers WHEN sourceip = 1.2.3.4"]}),
        )
        .await;
    assert!(bad.status >= 400, "{bad:?}");
    let role = cloud
        .post(
            "/acme/roles",
            json!({"name":"readers","members":[{"login":"bob","default":true}],"policies":[{"name":"read"}]}),
        )
        .await;
    assert_eq!(role.status, 201, "{role:?}");
    let role_id = role.json()["id"].as_str().unwrap().to_owned();
    let renamed = cloud
        .post(
            &format!("/acme/roles/{role_id}"),
            json!({"name": "viewers"}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{renamed:?}");
    for path in [
        format!("/acme/roles/{role_id}"),
        format!("/acme/policies/{policy_id}"),
        "/acme/users/bob/keys/box".to_owned(),
    ] {
        let gone = cloud.delete(&path).await;
        assert_eq!(gone.status, 204, "{path}: {gone:?}");
    }

    let events = events_after(app, t, start).await;
    contiguous(&events, start + 1);
    assert_eq!(
        kinds(&events),
        [
            told("key.created", &fp),
            told("policy.created", &policy_id),
            told("role.created", &role_id),
            told("role.updated", &role_id),
            told("role.deleted", &role_id),
            told("policy.deleted", &policy_id),
            told("key.deleted", &fp),
        ]
    );
    assert_eq!(data(&events[0])["owner"]["id"], bob.as_str());
    assert_eq!(data(&events[0])["name"], "box");
    assert_eq!(data(&events[2])["members"][0]["login"], "bob");
    assert_eq!(data(&events[3])["changed_fields"], json!(["name"]));
}
