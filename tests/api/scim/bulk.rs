//! `/Bulk`: operations that refer to each other by `bulkId`, `failOnErrors`, and the limits
//! the service provider config advertises.

use crate::support::TestApp;
use crate::support::scim::{BULK, GROUP, Scim, USER};
use serde_json::{Value, json};

fn bulk(ops: &Value, fail_on_errors: Option<u64>) -> Value {
    let mut body = json!({ "schemas": [BULK], "Operations": ops });
    if let Some(n) = fail_on_errors {
        body["failOnErrors"] = json!(n);
    }
    body
}

#[tokio::test]
async fn operations_refer_to_what_earlier_ones_made_in_any_order() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let a = scim
        .post(
            "/Bulk",
            bulk(
                &json!([
                    // The group names a user made by a later operation.
                    { "method": "POST", "path": "/Groups", "bulkId": "g1",
                      "data": { "schemas": [GROUP], "displayName": "Tour Guides",
                                "members": [{ "type": "User", "value": "bulkId:u1" }] } },
                    { "method": "POST", "path": "/Users", "bulkId": "u1",
                      "data": { "schemas": [USER], "userName": "alice@acme.test" } },
                    { "method": "PATCH", "path": "/Users/bulkId:u1",
                      "data": { "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                "Operations": [{ "op": "replace", "path": "title", "value": "Guide" }] } },
                ]),
                None,
            ),
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(
        a.json()["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:BulkResponse"])
    );
    let ops = a.json()["Operations"].as_array().unwrap().clone();
    assert_eq!(ops.len(), 3);
    assert_eq!(ops[0]["status"], "201", "{ops:?}");
    assert_eq!(ops[1]["status"], "201");
    assert_eq!(ops[2]["status"], "200");
    assert_eq!(ops[0]["bulkId"], "g1");
    let user_location = ops[1]["location"].as_str().unwrap();
    let user_id = user_location.rsplit('/').next().unwrap();
    assert!(ops[1]["version"].as_str().unwrap().starts_with("W/"));
    let g = scim
        .get(&format!(
            "/Groups/{}",
            ops[0]["location"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
        ))
        .await;
    assert_eq!(g.json()["members"][0]["value"], user_id);
    let u = scim.get(&format!("/Users/{user_id}")).await;
    assert_eq!(u.json()["title"], "Guide");
}

#[tokio::test]
async fn fail_on_errors_stops_after_that_many_failures_and_each_operation_stands_alone() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    scim.user("taken@acme.test", "T", "T").await;
    let op = |id: &str, name: &str| {
        json!({ "method": "POST", "path": "/Users", "bulkId": id,
                "data": { "schemas": [USER], "userName": name } })
    };
    // A user the core refuses: its active flag is no boolean.
    let bad = |id: &str| {
        json!({ "method": "POST", "path": "/Users", "bulkId": id,
                "data": { "schemas": [USER], "userName": format!("{id}@acme.test"), "active": "maybe" } })
    };
    let a = scim
        .post(
            "/Bulk",
            bulk(
                &json!([
                    op("a", "ok1@acme.test"),
                    op("b", "taken@acme.test"),
                    bad("c"),
                    op("d", "ok2@acme.test"),
                ]),
                Some(2),
            ),
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    let ops = a.json()["Operations"].as_array().unwrap().clone();
    assert_eq!(ops.len(), 3, "the fourth is never run: {ops:?}");
    assert_eq!(ops[0]["status"], "201");
    assert_eq!(ops[1]["status"], "409");
    assert_eq!(ops[1]["response"]["scimType"], "uniqueness");
    assert_eq!(
        ops[1]["response"]["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:Error"
    );
    assert_eq!(ops[2]["status"], "400");
    let names = Scim::user_names(&scim.get_query("/Users", &[("sortBy", "userName")]).await);
    assert_eq!(names, ["acme", "ok1@acme.test", "taken@acme.test"]);
    // A reference to an operation that failed fails too.
    let a = scim
        .post(
            "/Bulk",
            bulk(
                &json!([
                    bad("x"),
                    { "method": "POST", "path": "/Groups", "bulkId": "gx",
                      "data": { "displayName": "X", "members": [{ "value": "bulkId:x" }] } },
                    { "method": "DELETE", "path": "/Users/bulkId:nobody" },
                ]),
                None,
            ),
        )
        .await;
    let ops = a.json()["Operations"].as_array().unwrap().clone();
    assert_eq!(ops[0]["status"], "400");
    assert_eq!(ops[1]["status"], "409");
    assert_eq!(ops[2]["status"], "409");
    assert!(
        Scim::resources(
            &scim
                .get_query("/Groups", &[("filter", "displayName eq \"X\"")])
                .await
        )
        .is_empty()
    );
}

#[tokio::test]
async fn requests_over_the_advertised_limits_are_413() {
    let app = TestApp::spawn_with(|s| {
        s.scim_bulk_max_operations = 3;
        s.scim_max_body_bytes = 4096;
    })
    .await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let ops: Vec<Value> = (0..4)
        .map(|i| json!({ "method": "DELETE", "path": format!("/Users/{i}") }))
        .collect();
    Scim::error(&scim.post("/Bulk", bulk(&json!(ops), None)).await, 413);
    let big = "x".repeat(5000);
    let a = scim
        .post(
            "/Bulk",
            bulk(
                &json!([{ "method": "POST", "path": "/Users", "bulkId": "a",
            "data": { "userName": "a@acme.test", "nickName": big } }]),
                None,
            ),
        )
        .await;
    Scim::error(&a, 413);
    let a = scim
        .post(
            "/Users",
            json!({ "userName": "b@acme.test", "nickName": "x".repeat(5000) }),
        )
        .await;
    Scim::error(&a, 413);
    assert_eq!(scim.get("/Users").await.json()["totalResults"], 1);
}
