//! The vendor's own example (SureCloud's "Creating and Updating User Accounts" page): its curl
//! request, headers and body as the page prints them, gets the page's example result: a 200
//! with an array of user models with the same keys, in the same order, and the same values.

use crate::support::Answer;
use crate::support::TestApp;
use crate::support::surecloud::Sc;
use serde_json::json;

/// The page's body, as printed. Its trailing ` \` are the shell's line continuations; see the
/// second half of the test for what a shell really sends with them inside single quotes.
const PRINTED: &str = "{ \\\n\"users\": [ \\\n{ \\\n\"email\": \"johndoe@example.com\",\n\"enabled\": true,\n\"name\": \"John Doe\",\n\"jobTitle\": \"Analyst\",\n\"groups\":[\"//Risk Department/Risk Analysts\"],\n\"role\": \"CONTRIBUTOR\" } \\\n] \\\n}";

fn example_request(sc: &Sc<'_>, body: String) -> reqwest::RequestBuilder {
    sc.app
        .http
        .patch(sc.app.url("/restful/v1/user"))
        .header("Content-Type", "application/json")
        .header("Authorization", format!("Bearer {}", sc.token))
        .header("Accept", "application/json")
        .body(body)
}

#[tokio::test]
async fn the_pages_example_request_gets_the_pages_example_result() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    crate::support::records::create_groups(&app, &t, &["//Risk Department/Risk Analysts"]).await;
    let sc = Sc::owner(&app, &t).await;

    // The body without the continuation marks, which is what the page's author meant.
    let meant = PRINTED.replace(" \\\n", "\n");
    let a = Answer::of(example_request(&sc, meant)).await;
    let users = Sc::users(&a);
    let result = json!([{
        "name": "John Doe",
        "email": "johndoe@example.com",
        "enabled": true,
        "jobTitle": "Analyst",
        "role": "CONTRIBUTOR",
        "personType": "INTERNAL",
        "groups": ["//Risk Department/Risk Analysts"]
    }]);
    let want = result[0].as_object().unwrap();
    let got = users[0].as_object().unwrap();
    for (k, v) in want {
        assert_eq!(&got[k], v, "{k}");
    }
    let id = got["userID"].as_str().unwrap_or_default();
    assert!(uuid::Uuid::try_parse(id).is_ok(), "{got:?}");
    // The page's keys in the page's order; Roster adds the new user's `userID` first.
    let order = [
        "userID",
        "name",
        "email",
        "enabled",
        "jobTitle",
        "role",
        "personType",
        "groups",
    ];
    assert_eq!(got.len(), order.len(), "{got:?}");
    let text = String::from_utf8(a.raw.clone()).unwrap();
    let positions: Vec<Option<usize>> = order
        .iter()
        .map(|k| text.find(&format!("\"{k}\"")))
        .collect();
    assert!(
        positions.iter().all(Option::is_some) && positions.windows(2).all(|w| w[0] < w[1]),
        "order: {text}"
    );

    // A shell sends the marks themselves (backslash-newline is literal inside single
    // quotes): that is not JSON, and the answer is SureCloud's 400.
    let literal = Answer::of(example_request(&sc, PRINTED.to_owned())).await;
    let m = Sc::error(&literal, 400);
    assert!(m.contains("JSON"), "{m}");
}
