//! Groups over SCIM: members added and removed one at a time (as Entra ID does) or all at
//! once, renames, filters on groups, and how they read through gRPC.

use crate::support::TestApp;
use crate::support::scim::{GROUP, Scim};
use roster_proto::v1 as pb;
use serde_json::{Value, json};

fn member_ids(g: &Value) -> Vec<String> {
    let mut ids: Vec<String> = g["members"]
        .as_array()
        .map(|m| {
            m.iter()
                .map(|m| m["value"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| (*s).clone()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn a_group_is_made_with_members_and_reads_back_with_them() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("acme").await;
    let scim = Scim::of(&app, &tenant).await;
    let ann = scim.user("a@acme.test", "A", "A").await;
    let bob = scim.user("b@acme.test", "B", "B").await;
    let r = scim
        .post(
            "/Groups",
            json!({ "schemas": [GROUP], "displayName": "Sales", "externalId": "g-ext",
                    "members": [{ "value": ann, "type": "User" }, { "value": bob }] }),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let g = r.json().clone();
    let id = g["id"].as_str().unwrap().to_owned();
    assert_eq!(g["displayName"], "Sales");
    assert_eq!(g["externalId"], "g-ext");
    assert_eq!(member_ids(&g), sorted(&[&ann, &bob]));
    assert_eq!(r.header("etag"), g["meta"]["version"].as_str().unwrap());
    assert!(r.header("location").ends_with(&format!("/Groups/{id}")));
    let m = &g["members"].as_array().unwrap()[0];
    assert!(m["$ref"].as_str().unwrap().contains("/scim/v2/Users/"));
    assert_eq!(m["type"], "User");
    // The group is Roster's `//Sales`, and the users show it.
    let rg = app
        .groups(&tenant.token)
        .get_group(pb::GetGroupRequest {
            key: Some(pb::get_group_request::Key::Id(id.clone())),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((rg.path.as_str(), rg.member_count), ("//Sales", 2));
    let u = scim.get(&format!("/Users/{ann}")).await;
    assert_eq!(u.json()["groups"][0]["value"], id.as_str());
    assert_eq!(u.json()["groups"][0]["display"], "Sales");
    // Excluding members leaves them out.
    let r = scim
        .get_query(
            &format!("/Groups/{id}"),
            &[("excludedAttributes", "members")],
        )
        .await;
    assert!(r.json().get("members").is_none());
}

#[tokio::test]
async fn members_change_one_at_a_time_in_every_style_without_the_whole_list() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(
            scim.user(&format!("m{i}@acme.test"), "M", &i.to_string())
                .await,
        );
    }
    let gid = scim.group("Team", &[&ids[0]]).await;
    let path = format!("/Groups/{gid}");
    let members = || async { member_ids(scim.get(&path).await.json()) };
    // Entra ID: one add per operation, `Add` capitalised; a PATCH answers 204.
    for id in &ids[1..3] {
        let r = scim
            .patch(
                &path,
                json!([{ "op": "Add", "path": "members", "value": [{ "value": id }] }]),
            )
            .await;
        assert_eq!(r.status, 204, "{r:?}");
    }
    assert_eq!(members().await, sorted(&[&ids[0], &ids[1], &ids[2]]));
    // Adding a member twice is no change.
    scim.patch(
        &path,
        json!([{ "op": "add", "path": "members", "value": [{ "value": ids[1] }] }]),
    )
    .await;
    assert_eq!(members().await.len(), 3);
    // Entra ID's value-style remove, and the RFC's filter style.
    scim.patch(
        &path,
        json!([{ "op": "Remove", "path": "members", "value": [{ "value": ids[0] }] }]),
    )
    .await;
    scim.patch(
        &path,
        json!([{ "op": "remove", "path": format!("members[value eq \"{}\"]", ids[1]) }]),
    )
    .await;
    assert_eq!(members().await, vec![ids[2].clone()]);
    // Replace the list, then a path-less replace with a new name.
    scim.patch(&path, json!([{ "op": "replace", "path": "members", "value": [{ "value": ids[3] }, { "value": ids[0] }] }]))
        .await;
    assert_eq!(members().await, sorted(&[&ids[0], &ids[3]]));
    let r = scim
        .send(
            app.http
                .patch(scim.url(&format!("{path}?attributes=displayName")))
                .header("content-type", "application/scim+json")
                .body(
                    json!({ "schemas": [crate::support::scim::PATCH_OP], "Operations": [
                    { "op": "replace", "value": { "displayName": "Team Two", "externalId": "t2" } }
                ] })
                    .to_string(),
                ),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["displayName"], "Team Two");
    assert!(r.json().get("members").is_none());
    // Removing every member.
    scim.patch(&path, json!([{ "op": "remove", "path": "members" }]))
        .await;
    assert!(members().await.is_empty());
    // An unknown member changes nothing.
    scim.patch(
        &path,
        json!([{ "op": "add", "path": "members", "value": [{ "value": ids[1] }] }]),
    )
    .await;
    let r = scim
        .patch(&path, json!([
            { "op": "add", "path": "members", "value": [{ "value": ids[2] }] },
            { "op": "add", "path": "members", "value": [{ "value": "7c1d8f8a-0000-4000-8000-000000000000" }] },
        ]))
        .await;
    assert_eq!(Scim::error(&r, 400), "invalidValue");
    assert_eq!(members().await, vec![ids[1].clone()]);
}

#[tokio::test]
async fn put_replaces_name_and_members_and_delete_removes_the_group() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("acme").await;
    let scim = Scim::of(&app, &tenant).await;
    let ann = scim.user("a@acme.test", "A", "A").await;
    let bob = scim.user("b@acme.test", "B", "B").await;
    let gid = scim.group("Old", &[&ann]).await;
    let r = scim
        .put(
            &format!("/Groups/{gid}"),
            json!({ "schemas": [GROUP], "displayName": "New", "members": [{ "value": bob }] }),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["displayName"], "New");
    assert_eq!(member_ids(r.json()), vec![bob.clone()]);
    assert_eq!(scim.delete(&format!("/Groups/{gid}")).await.status, 204);
    Scim::error(&scim.get(&format!("/Groups/{gid}")).await, 404);
    let u = scim.get(&format!("/Users/{bob}")).await;
    assert!(u.json().get("groups").is_none());
}

#[tokio::test]
async fn groups_filter_by_name_external_id_and_member() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let a = scim.user("a@acme.test", "A", "A").await;
    scim.group("Sales", &[&a]).await;
    scim.group("Sales Ops", &[]).await;
    scim.group("Engineering", &[&a]).await;
    let names = |r: &crate::support::Answer| -> Vec<String> {
        let mut v: Vec<String> = Scim::resources(r)
            .iter()
            .map(|g| g["displayName"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    for (filter, want) in [
        ("displayName eq \"sales\"", vec!["Sales"]),
        ("displayName sw \"Sales\"", vec!["Sales", "Sales Ops"]),
        (
            &*format!("members[value eq \"{a}\"]"),
            vec!["Engineering", "Sales"],
        ),
        (
            &*format!("members.value eq \"{a}\" and displayName co \"ing\""),
            vec!["Engineering"],
        ),
        ("displayName eq \"nobody\"", vec![]),
    ] {
        let r = scim.get_query("/Groups", &[("filter", filter)]).await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(names(&r), want, "{filter}");
        assert_eq!(r.json()["totalResults"], want.len());
    }
    let r = scim
        .get_query("/Groups", &[("filter", "displayName eq")])
        .await;
    assert_eq!(Scim::error(&r, 400), "invalidFilter");
    // A group as a member is refused: Roster's groups nest as a tree.
    let gid = scim.group("Parent", &[]).await;
    let r = scim
        .post(
            "/Groups",
            json!({ "displayName": "X", "members": [{ "value": gid, "type": "Group" }] }),
        )
        .await;
    assert_eq!(Scim::error(&r, 400), "invalidValue");
    let r = scim.post("/Groups", json!({ "displayName": "a/b" })).await;
    assert_eq!(Scim::error(&r, 400), "invalidValue");
}
