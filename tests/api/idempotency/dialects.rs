//! Every dialect: a create with a key, retried with the key, gets the first answer again
//! (marked `Idempotent-Replayed: true`) and makes one user; the key with another body is a
//! 422 in the dialect's error shape, and changes nothing.

use super::{KEY, count, has, replayed};
use crate::support::cloudapi::Cloud;
use crate::support::elements::Ce;
use crate::support::formsonfire::FofClient;
use crate::support::scim::{Scim, USER};
use crate::support::surecloud::Sc;
use crate::support::{Answer, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn surecloud_patches_run_once_per_key() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let send = |email: &str| {
        let body = json!({"users": [{"email": email, "role": "CONTRIBUTOR"}]});
        Answer::of(sc.request().header(KEY, "patch-1").json(&body))
    };
    let before = count(&app, &t.token).await;

    let first = send("ann@acme.test").await;
    assert_eq!(Sc::users(&first)[0]["email"], "ann@acme.test");
    replayed(&first, &send("ann@acme.test").await);
    assert_eq!(count(&app, &t.token).await, before + 1);

    let other = send("bob@acme.test").await;
    assert!(
        Sc::error(&other, 422).contains("Idempotency-Key"),
        "{other:?}"
    );
    assert!(!has(&app, &t.token, "bob@acme.test").await);
}

#[tokio::test]
async fn cloudapi_signed_creates_run_once_per_key() {
    let cloud = Cloud::new().await;
    let (app, t) = (&cloud.app, &cloud.tenant);
    // Each send is signed afresh, as a retrying client signs it: only the key repeats.
    let send = |login: &str| {
        let body = json!({"login": login, "email": format!("{login}@acme.test"), "password": "s3cret-Passw0rd"});
        let r = cloud.request(&cloud.owner, Method::POST, "/acme/users");
        Answer::of(r.header(KEY, "\"create ann\"").json(&body))
    };
    let before = count(app, &t.token).await;

    let first = send("ann").await;
    assert_eq!(first.status, 201, "{first:?}");
    let again = send("ann").await;
    replayed(&first, &again);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(count(app, &t.token).await, before + 1);

    let other = send("bob").await;
    Cloud::error(&other, 422, "UnprocessableEntity");
    assert!(!has(app, &t.token, "bob@acme.test").await);
}

#[tokio::test]
async fn cloud_elements_creates_run_once_per_key() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let send = |email: &str| {
        let body = json!({"email": email, "firstName": "A", "lastName": "N"});
        let r = app.http.post(app.url("/elements/api-v2/users"));
        ce.send(r.header(KEY, "ce-1").json(&body))
    };
    let before = count(&app, &t.token).await;

    let first = send("ann@acme.test").await;
    assert_eq!(first.status, 200, "{first:?}");
    replayed(&first, &send("ann@acme.test").await);
    assert_eq!(count(&app, &t.token).await, before + 1);

    let other = send("bob@acme.test").await;
    assert!(
        Ce::error(&other, 422).contains("Idempotency-Key"),
        "{other:?}"
    );
    assert!(!has(&app, &t.token, "bob@acme.test").await);
}

#[tokio::test]
async fn forms_on_fire_creates_run_once_per_key() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let fof = FofClient::new(&app, &t);
    let url = fof.url(
        "/user",
        &[
            ("format", "json"),
            ("CompanyId", &fof.company_id),
            ("IntegrationKey", &fof.key),
        ],
    );
    let send = |email: &str| {
        let body = json!({"FirstName": "A", "LastName": "N", "Email": email});
        Answer::of(app.http.post(&url).header(KEY, "fof-1").json(&body))
    };
    let before = count(&app, &t.token).await;

    let first = send("ann@acme.test").await;
    assert_eq!(first.status, 200, "{first:?}");
    replayed(&first, &send("ann@acme.test").await);
    assert_eq!(count(&app, &t.token).await, before + 1);

    let other = send("bob@acme.test").await;
    FofClient::error(&other, 422, "UnprocessableEntity");
    assert!(!has(&app, &t.token, "bob@acme.test").await);
}

fn scim_user(email: &str) -> Value {
    json!({
        "schemas": [USER],
        "userName": email,
        "name": {"givenName": "A", "familyName": "N"},
        "emails": [{"value": email, "primary": true}],
    })
}

#[tokio::test]
async fn scim_creates_run_once_per_key_with_their_location_and_etag() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let send = |email: &str| {
        let r = app
            .http
            .post(scim.url("/Users"))
            .header(KEY, "scim-1")
            .header("content-type", "application/scim+json")
            .body(scim_user(email).to_string());
        scim.send(r)
    };
    let before = count(&app, &t.token).await;

    let first = send("ann@acme.test").await;
    assert_eq!(first.status, 201, "{first:?}");
    let again = send("ann@acme.test").await;
    replayed(&first, &again);
    for h in ["location", "etag"] {
        assert!(!first.header(h).is_empty(), "{first:?}");
        assert_eq!(again.header(h), first.header(h));
    }
    assert_eq!(count(&app, &t.token).await, before + 1);

    let other = send("bob@acme.test").await;
    Scim::error(&other, 422);
    assert!(!has(&app, &t.token, "bob@acme.test").await);
}

/// A key that is no key is the dialect's 400; a read ignores the header.
#[tokio::test]
async fn malformed_keys_are_refused_and_reads_ignore_keys() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let body = json!({"users": [{"email": "ann@acme.test", "role": "CONTRIBUTOR"}]});
    for bad in ["\"open".to_owned(), "k".repeat(256)] {
        let a = Answer::of(sc.request().header(KEY, bad.as_str()).json(&body)).await;
        Sc::error(&a, 400);
    }
    let two = sc.request().header(KEY, "a").header(KEY, "b").json(&body);
    Sc::error(&Answer::of(two).await, 400);
    assert!(!has(&app, &t.token, "ann@acme.test").await);

    let scim = Scim::of(&app, &t).await;
    let read = |key: &'static str| scim.send(app.http.get(scim.url("/Users")).header(KEY, key));
    let (a, b) = (read("r").await, read("r").await);
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(b.header("idempotent-replayed"), "");
}
