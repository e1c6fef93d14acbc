//! Discovery: what `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` say, in SCIM's
//! envelopes, and SCIM's answers for paths and methods that do not exist.

use crate::support::TestApp;
use crate::support::scim::{ENTERPRISE, GROUP, LIST, Scim, USER};
use serde_json::json;

#[tokio::test]
async fn the_service_provider_config_advertises_what_is_served() {
    let app = TestApp::spawn_with(|s| s.scim_bulk_max_operations = 7).await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let a = scim.get("/ServiceProviderConfig").await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.header("content-type"), "application/scim+json");
    let c = a.json();
    for feature in ["patch", "bulk", "filter", "changePassword", "sort", "etag"] {
        assert_eq!(c[feature]["supported"], true, "{feature}");
    }
    assert_eq!(c["bulk"]["maxOperations"], 7);
    assert_eq!(c["bulk"]["maxPayloadSize"], 1_048_576);
    assert_eq!(c["pagination"]["cursor"], true);
    assert_eq!(c["pagination"]["index"], true);
    assert_eq!(c["authenticationSchemes"][0]["type"], "oauthbearertoken");
    assert!(
        c["meta"]["location"]
            .as_str()
            .unwrap()
            .ends_with("/scim/v2/ServiceProviderConfig")
    );
    // What it advertises is enforced.
    let ops: Vec<_> = (0..8)
        .map(|i| json!({ "method": "DELETE", "path": format!("/Users/{i}") }))
        .collect();
    let a = scim
        .post(
            "/Bulk",
            json!({ "schemas": [crate::support::scim::BULK], "Operations": ops }),
        )
        .await;
    Scim::error(&a, 413);
}

#[tokio::test]
async fn resource_types_and_schemas_are_list_responses_that_describe_every_attribute() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let a = scim.get("/ResourceTypes").await;
    let types = Scim::resources(&a);
    assert_eq!(a.json()["totalResults"], 2);
    let user = types.iter().find(|r| r["name"] == "User").expect("User");
    assert_eq!(user["endpoint"], "/Users");
    assert_eq!(user["schema"], USER);
    assert_eq!(
        user["schemaExtensions"],
        json!([{ "schema": ENTERPRISE, "required": false }])
    );
    let one = scim.get("/ResourceTypes/Group").await;
    assert_eq!(one.json()["schema"], GROUP);

    let a = scim.get("/Schemas").await;
    assert_eq!(a.json()["schemas"], json!([LIST]));
    let schemas = Scim::resources(&a);
    let ids: Vec<&str> = schemas.iter().map(|s| s["id"].as_str().unwrap()).collect();
    for urn in [USER, ENTERPRISE, GROUP] {
        assert!(ids.contains(&urn), "{urn} in {ids:?}");
    }
    let user = scim.get(&format!("/Schemas/{USER}")).await;
    assert_eq!(user.status, 200, "{user:?}");
    let attrs = user.json()["attributes"].as_array().unwrap().clone();
    let attr = |n: &str| {
        attrs
            .iter()
            .find(|a| a["name"] == n)
            .unwrap_or_else(|| panic!("{n}"))
            .clone()
    };
    let user_name = attr("userName");
    assert_eq!(user_name["uniqueness"], "server");
    assert_eq!(user_name["caseExact"], false);
    assert_eq!(user_name["required"], true);
    assert_eq!(attr("password")["returned"], "never");
    assert_eq!(attr("password")["mutability"], "writeOnly");
    assert_eq!(attr("groups")["mutability"], "readOnly");
    // Every attribute spells out every characteristic, and no value is null.
    for a in &attrs {
        for key in [
            "type",
            "multiValued",
            "required",
            "caseExact",
            "mutability",
            "returned",
            "uniqueness",
        ] {
            assert!(!a[key].is_null(), "{key} of {}", a["name"]);
        }
    }
    assert!(!user.text().contains("null"));
    Scim::error(&scim.get("/Schemas/urn:nope").await, 404);
}

#[tokio::test]
async fn filtered_discovery_unknown_paths_and_methods_answer_in_scim_shape() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    Scim::error(
        &scim.get_query("/Schemas", &[("filter", "id pr")]).await,
        403,
    );
    Scim::error(&scim.get("/Nope").await, 404);
    Scim::error(&scim.delete("/Users").await, 405);
    Scim::error(&scim.get("/Me").await, 501);
    let a = scim
        .send(
            app.http
                .post(scim.url("/Users"))
                .header("content-type", "application/scim+json")
                .body("{not json"),
        )
        .await;
    assert_eq!(Scim::error(&a, 400), "invalidSyntax");
    let a = scim
        .send(
            app.http
                .post(scim.url("/Users"))
                .header("content-type", "text/plain")
                .body("{}"),
        )
        .await;
    Scim::error(&a, 415);
}
