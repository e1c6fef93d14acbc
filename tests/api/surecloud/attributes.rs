//! What a user model says beyond the vendor's sample: roles read without regard to case,
//! custom attributes kept with their JSON type, `null` for an unset name or job title, and
//! groups in the order the request sent them.

use crate::support::TestApp;
use crate::support::answer::Answer;
use crate::support::records::{by_email, create_groups};
use crate::support::surecloud::Sc;
use roster_proto::v1 as pb;
use serde_json::{Value, json};

#[tokio::test]
async fn roles_are_read_without_regard_to_case_and_answered_upper_case() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let users = sc
        .patch_ok(json!([
            {"email": "a@acme.test", "role": "contributor"},
            {"email": "b@acme.test", "role": "Administrator"},
            {"email": "c@acme.test", "role": "read_only"},
        ]))
        .await;
    let roles: Vec<&Value> = users.iter().map(|u| &u["role"]).collect();
    assert_eq!(
        roles,
        [
            &json!("CONTRIBUTOR"),
            &json!("ADMINISTRATOR"),
            &json!("READ_ONLY")
        ]
    );
    let b = by_email(&app, &t, "b@acme.test").await.unwrap();
    assert_eq!(b.access_level(), pb::AccessLevel::Admin);
}

#[tokio::test]
async fn an_unset_name_or_job_title_is_null() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let users = sc
        .patch_ok(json!([{"email": "a@acme.test", "role": "CONTRIBUTOR"}]))
        .await;
    let u = users[0].as_object().unwrap();
    assert_eq!(u.get("name"), Some(&Value::Null), "{u:?}");
    assert_eq!(u.get("jobTitle"), Some(&Value::Null), "{u:?}");
}

#[tokio::test]
async fn custom_attributes_are_kept_with_their_json_type_and_null_removes_one() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let a = sc
        .patch(json!([{
            "email": "a@acme.test", "role": "CONTRIBUTOR", "jobTitle": "Analyst",
            "phone": "123", "level": 3, "ratio": 0.5, "vip": true,
            "tags": ["x"], "address": {"city": "Oslo"}, "essay": "x".repeat(1100)
        }]))
        .await;
    let u = &Sc::users(&a)[0];
    assert_eq!(
        (&u["phone"], &u["level"], &u["ratio"], &u["vip"]),
        (&json!("123"), &json!(3), &json!(0.5), &json!(true)),
        "{u}"
    );
    for kept_out in ["tags", "address", "essay"] {
        assert!(u.get(kept_out).is_none(), "{u}");
    }
    let message = u["patchErrorMessage"].as_str().unwrap();
    assert_eq!(message.matches("Attribute '").count(), 3, "{message}");
    for named in ["'tags'", "'address'", "'essay'"] {
        assert!(message.contains(named), "{message}");
    }
    assert_eq!(u["jobTitle"], "Analyst", "the rest applied");
    // The core keeps each value's JSON text.
    let stored = by_email(&app, &t, "a@acme.test").await.unwrap();
    assert_eq!(stored.metadata["phone"], "\"123\"");
    assert_eq!(stored.metadata["level"], "3");

    // Left out, they stay; null removes one.
    let users = sc
        .patch_ok(json!([{"email": "a@acme.test", "vip": null, "level": 4}]))
        .await;
    let u = &users[0];
    assert!(u.get("vip").is_none(), "{u}");
    assert_eq!((&u["phone"], &u["level"]), (&json!("123"), &json!(4)));
}

#[tokio::test]
async fn attributes_past_the_cores_limit_are_reported_and_the_rest_applies() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let mut item = json!({"email": "a@acme.test", "role": "CONTRIBUTOR"});
    for i in 0..64 {
        item[format!("a{i}")] = json!(i);
    }
    sc.patch_ok(json!([item])).await;
    let a = sc
        .patch(json!([{"email": "a@acme.test", "one": "more", "a0": "changed", "jobTitle": "CFO"}]))
        .await;
    let u = &Sc::users(&a)[0];
    let message = u["patchErrorMessage"].as_str().unwrap();
    assert!(
        message.starts_with("Attribute 'one' was not stored"),
        "{message}"
    );
    assert!(u.get("one").is_none());
    assert_eq!(
        (&u["a0"], &u["jobTitle"]),
        (&json!("changed"), &json!("CFO"))
    );
    assert_eq!(
        by_email(&app, &t, "a@acme.test")
            .await
            .unwrap()
            .metadata
            .len(),
        64
    );
}

#[tokio::test]
async fn groups_come_back_in_the_order_sent_and_keep_it() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    create_groups(&app, &t, &["//A", "//B", "//C"]).await;
    let sc = Sc::owner(&app, &t).await;
    let groups = |u: &Value| u["groups"].clone();
    let users = sc
        .patch_ok(json!([{"email": "a@acme.test", "role": "CONTRIBUTOR",
                          "groups": ["//C", "//A", "//B"]}]))
        .await;
    assert_eq!(groups(&users[0]), json!(["//C", "//A", "//B"]));
    // Left out: the order they were added.
    let users = sc.patch_ok(json!([{"email": "a@acme.test"}])).await;
    assert_eq!(groups(&users[0]), json!(["//C", "//A", "//B"]));
    // Sent again in another order: added again, in that order.
    let users = sc
        .patch_ok(json!([{"email": "a@acme.test", "groups": ["//B", "//C"]}]))
        .await;
    assert_eq!(groups(&users[0]), json!(["//B", "//C"]));
    let users = sc.patch_ok(json!([{"email": "a@acme.test"}])).await;
    assert_eq!(groups(&users[0]), json!(["//B", "//C"]));
    let stored = by_email(&app, &t, "a@acme.test").await.unwrap();
    let paths: Vec<&str> = stored.groups.iter().map(|g| g.path.as_str()).collect();
    assert_eq!(paths, ["//B", "//C"]);
}

#[tokio::test]
async fn the_served_description_allows_null_names_and_custom_attributes() {
    let app = TestApp::spawn().await;
    let doc = Answer::of(app.http.get(app.url("/openapi.json"))).await;
    let user = &doc.json()["components"]["schemas"]["surecloud.User"];
    for field in ["name", "jobTitle"] {
        let types = &user["properties"][field]["type"];
        assert!(
            types.as_array().is_some_and(|t| t.contains(&json!("null"))),
            "{field}: {user}"
        );
    }
    assert!(
        user.get("additionalProperties")
            .is_some_and(|a| *a != json!(false)),
        "{user}"
    );
}
