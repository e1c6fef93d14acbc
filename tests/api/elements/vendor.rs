//! The vendor's own examples (the Cloud Elements "base accounts" users page), sent as the page
//! shows them: the answers have the keys and value formats of the page's example responses.
//! Also what the page says of deactivation, `roles`, `lastLoginDate` and role assignment.

use crate::support::TestApp;
use crate::support::elements::Ce;
use serde_json::{Value, json};

/// `YYYY-MM-DD`.
fn is_day(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 10
            && s.char_indices().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            })
    })
}

/// The keys and value formats of the page's example user (`GET /users/3833` with the
/// password), plus `roles`, which the field table lists for every answer.
#[track_caller]
fn looks_like_the_vendors_user(u: &Value) {
    let o = u.as_object().expect("a user object");
    assert!(o["id"].is_i64(), "{u}");
    assert!(
        is_day(&o["createdDate"]) && is_day(&o["lastLoginDate"]),
        "{u}"
    );
    assert!(o["email"].is_string(), "{u}");
    // Strings; null only for a user without names (the tenant's owner here).
    for key in ["firstName", "lastName", "fullName"] {
        assert!(o[key].is_string() || o[key].is_null(), "{key}: {u}");
    }
    for key in [
        "active",
        "accountExpired",
        "accountLocked",
        "credentialsExpired",
        "emailValid",
        "accountNonExpired",
        "credentialsNonExpired",
        "accountNonLocked",
        "enabled",
    ] {
        assert!(o[key].is_boolean(), "{key}: {u}");
    }
    let roles = o["roles"].as_array().expect("roles");
    for r in roles {
        assert!(
            r["id"].is_i64() && r["key"].is_string() && r["name"].is_string(),
            "{r}"
        );
        assert!(r["active"].is_boolean() && r["features"].is_array(), "{r}");
    }
}

#[tokio::test]
async fn the_pages_patch_example_sent_byte_for_byte_answers_the_pages_shape() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let id = ce.create_id("neta@acme.test", "Neta", "Alfaro").await;
    // The page's request, its body exactly as written there (it sends an empty email, and the
    // role as a top-level `key`).
    let body = "{\n\"firstName\": \"First\",\n\"lastName\": \"Last\",\n\"email\": \"\",\n\"password\": \"password\",\n\"key\": \"admin\"\n}";
    let a = ce
        .send(
            app.http
                .patch(app.url(&format!("/elements/api-v2/users/{id}")))
                .header("content-type", "application/json")
                .body(body),
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    let u = a.json();
    looks_like_the_vendors_user(u);
    assert_eq!(u["fullName"], "First Last");
    assert_eq!(u["email"], "neta@acme.test", "an empty email leaves it");
    assert!(
        u["secret"].as_str().is_some_and(|s| !s.is_empty()),
        "the example response answers the secret: {u}"
    );
    let keys: Vec<&str> = u["roles"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["key"].as_str())
        .collect();
    assert_eq!(keys, ["admin"], "the top-level key assigns the role");

    // The page's GET, with the password: the example's keys, and the same secret.
    let read = ce
        .send(
            app.http
                .get(app.url(&format!("/elements/api-v2/users/{id}")))
                .header("Content-Type", "application/json")
                .header("Elements-User-Password", "password"),
        )
        .await;
    assert_eq!(read.status, 200, "{read:?}");
    looks_like_the_vendors_user(read.json());
    assert_eq!(read.json()["secret"], u["secret"]);

    // The page's list: a bare array of users in the same shape, `password` the placeholder.
    let list = ce.get("/users").await;
    assert_eq!(list.status, 200);
    for u in list.json().as_array().unwrap() {
        looks_like_the_vendors_user(u);
        assert_eq!(u["password"], "secured");
    }
}

#[tokio::test]
async fn roles_are_assigned_in_every_shape_the_page_shows_and_refused_in_any_other() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let id = ce.create_id("ann@acme.test", "Ann", "Lee").await;
    let path = format!("/users/{id}");
    let keys = |u: &Value| Ce::role_keys(&u["roles"]);
    for (body, want) in [
        (json!({"roles": [{"key": "admin"}]}), vec!["admin"]),
        (json!({"roles": {"key": "org-admin"}}), vec!["org-admin"]),
        (json!({"key": "org"}), vec!["org"]),
        (
            json!({"roles": [{"key": "admin"}], "key": "org"}),
            vec!["admin", "org"],
        ),
    ] {
        let a = ce.patch(&path, body.clone()).await;
        assert_eq!(a.status, 200, "{body}: {a:?}");
        assert_eq!(keys(a.json()), want, "{body}");
        assert_eq!(keys(ce.get(&path).await.json()), want, "{body}: kept");
    }
    // A shape Roster cannot read is a 400 that says so, and nothing is granted.
    let shapes = "roles must be an array of {\"key\": \"<role>\"} objects, or one such object";
    for (body, says) in [
        (json!({"roles": "admin"}), shapes),
        (json!({"roles": ["admin"]}), shapes),
        (json!({"roles": {"name": "admin"}}), shapes),
        (json!({"roles": [{"key": "admin"}, 5]}), shapes),
        (json!({"key": 5}), "expected a string"),
    ] {
        let a = ce.patch(&path, body.clone()).await;
        let m = Ce::error(&a, 400);
        assert!(m.contains(says), "{body}: {m}");
    }
    assert_eq!(keys(ce.get(&path).await.json()), ["admin", "org"]);
}

#[tokio::test]
async fn every_answer_has_roles_and_a_last_login_date_that_is_never_1970() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let made = ce
        .post(
            "/users",
            json!({"email":"bo@acme.test","firstName":"Bo","lastName":"Ek"}),
        )
        .await;
    let id = made.json()["id"].as_i64().unwrap();
    let patched = ce
        .patch(&format!("/users/{id}"), json!({"lastName": "Eke"}))
        .await;
    let list = ce.get("/users").await;
    let read = ce.get(&format!("/users/{id}")).await;
    let listed = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .cloned()
        .unwrap();
    for (what, u) in [
        ("create", made.json().clone()),
        ("patch", patched.json().clone()),
        ("list", listed),
        ("get", read.json().clone()),
    ] {
        assert_eq!(u["roles"][0]["key"], "org", "{what}: {u}");
        assert_ne!(u["lastLoginDate"], "1970-01-01", "{what}: {u}");
        assert_eq!(u["lastLoginDate"], u["createdDate"], "{what}: {u}");
    }
}
