//! CloudAPI users: every route and CloudAPI's validation messages.

use crate::support::cloudapi::Cloud;
use roster_proto::v1 as pb;
use serde_json::json;

#[tokio::test]
async fn a_created_user_comes_back_in_cloudapi_order_with_a_location() {
    let cloud = Cloud::new().await;
    let a = cloud
        .post(
            "/acme/users",
            json!({"login":"bob","password":"s3cret-Passw0rd","email":"bob@example.com","companyName":"ACME","firstName":"Bob","lastName":"Builder","phone":"555"}),
        )
        .await;
    assert_eq!(a.status, 201, "{a:?}");
    assert_eq!(a.headers["location"], "/acme/users/bob");
    let text = String::from_utf8(a.raw.clone()).unwrap();
    let keys: Vec<&str> = [
        "\"id\"",
        "\"login\"",
        "\"email\"",
        "\"companyName\"",
        "\"firstName\"",
        "\"lastName\"",
        "\"phone\"",
        "\"updated\"",
        "\"created\"",
    ]
    .into_iter()
    .collect();
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| text.find(k).unwrap_or_else(|| panic!("{k} in {text}")))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "key order: {text}"
    );
    assert!(!text.contains("password"), "{text}");
    let created = a.json()["created"].as_str().unwrap();
    assert_eq!(
        created.len(),
        "2015-12-23T09:42:36.517Z".len(),
        "milliseconds: {created}"
    );
    assert!(created.ends_with('Z'));
    // Unset fields are absent, not empty.
    assert!(a.json().get("city").is_none());
}

#[tokio::test]
async fn users_are_listed_and_read_by_login_or_id_without_the_owner() {
    let cloud = Cloud::new().await;
    let bob = cloud.user("bob").await;
    cloud.user("carol").await;
    let list = cloud.get("/acme/users").await;
    let logins: Vec<&str> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap())
        .collect();
    assert_eq!(
        logins,
        ["bob", "carol"],
        "the account owner is not a sub-user"
    );
    assert_eq!(
        cloud.get("/acme/users/bob").await.json()["id"],
        bob.as_str()
    );
    assert_eq!(
        cloud.get(&format!("/acme/users/{bob}")).await.json()["login"],
        "bob"
    );
    let a = cloud.get("/acme/users/acme").await;
    assert_eq!(
        Cloud::error(&a, 404, "ResourceNotFound"),
        "acme does not exist"
    );
    let a = cloud.get("/acme/users/nobody").await;
    assert_eq!(
        Cloud::error(&a, 404, "ResourceNotFound"),
        "nobody does not exist"
    );
}

#[tokio::test]
async fn membership_adds_role_names() {
    let cloud = Cloud::new().await;
    cloud.user("bob").await;
    let plain = cloud.get("/acme/users/bob").await;
    assert!(plain.json().get("roles").is_none());
    for q in ["true", "false"] {
        let a = cloud.get(&format!("/acme/users/bob?membership={q}")).await;
        assert_eq!(
            a.json()["roles"],
            json!([]),
            "membership={q} is truthy, as in CloudAPI"
        );
        assert_eq!(a.json()["default_roles"], json!([]));
    }
    cloud
        .post(
            "/acme/policies",
            json!({"name":"read","rules":["CAN getuser"]}),
        )
        .await;
    cloud.post("/acme/roles", json!({"name":"a","members":[{"login":"bob","default":true}],"policies":[{"name":"read"}]})).await;
    cloud
        .post(
            "/acme/roles",
            json!({"name":"b","members":[{"login":"bob"}]}),
        )
        .await;
    let a = cloud.get("/acme/users/bob?membership=true").await;
    assert_eq!(a.json()["roles"], json!(["a", "b"]));
    assert_eq!(a.json()["default_roles"], json!(["a"]));
}

#[tokio::test]
async fn creation_follows_cloudapis_rules_and_messages() {
    let cloud = Cloud::new().await;
    cloud.user("taken").await;
    let good = |f: &str, v: &str| {
        let mut b = json!({"login":"newbie","email":"n@example.com","password":"s3cret-Passw0rd"});
        b[f] = json!(v);
        b
    };
    let cases: Vec<(serde_json::Value, &str, &str)> = vec![
        (
            json!({}),
            "MissingParameter",
            "Request is missing required parameters: email is required, login is required, password is required",
        ),
        (
            json!({"login":"x","email":"x@y.z"}),
            "MissingParameter",
            "Request is missing required parameters: password is required",
        ),
        (
            good("email", "not-an-email"),
            "InvalidArgument",
            "email: not-an-email is invalid",
        ),
        (good("login", "1bad"), "InvalidArgument", "login is invalid"),
        (
            good("login", "has space"),
            "InvalidArgument",
            "login is invalid",
        ),
        (
            good("password", "short1"),
            "InvalidArgument",
            "passwordTooShort",
        ),
        (
            good("password", "longbutnodigits"),
            "InvalidArgument",
            "insufficientPasswordQuality",
        ),
        (
            good("login", "Taken"),
            "InvalidArgument",
            "Login is already taken",
        ),
    ];
    for (body, code, message) in cases {
        let a = cloud.post("/acme/users", body.clone()).await;
        assert_eq!(Cloud::error(&a, 409, code), message, "{body}");
    }
    assert_eq!(
        cloud
            .get("/acme/users")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing was written"
    );
}

