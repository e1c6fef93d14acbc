//! Account keys and user keys.

use crate::support::cloudapi::Cloud;
use crate::support::cloudapi::TestKey;
use serde_json::json;

#[tokio::test]
async fn account_keys_are_listed_created_read_and_deleted() {
    let cloud = Cloud::new().await;
    let list = cloud.get("/acme/keys").await;
    assert_eq!(
        list.json().as_array().unwrap().len(),
        1,
        "the owner's key from tenant creation"
    );
    assert_eq!(
        list.json()[0]["fingerprint"],
        cloud.owner.key.fingerprint().as_str()
    );
    let key = TestKey::p256(5);
    let fp = key.fingerprint();
    let a = cloud
        .post(
            "/acme/keys",
            json!({"name":"laptop","key":key.public_line("me@laptop")}),
        )
        .await;
    assert_eq!(a.status, 201, "{a:?}");
    assert_eq!(
        a.headers["location"].to_str().unwrap(),
        format!("/acme/keys/{}", fp.replace(':', "%3A"))
    );
    assert_eq!(
        String::from_utf8(a.raw).unwrap(),
        format!(
            r#"{{"name":"laptop","fingerprint":"{fp}","key":"{}"}}"#,
            key.public_line("me@laptop")
        )
    );
    assert_eq!(
        cloud.get("/acme/keys/laptop").await.json()["fingerprint"],
        fp.as_str()
    );
    assert_eq!(
        cloud.get(&format!("/acme/keys/{fp}")).await.json()["name"],
        "laptop"
    );
    assert_eq!(cloud.delete("/acme/keys/laptop").await.status, 204);
    assert_eq!(
        Cloud::error(
            &cloud.get("/acme/keys/laptop").await,
            404,
            "ResourceNotFound"
        ),
        "laptop does not exist"
    );
}

#[tokio::test]
async fn bad_keys_get_cloudapis_messages() {
    let cloud = Cloud::new().await;
    let key = TestKey::ed25519(8).public_line("k");
    cloud.post("/acme/keys", json!({"key": key})).await;
    let cases = [
        (json!({}), "MissingParameter", "key is a required argument"),
        (
            json!({"key": 42}),
            "InvalidArgument",
            "key must be a String",
        ),
        (
            json!({"key": "ssh-rsa"}),
            "InvalidArgument",
            "key is invalid",
        ),
        (
            json!({"key": "ssh-rsa AAAAnotakey"}),
            "InvalidArgument",
            "key is invalid",
        ),
        (
            json!({"key": key}),
            "InvalidArgument",
            "key already exists or is invalid",
        ),
    ];
    for (body, code, message) in cases {
        assert_eq!(
            Cloud::error(&cloud.post("/acme/keys", body.clone()).await, 409, code),
            message,
            "{body}"
        );
    }
}

#[tokio::test]
async fn user_keys_belong_to_their_user() {
    let cloud = Cloud::new().await;
    let id = cloud.user("bob").await;
    let key = TestKey::ed25519(9);
    let a = cloud
        .post(
            "/acme/users/bob/keys",
            json!({"key": key.public_line("bob@box")}),
        )
        .await;
    assert_eq!(a.status, 201, "{a:?}");
    assert_eq!(
        a.json()["name"],
        key.fingerprint().as_str(),
        "the name defaults to the fingerprint"
    );
    assert_eq!(
        a.headers["location"].to_str().unwrap(),
        format!(
            "/acme/users/bob/keys/{}",
            key.fingerprint().replace(':', "%3A")
        )
    );
    let by_id = cloud.get(&format!("/acme/users/{id}/keys")).await;
    assert_eq!(by_id.json().as_array().unwrap().len(), 1);
    assert_eq!(
        cloud
            .get("/acme/keys")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1,
        "not an account key"
    );
    assert_eq!(
        cloud
            .get(&format!("/acme/users/bob/keys/{}", key.fingerprint()))
            .await
            .status,
        200
    );
    assert_eq!(
        Cloud::error(
            &cloud.get("/acme/users/ghost/keys").await,
            404,
            "ResourceNotFound"
        ),
        "ghost does not exist"
    );
    assert_eq!(
        cloud
            .delete(&format!("/acme/users/bob/keys/{}", key.fingerprint()))
            .await
            .status,
        204
    );
    assert_eq!(*cloud.get("/acme/users/bob/keys").await.json(), json!([]));
}
