//! PATCH as identity providers send it: Microsoft Entra ID's capitalised ops, string
//! booleans, path-less operations with dotted and URN keys, value paths that make what they
//! name, and Okta's full replacement by PUT.

use crate::support::scim::{ENTERPRISE, Scim, USER};
use crate::support::{TestApp, key_id};
use roster_proto::v1 as pb;
use serde_json::json;

#[tokio::test]
async fn entra_id_patches_as_it_does_in_the_wild() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let id = scim.user("ryan@acme.test", "Ryan", "Leenay").await;
    let path = format!("/Users/{id}");
    let a = scim
        .patch(
            &path,
            json!([
                { "op": "Replace", "path": "active", "value": "False" },
                { "op": "Add", "value": {
                    "name.givenName": "Ry",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Sales",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": "mgr-42",
                    "title": "Seller",
                } },
                { "op": "Add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "555-0100" },
                { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ryan.l@acme.test" },
                { "op": "Replace", "path": "displayName", "value": "Ryan L" },
            ]),
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    let u = a.json();
    assert_eq!(u["active"], false);
    assert_eq!(u["name"]["givenName"], "Ry");
    assert_eq!(u[ENTERPRISE]["department"], "Sales");
    assert_eq!(u[ENTERPRISE]["manager"]["value"], "mgr-42");
    assert_eq!(u["title"], "Seller");
    assert_eq!(u["displayName"], "Ryan L");
    assert_eq!(
        u["phoneNumbers"],
        json!([{ "type": "mobile", "value": "555-0100" }])
    );
    assert_eq!(u["emails"][0]["value"], "ryan.l@acme.test");
    // The core has it: a disabled user with the new email, and the same login.
    let g = app
        .users(&t.token)
        .get_user(pb::GetUserRequest { key: key_id(&id) })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(g.status, pb::UserStatus::Disabled as i32);
    assert_eq!(g.email, "ryan.l@acme.test");
    assert_eq!(g.login, "ryan@acme.test");
    assert_eq!(g.phone.as_deref(), Some("555-0100"));
    // Re-enabling, Entra-style.
    let a = scim
        .patch(
            &path,
            json!([{ "op": "replace", "value": { "active": "True" } }]),
        )
        .await;
    assert_eq!(a.json()["active"], true);
}

#[tokio::test]
async fn remove_clears_and_bad_operations_change_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let u = scim
        .create_user(json!({
            "schemas": [USER],
            "userName": "x@acme.test",
            "title": "T",
            "nickName": "N",
            "emails": [
                { "value": "x@acme.test", "type": "work", "primary": true },
                { "value": "x@home.test", "type": "home" },
            ],
        }))
        .await;
    let path = format!("/Users/{}", u["id"].as_str().unwrap());
    let a = scim
        .patch(
            &path,
            json!([
                { "op": "remove", "path": "title" },
                { "op": "remove", "path": "emails[type eq \"home\"]" },
            ]),
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    assert!(a.json().get("title").is_none());
    assert_eq!(a.json()["emails"].as_array().unwrap().len(), 1);
    let version = a.header("etag").to_owned();
    for (ops, kind, status) in [
        (json!([{ "op": "remove" }]), "noTarget", 400),
        (
            json!([{ "op": "replace", "path": "id", "value": "x" }]),
            "mutability",
            400,
        ),
        (
            json!([{ "op": "replace", "path": "groups", "value": [] }]),
            "mutability",
            400,
        ),
        (
            json!([{ "op": "replace", "path": "emails[type eq", "value": "x" }]),
            "invalidPath",
            400,
        ),
        (
            json!([{ "op": "copy", "path": "title", "value": "x" }]),
            "invalidSyntax",
            400,
        ),
        (
            json!([{ "op": "replace", "path": "emails[type gt \"a\"].display", "value": "x" },
                { "op": "replace", "path": "userName", "value": 5 }]),
            "invalidValue",
            400,
        ),
        (
            json!([{ "op": "replace", "path": "nickName", "value": "M" },
                { "op": "replace", "path": "active", "value": "perhaps" }]),
            "invalidValue",
            400,
        ),
    ] {
        let a = scim.patch(&path, ops.clone()).await;
        assert_eq!(Scim::error(&a, status), kind, "{ops}");
    }
    // All or nothing: the first operations of the refused requests changed nothing.
    let now = scim.get(&path).await;
    assert_eq!(now.header("etag"), version);
    assert_eq!(now.json()["nickName"], "N");
    let a = scim.patch(&path, json!([])).await;
    assert_eq!(Scim::error(&a, 400), "invalidSyntax");
}

#[tokio::test]
async fn okta_replaces_by_put_and_deactivates_with_active_false() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let created = scim
        .create_user(json!({
            "schemas": [USER],
            "userName": "okta.user@acme.test",
            "name": { "givenName": "Okta", "familyName": "User" },
            "emails": [{ "primary": true, "value": "okta.user@acme.test", "type": "work" }],
            "displayName": "Okta User",
            "locale": "en-US",
            "externalId": "00u1abcd",
            "groups": [],
            "password": "Secr3t-pass",
            "active": true,
        }))
        .await;
    let id = created["id"].as_str().unwrap();
    let mut body = created.clone();
    body["name"]["familyName"] = json!("Userson");
    body["active"] = json!(false);
    let a = scim.put(&format!("/Users/{id}"), body).await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.json()["name"]["familyName"], "Userson");
    assert_eq!(a.json()["active"], false);
    assert_eq!(a.json()["externalId"], "00u1abcd");
    assert_eq!(a.json()["meta"]["created"], created["meta"]["created"]);
}
