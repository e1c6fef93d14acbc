//! Groups are case-sensitive `//Parent/Child` paths, each processed on its own: an unknown or
//! malformed one is reported in patchErrorMessage while the user's other changes and valid
//! groups still apply.

use crate::support::TestApp;
use crate::support::records::{by_email, create_groups};
use crate::support::surecloud::Sc;
use serde_json::json;

#[tokio::test]
async fn bad_groups_are_reported_one_by_one_and_the_rest_applies() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    create_groups(&app, &t, &["//Risk Department/Risk Analysts", "//Audit"]).await;
    let sc = Sc::owner(&app, &t).await;
    let a = sc
        .patch(json!([{
            "email": "a@acme.test",
            "role": "CONTRIBUTOR",
            "jobTitle": "Analyst",
            "groups": [
                "//Risk Department/Risk Analysts",
                "//risk department/risk analysts",
                "//Nowhere/Nobody",
                "Audit",
                "//Audit"
            ]
        }]))
        .await;
    let u = &Sc::users(&a)[0];
    assert_eq!(
        u["groups"],
        json!(["//Risk Department/Risk Analysts", "//Audit"]),
        "in the order sent"
    );
    assert_eq!(u["jobTitle"], "Analyst");
    let message = u["patchErrorMessage"].as_str().unwrap();
    let parts: Vec<&str> = message.split("; ").collect();
    assert_eq!(parts.len(), 3, "{message}");
    assert!(message.contains("'Audit' is malformed"), "{message}");
    assert!(
        message.contains("Group '//risk department/risk analysts' not found"),
        "{message}"
    );
    assert!(
        message.contains("Group '//Nowhere/Nobody' not found"),
        "{message}"
    );
    let stored = by_email(&app, &t, "a@acme.test").await.unwrap();
    assert_eq!(stored.groups.len(), 2);
}

/// The group path rules are the core's (asked by `CheckGroupPaths`), so a name with a
/// trailing space, which the core refuses, is a note on the item and not its failure.
#[tokio::test]
async fn paths_the_core_finds_malformed_are_notes_and_the_rest_applies() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    create_groups(&app, &t, &["//Audit"]).await;
    let sc = Sc::owner(&app, &t).await;
    let a = sc
        .patch(json!([{
            "email": "a@acme.test",
            "role": "CONTRIBUTOR",
            "groups": ["//A /B", "//Audit", "// Lead"]
        }]))
        .await;
    let u = &Sc::users(&a)[0];
    assert_eq!(u["groups"], json!(["//Audit"]), "{u}");
    let message = u["patchErrorMessage"].as_str().unwrap();
    assert!(message.contains("Group '//A /B' is malformed"), "{message}");
    assert!(
        message.contains("Group '// Lead' is malformed"),
        "{message}"
    );
    let stored = by_email(&app, &t, "a@acme.test").await.unwrap();
    assert_eq!(stored.groups.len(), 1);
}

#[tokio::test]
async fn groups_given_replace_the_users_groups_and_groups_left_out_stay() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    create_groups(&app, &t, &["//A", "//B"]).await;
    let sc = Sc::owner(&app, &t).await;
    sc.patch_ok(json!([{"email": "a@acme.test", "role": "CONTRIBUTOR", "groups": ["//A"]}]))
        .await;
    let u = sc
        .patch_ok(json!([{"email": "a@acme.test", "name": "A"}]))
        .await;
    assert_eq!(u[0]["groups"], json!(["//A"]));
    let u = sc
        .patch_ok(json!([{"email": "a@acme.test", "groups": ["//B"]}]))
        .await;
    assert_eq!(u[0]["groups"], json!(["//B"]));
    let u = sc
        .patch_ok(json!([{"email": "a@acme.test", "groups": []}]))
        .await;
    assert_eq!(u[0]["groups"], json!([]));
}