#[tokio::test]
async fn an_update_writes_the_given_fields_and_empty_strings_remove() {
    let cloud = Cloud::new().await;
    let id = cloud.user("carol").await;
    cloud
        .post(
            &format!("/acme/users/{id}"),
            json!({"firstName":"Carol","city":"Oslo","phone":"1"}),
        )
        .await;
    // The CLI's edit sends all ten fields, "" for the blank ones.
    let edit = json!({"email":"carol@example.com","companyName":"","firstName":"Carol","lastName":"","address":"","postalCode":"","city":"","state":"","country":"","phone":"555-1234"});
    let a = cloud.post(&format!("/acme/users/{id}"), edit).await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.json()["phone"], "555-1234");
    assert!(a.json().get("city").is_none(), "removed: {a:?}");
    assert_eq!(a.json()["firstName"], "Carol");
    let a = cloud
        .post(&format!("/acme/users/{id}"), json!({"email":"bad"}))
        .await;
    assert_eq!(
        Cloud::error(&a, 409, "InvalidArgument"),
        "email: bad is invalid"
    );
    let a = cloud
        .post(
            "/acme/users/0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6",
            json!({"city":"x"}),
        )
        .await;
    assert_eq!(
        Cloud::error(&a, 404, "ResourceNotFound"),
        "user with uuid \"0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6\" does not exist"
    );
    // UFDS names are accepted too.
    let a = cloud
        .post(
            &format!("/acme/users/{id}"),
            json!({"sn":"Smith","givenName":"C."}),
        )
        .await;
    assert_eq!(
        (
            a.json()["lastName"].as_str(),
            a.json()["firstName"].as_str()
        ),
        (Some("Smith"), Some("C."))
    );
}

#[tokio::test]
async fn passwords_change_with_confirmation() {
    let cloud = Cloud::new().await;
    let id = cloud.user("dave").await;
    let path = format!("/acme/users/{id}/change_password");
    let a = cloud.post(&path, json!({})).await;
    assert_eq!(
        Cloud::error(&a, 409, "MissingParameter"),
        "Request is missing required parameters: password is required, password_confirmation is required"
    );
    let a = cloud
        .post(
            &path,
            json!({"password":"n3w-Password","password_confirmation":"other-1"}),
        )
        .await;
    assert_eq!(
        Cloud::error(&a, 409, "InvalidArgument"),
        "password and password_confirmation must have the same value"
    );
    let a = cloud
        .post(
            &path,
            json!({"password":"weakweak","password_confirmation":"weakweak"}),
        )
        .await;
    assert_eq!(
        Cloud::error(&a, 409, "InvalidArgument"),
        "insufficientPasswordQuality"
    );
    let a = cloud
        .post(
            &path,
            json!({"password":"n3w-Password","password_confirmation":"n3w-Password"}),
        )
        .await;
    assert_eq!((a.status, a.json()["login"].as_str()), (200, Some("dave")));
    let verified = cloud
        .app
        .users(&cloud.tenant.token)
        .verify_password(pb::VerifyPasswordRequest {
            key: crate::support::key_id(&id),
            password: "n3w-Password".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(verified.valid);
}

#[tokio::test]
async fn deletion_is_204_then_404() {
    let cloud = Cloud::new().await;
    let id = cloud.user("erin").await;
    cloud.user("fred").await;
    let a = cloud.delete("/acme/users/erin").await;
    assert_eq!(a.status, 204);
    assert!(a.raw.is_empty() && !a.headers.contains_key("content-type"));
    assert_eq!(
        Cloud::error(
            &cloud.delete(&format!("/acme/users/{id}")).await,
            404,
            "ResourceNotFound"
        ),
        format!("{id} does not exist")
    );
    assert_eq!(
        cloud.delete("/acme/users/fred").await.status,
        204,
        "by login too"
    );
}

#[tokio::test]
async fn the_account_shows_the_owner() {
    let cloud = Cloud::new().await;
    let a = cloud.get("/acme").await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.json()["login"], "acme");
    assert_eq!(a.json()["email"], "owner@acme.test");
    assert_eq!(a.json()["triton_cns_enabled"], false);
    let text = String::from_utf8(a.raw).unwrap();
    assert!(
        text.starts_with(r#"{"id":"#) && text.find("\"updated\"") < text.find("\"created\""),
        "{text}"
    );
    assert_eq!(cloud.get("/my").await.json()["login"], "acme");
}
