//! Conditional writes of users: reads and updates answer `ETag`; updates and deletes honour
//! `If-Match` (RFC 9110: strong comparison, `*` for any), 412 `PreconditionFailed` with
//! nothing changed when it names no current etag.

use crate::support::Answer;
use crate::support::cloudapi::Cloud;
use reqwest::Method;
use serde_json::json;

async fn update(cloud: &Cloud, if_match: &str, email: &str) -> Answer {
    Answer::of(
        cloud
            .request(&cloud.owner, Method::POST, "/acme/users/bob")
            .header("if-match", if_match)
            .json(&json!({ "email": email })),
    )
    .await
}

#[tokio::test]
async fn reads_answer_the_etag_and_writes_honour_if_match() {
    let cloud = Cloud::new().await;
    cloud.user("bob").await;
    let read = cloud.get("/acme/users/bob").await;
    let first = read.header("etag").to_owned();
    assert!(
        first.len() > 2 && first.starts_with('"') && first.ends_with('"'),
        "{read:?}"
    );

    let changed = update(&cloud, &first, "bob2@example.com").await;
    assert_eq!(changed.status, 200, "{changed:?}");
    let second = changed.header("etag").to_owned();
    assert_ne!(second, first, "a write makes a new etag");
    assert_eq!(cloud.get("/acme/users/bob").await.header("etag"), second);

    // The first etag is stale now: nothing changes, whatever the write.
    for stale in [first.clone(), format!("W/{second}"), "bob".to_owned()] {
        let a = update(&cloud, &stale, "mallory@example.com").await;
        Cloud::error(&a, 412, "PreconditionFailed");
        let a = Answer::of(
            cloud
                .request(&cloud.owner, Method::DELETE, "/acme/users/bob")
                .header("if-match", &stale),
        )
        .await;
        Cloud::error(&a, 412, "PreconditionFailed");
    }
    let now = cloud.get("/acme/users/bob").await;
    assert_eq!(now.json()["email"], "bob2@example.com");
    assert_eq!(now.header("etag"), second);

    // A list of tags matches if one does; `*` matches any version.
    let listed = update(&cloud, &format!("\"nope\", {second}"), "bob3@example.com").await;
    assert_eq!(listed.status, 200, "{listed:?}");
    let any = update(&cloud, "*", "bob4@example.com").await;
    assert_eq!(any.status, 200, "{any:?}");
    let gone = Answer::of(
        cloud
            .request(&cloud.owner, Method::DELETE, "/acme/users/bob")
            .header("if-match", any.header("etag")),
    )
    .await;
    assert_eq!(gone.status, 204, "{gone:?}");
    Cloud::error(&cloud.get("/acme/users/bob").await, 404, "ResourceNotFound");
}
