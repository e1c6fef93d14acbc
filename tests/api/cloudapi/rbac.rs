//! Sub-users act only as their active roles' policies allow.

use crate::support::cloudapi::Cloud;
use crate::support::cloudapi::{Signer, TestKey};
use reqwest::Method;
use roster_proto::v1 as pb;
use serde_json::json;

/// Sub-user bob with his own registered key.
async fn bob(cloud: &Cloud) -> (String, Signer) {
    let id = cloud.user("bob").await;
    let key = TestKey::ed25519(42);
    assert_eq!(
        cloud
            .post(
                "/acme/users/bob/keys",
                json!({"key": key.public_line("bob")})
            )
            .await
            .status,
        201
    );
    (id, Signer::user("acme", "bob", &key))
}

#[tokio::test]
async fn a_sub_user_without_roles_may_do_nothing() {
    let cloud = Cloud::new().await;
    let (_, bob) = bob(&cloud).await;
    let a = cloud.call(&bob, Method::GET, "/acme/users", None).await;
    assert_eq!(
        Cloud::error(&a, 403, "NotAuthorized"),
        "You do not have permission to access /acme/users (listusers)"
    );
}

#[tokio::test]
async fn default_roles_grant_exactly_their_policies_actions() {
    let cloud = Cloud::new().await;
    let (id, bob) = bob(&cloud).await;
    cloud
        .post(
            "/acme/policies",
            json!({"name":"read","rules":["CAN listusers AND getuser"]}),
        )
        .await;
    cloud.post("/acme/roles", json!({"name":"readers","members":[{"login":"bob","default":true}],"policies":[{"name":"read"}]})).await;
    assert_eq!(
        cloud
            .call(&bob, Method::GET, "/acme/users", None)
            .await
            .status,
        200
    );
    assert_eq!(
        cloud
            .call(&bob, Method::GET, &format!("/acme/users/{id}"), None)
            .await
            .status,
        200
    );
    let a = cloud
        .call(
            &bob,
            Method::POST,
            "/acme/users",
            Some(json!({"login":"x","email":"x@y.z","password":"s3cret-Passw0rd"})),
        )
        .await;
    assert_eq!(
        Cloud::error(&a, 403, "NotAuthorized"),
        "You do not have permission to access /acme/users (createuser)"
    );
    assert_eq!(
        cloud
            .call(&bob, Method::GET, "/acme/roles", None)
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn as_role_picks_the_active_roles() {
    let cloud = Cloud::new().await;
    let (_, bob) = bob(&cloud).await;
    cloud
        .post(
            "/acme/policies",
            json!({"name":"keys","rules":["CAN listkeys"]}),
        )
        .await;
    cloud
        .post("/acme/policies", json!({"name":"all","rules":["CAN *"]}))
        .await;
    cloud
        .post(
            "/acme/roles",
            json!({"name":"keyreader","members":[{"login":"bob"}],"policies":[{"name":"keys"}]}),
        )
        .await;
    cloud
        .post(
            "/acme/roles",
            json!({"name":"admin","members":[],"policies":[{"name":"all"}]}),
        )
        .await;
    assert_eq!(
        cloud
            .call(&bob, Method::GET, "/acme/keys", None)
            .await
            .status,
        403,
        "not a default role"
    );
    assert_eq!(
        cloud
            .call(&bob, Method::GET, "/acme/keys?as-role=keyreader", None)
            .await
            .status,
        200
    );
    assert_eq!(
        cloud
            .call(&bob, Method::GET, "/acme/users?as-role=keyreader", None)
            .await
            .status,
        403
    );
    assert_eq!(
        cloud
            .call(&bob, Method::GET, "/acme/keys?as-role=admin", None)
            .await
            .status,
        403,
        "not a member of admin"
    );
}

#[tokio::test]
async fn a_disabled_sub_user_is_refused() {
    let cloud = Cloud::new().await;
    let (id, bob) = bob(&cloud).await;
    let patch = pb::User {
        id,
        status: pb::UserStatus::Disabled.into(),
        ..Default::default()
    };
    cloud
        .app
        .users(&cloud.tenant.token)
        .update_user(pb::UpdateUserRequest {
            user: Some(patch),
            update_mask: crate::support::mask(&["status"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap();
    let a = cloud.call(&bob, Method::GET, "/acme/users", None).await;
    assert_eq!(
        Cloud::error(&a, 403, "NotAuthorized"),
        "Account or user is disabled"
    );
}

#[tokio::test]
async fn a_sub_user_with_the_wildcard_may_do_everything_but_is_still_bounded_by_the_core() {
    let cloud = Cloud::new().await;
    let (_, bob) = bob(&cloud).await;
    cloud
        .post("/acme/policies", json!({"name":"all","rules":["CAN *"]}))
        .await;
    cloud.post("/acme/roles", json!({"name":"admin","members":[{"login":"bob","default":true}],"policies":[{"name":"all"}]})).await;
    let a = cloud
        .call(
            &bob,
            Method::POST,
            "/acme/users",
            Some(json!({"login":"made","email":"m@y.z","password":"s3cret-Passw0rd"})),
        )
        .await;
    assert_eq!(a.status, 201, "{a:?}");
    assert_eq!(
        cloud
            .call(&bob, Method::GET, "/acme/roles", None)
            .await
            .status,
        200
    );
}
