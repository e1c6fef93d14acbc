//! Only organization administrators get in; every other credential is a 401 in the
//! vendor's error shape.

use crate::support::TestApp;
use crate::support::elements::Ce;
use serde_json::json;

#[tokio::test]
async fn the_owner_and_org_admins_get_in_everyone_else_gets_a_401() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("other").await;
    let owner = Ce::owner(&app, &t);
    assert_eq!(owner.get("/users").await.status, 200);

    let plain = owner.create("plain@acme.test", "Pla", "In").await;
    let boss = owner
        .post(
            "/users",
            json!({"email":"boss@acme.test","firstName":"Bo","lastName":"Ss","roles":[{"key":"org-admin"}]}),
        )
        .await;
    assert_eq!(boss.status, 200, "{boss:?}");
    let boss_secret = boss.json()["secret"].as_str().unwrap();
    let as_boss = Ce::with(&app, boss_secret, &t.organization_secret);
    assert_eq!(as_boss.get("/users").await.status, 200);
    // The header's words and order do not matter.
    let mixed = Ce {
        app: &app,
        authorization: format!("organization {}, USER {boss_secret}", t.organization_secret),
    };
    assert_eq!(mixed.get("/users").await.status, 200);

    let plain_secret = plain["secret"].as_str().unwrap();
    for (what, ce) in [
        (
            "a user who is no org-admin",
            Ce::with(&app, plain_secret, &t.organization_secret),
        ),
        (
            "a wrong user secret",
            Ce::with(&app, "nope", &t.organization_secret),
        ),
        (
            "a wrong organization secret",
            Ce::with(&app, &t.admin_secret, "nope"),
        ),
        (
            "another organization's secret",
            Ce::with(&app, &t.admin_secret, &other.organization_secret),
        ),
        (
            "no organization",
            Ce {
                app: &app,
                authorization: format!("User {}", t.admin_secret),
            },
        ),
        (
            "another scheme",
            Ce {
                app: &app,
                authorization: "Bearer x".to_owned(),
            },
        ),
    ] {
        let a = ce.get("/users").await;
        assert!(!Ce::error(&a, 401).is_empty(), "{what}");
    }
}

#[tokio::test]
async fn paths_under_the_prefix_get_cloud_elements_errors_never_cloudapis() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    for path in ["/nope", "/users/1/nope/deeper", ""] {
        let a = ce.get(path).await;
        assert!(Ce::error(&a, 404).contains("No resource"), "{path}: {a:?}");
    }
    let a = ce.put("/users").await;
    assert!(!Ce::error(&a, 405).is_empty());
    let a = ce
        .send(
            app.http
                .post(app.url("/elements/api-v2/users"))
                .header("content-type", "text/plain")
                .body("x"),
        )
        .await;
    assert!(!Ce::error(&a, 415).is_empty());
    let a = ce
        .send(
            app.http
                .post(app.url("/elements/api-v2/users"))
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert!(Ce::error(&a, 400).contains("Invalid JSON"));
}
