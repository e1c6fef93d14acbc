//! Filters (RFC 7644 §3.4.2.2): a table of queries and the exact users each returns, with
//! the schema's case rules, sorting, and `invalidFilter` for what cannot be asked.

use crate::support::TestApp;
use crate::support::scim::{ENTERPRISE, GROUP, SEARCH, Scim, USER};
use serde_json::json;

async fn people(scim: &Scim<'_>) {
    for (user_name, given, family, title, active, dept) in [
        ("ann@acme.test", "Ann", "Archer", "Engineer", true, "R&D"),
        ("bob@acme.test", "Bob", "Baker", "Designer", false, "Design"),
        (
            "cy@other.test",
            "Cy",
            "Cole",
            "engineering lead",
            true,
            "R&D",
        ),
        ("dee@acme.test", "Dee", "de Vries", "", true, ""),
    ] {
        let mut body = json!({
            "schemas": [USER, ENTERPRISE],
            "userName": user_name,
            "externalId": format!("ext-{given}"),
            "name": { "givenName": given, "familyName": family },
            "emails": [{ "value": user_name, "type": "work", "primary": true }],
            "active": active,
            "nickName": given.to_lowercase(),
        });
        if !title.is_empty() {
            body["title"] = json!(title);
        }
        if !dept.is_empty() {
            body[ENTERPRISE] = json!({ "department": dept });
        }
        scim.create_user(body).await;
    }
}

#[tokio::test]
async fn each_filter_returns_exactly_its_users() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    people(&scim).await;
    let ann = "ann@acme.test";
    let bob = "bob@acme.test";
    let cy = "cy@other.test";
    let dee = "dee@acme.test";
    let table: &[(&str, &[&str])] = &[
        ("userName eq \"ann@acme.test\"", &[ann]),
        // userName has caseExact false.
        ("USERNAME EQ \"ANN@ACME.TEST\"", &[ann]),
        (
            "userName ne \"ann@acme.test\" and userName ew \"acme.test\"",
            &[bob, dee],
        ),
        ("userName sw \"b\"", &[bob]),
        ("userName co \"other\"", &[cy]),
        (
            "emails co \"@acme\" and not (userName eq \"acme\")",
            &[ann, bob, dee],
        ),
        ("emails[value ew \".test\" and value sw \"c\"]", &[cy]),
        ("emails.value eq \"dee@acme.test\"", &[dee]),
        ("name.familyName sw \"de \"", &[dee]),
        (
            "name.givenName eq \"ann\" or name.givenName eq \"BOB\"",
            &[ann, bob],
        ),
        ("title pr", &[ann, bob, cy]),
        ("not (title pr) and nickName pr", &[dee]),
        ("title co \"engineer\"", &[ann, cy]),
        ("active eq true and title pr", &[ann, cy]),
        ("active eq false", &[bob]),
        ("externalId eq \"ext-Cy\"", &[cy]),
        // externalId has caseExact true.
        ("externalId eq \"EXT-CY\"", &[]),
        ("nickName eq \"dee\"", &[dee]),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"R&D\"",
            &[ann, cy],
        ),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"bob@acme.test\"",
            &[bob],
        ),
        (
            "(userName eq \"ann@acme.test\" or userName eq \"bob@acme.test\") and active eq true",
            &[ann],
        ),
        (
            "meta.created gt \"2000-01-01T00:00:00Z\" and name.givenName pr",
            &[ann, bob, cy, dee],
        ),
        ("meta.lastModified lt \"2000-01-01T00:00:00Z\"", &[]),
        // Microsoft Entra ID's probe: a random userName is an empty list, not a 404.
        ("userName eq \"7f3f6d28-1d2c-4f5e-9d7f-probe\"", &[]),
    ];
    for (filter, want) in table {
        let a = scim
            .get_query("/Users", &[("filter", filter), ("sortBy", "userName")])
            .await;
        let mut want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
        want.sort();
        assert_eq!(Scim::user_names(&a), want, "{filter}");
        assert_eq!(a.json()["totalResults"], want.len(), "{filter}");
    }
}

#[tokio::test]
async fn malformed_and_unsupported_filters_are_invalid_filter_saying_where() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    for filter in [
        "userName eq",
        "userName xx \"a\"",
        "(userName eq \"a\"",
        "userName eq \"a\" and",
        "ims.value eq \"x\"",
        "emails[type eq \"work\"]",
        "active eq \"yes\"",
        "meta.created gt \"yesterday\"",
    ] {
        let a = scim.get_query("/Users", &[("filter", filter)]).await;
        assert_eq!(Scim::error(&a, 400), "invalidFilter", "{filter}");
    }
}

#[tokio::test]
async fn sorting_orders_by_the_attribute_both_ways() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    people(&scim).await;
    let names = |a: &crate::support::Answer| -> Vec<String> {
        Scim::resources(a)
            .iter()
            .map(|u| u["name"]["familyName"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let f = [("filter", "name.familyName pr")];
    let a = scim
        .get_query("/Users", &[f[0], ("sortBy", "name.familyName")])
        .await;
    assert_eq!(names(&a), ["Archer", "Baker", "Cole", "de Vries"]);
    let a = scim
        .get_query(
            "/Users",
            &[
                f[0],
                ("sortBy", "name.familyName"),
                ("sortOrder", "descending"),
            ],
        )
        .await;
    assert_eq!(names(&a), ["de Vries", "Cole", "Baker", "Archer"]);
    let a = scim.get_query("/Users", &[("sortBy", "nickName")]).await;
    assert_eq!(Scim::error(&a, 400), "invalidValue");
}

#[tokio::test]
async fn searches_by_post_take_the_same_query() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    people(&scim).await;
    scim.group("R&D people", &[]).await;
    let a = scim
        .post(
            "/Users/.search",
            json!({ "schemas": [SEARCH], "filter": "title co \"engineer\"", "sortBy": "userName",
                    "attributes": ["userName"], "startIndex": 1, "count": 10 }),
        )
        .await;
    assert_eq!(Scim::user_names(&a), ["ann@acme.test", "cy@other.test"]);
    assert!(Scim::resources(&a)[0].get("name").is_none());
    // The root search spans users and groups.
    let a = scim
        .post(
            "/.search",
            json!({ "schemas": [SEARCH], "filter": "displayName sw \"R&D\"" }),
        )
        .await;
    let found = Scim::resources(&a);
    assert_eq!(found.len(), 1, "{a:?}");
    assert_eq!(found[0]["schemas"], json!([GROUP]));
    let a = scim
        .post("/Users/.search", json!({ "filter": "userName pr" }))
        .await;
    assert_eq!(Scim::error(&a, 400), "invalidSyntax");
}
