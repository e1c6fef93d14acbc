//! Roles and policies in API v9's shape.

use crate::support::cloudapi::Cloud;
use serde_json::json;

#[tokio::test]
async fn policies_are_written_with_rules_the_server_can_enforce() {
    let cloud = Cloud::new().await;
    let a = cloud
        .post(
            "/acme/policies",
            json!({"name":"readers","rules":["CAN listusers AND getuser"],"description":"read"}),
        )
        .await;
    assert_eq!(a.status, 201, "{a:?}");
    assert_eq!(a.headers["location"], "/acme/policies/readers");
    let id = a.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        String::from_utf8(a.raw).unwrap(),
        format!(
            r#"{{"name":"readers","id":"{id}","rules":["CAN listusers AND getuser"],"description":"read"}}"#
        )
    );
    // Rules may come as a JSON-encoded string.
    let a = cloud
        .post(
            "/acme/policies",
            json!({"name":"writers","rules":"[\"CAN createuser\"]"}),
        )
        .await;
    assert_eq!(a.json()["rules"], json!(["CAN createuser"]), "{a:?}");
    for (body, code) in [
        (json!({"rules":["CAN getuser"]}), "MissingParameter"),
        (json!({"name":"x"}), "MissingParameter"),
        (
            json!({"name":"x","rules":["CAN listmachines"]}),
            "InvalidArgument",
        ),
        (
            json!({"name":"x","rules":["CAN getuser WHEN sourceip = 1.2.3.4"]}),
            "InvalidArgument",
        ),
        (
            json!({"name":"readers","rules":["CAN getuser"]}),
            "InvalidArgument",
        ),
    ] {
        Cloud::error(&cloud.post("/acme/policies", body.clone()).await, 409, code);
    }
    let list = cloud.get("/acme/policies").await;
    assert_eq!(
        list.json().as_array().unwrap().len(),
        2,
        "refused policies were not stored"
    );
    assert_eq!(
        cloud.get("/acme/policies/readers").await.json()["id"],
        id.as_str()
    );
    let a = cloud
        .post(
            &format!("/acme/policies/{id}"),
            json!({"rules":["CAN getuser"],"description":""}),
        )
        .await;
    assert_eq!(a.json()["rules"], json!(["CAN getuser"]));
    assert!(a.json().get("description").is_none());
    assert_eq!(
        cloud.delete("/acme/policies/readers").await.status,
        404,
        "deleted by id only"
    );
    assert_eq!(
        cloud.delete(&format!("/acme/policies/{id}")).await.status,
        204
    );
}

#[tokio::test]
async fn roles_have_members_default_members_and_policies() {
    let cloud = Cloud::new().await;
    let bob = cloud.user("bob").await;
    cloud.user("carol").await;
    cloud
        .post(
            "/acme/policies",
            json!({"name":"readers","rules":["CAN listusers"]}),
        )
        .await;
    let a = cloud
        .post(
            "/acme/roles",
            json!({"name":"ops","members":[{"type":"subuser","login":"bob","default":true},{"type":"subuser","login":"carol"}],"policies":[{"name":"readers"}]}),
        )
        .await;
    assert_eq!(a.status, 201, "{a:?}");
    let id = a.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        a.json()["members"],
        json!([{"type":"subuser","id":bob,"login":"bob","default":true},{"type":"subuser","id":a.json()["members"][1]["id"],"login":"carol"}])
    );
    assert_eq!(a.json()["policies"][0]["name"], "readers");
    // v8's string arrays are accepted too.
    let a = cloud.post("/acme/roles", json!({"name":"v8","members":["carol"],"default_members":["carol"],"policies":["readers"]})).await;
    assert_eq!(a.json()["members"][0]["default"], true, "{a:?}");
    // An empty role keeps CloudAPI's quirk.
    let a = cloud.post("/acme/roles", json!({"name":"empty"})).await;
    let eid = a.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        String::from_utf8(a.raw).unwrap(),
        format!(
            r#"{{"name":"empty","id":"{eid}","members":[],"default_members":[],"policies":[]}}"#
        )
    );
    for (body, message) in [
        (
            json!({"name":"x","members":[{"login":"ghost"}]}),
            "member ghost does not exist",
        ),
        (
            json!({"name":"x","policies":[{"name":"nope"}]}),
            "policy nope does not exist",
        ),
        (json!({"name":"ops"}), "role ops already exists"),
    ] {
        assert_eq!(
            Cloud::error(
                &cloud.post("/acme/roles", body.clone()).await,
                409,
                "InvalidArgument"
            ),
            message,
            "{body}"
        );
    }
    assert_eq!(
        Cloud::error(
            &cloud.post("/acme/roles", json!({})).await,
            409,
            "MissingParameter"
        ),
        "Request is missing required parameters: name is required"
    );
    let list = cloud.get("/acme/roles").await;
    let names: Vec<&str> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["empty", "ops", "v8"]);
    let updated = cloud
        .post("/acme/roles/ops", json!({"name":"operators","members":[]}))
        .await;
    assert_eq!(
        (
            updated.json()["name"].as_str(),
            updated.json()["members"].clone()
        ),
        (Some("operators"), json!([])),
        "{updated:?}"
    );
    assert_eq!(
        cloud.get(&format!("/acme/roles/{id}")).await.json()["name"],
        "operators"
    );
    assert_eq!(
        Cloud::error(
            &cloud.delete("/acme/roles/operators").await,
            404,
            "ResourceNotFound"
        ),
        "operators does not exist"
    );
    assert_eq!(cloud.delete(&format!("/acme/roles/{id}")).await.status, 204);
    assert_eq!(cloud.get(&format!("/acme/roles/{id}")).await.status, 404);
}
