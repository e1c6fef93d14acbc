//! Rules every vendor dialect should keep, each checked on the four at once: the dialects
//! differ in how they ask and answer, not in what they let through.

use crate::support::cloudapi::Cloud;
use crate::support::dialect::{Credential, DialectClient};
use crate::support::elements::Ce;
use crate::support::formsonfire::FofClient;
use crate::support::records::{all_users, by_email};
use crate::support::surecloud::Sc;
use crate::support::{TestApp, create, user};
use roster_proto::v1 as pb;

/// The largest body the gateway, SureCloud and Forms On Fire read in these tests.
const MAX_BODY_BYTES: usize = 4096;

/// A body that would create the user, padded (with JSON whitespace) past every limit:
/// CloudAPI's is fixed at 1 MiB.
fn oversized(body: &str) -> String {
    format!("{body}{}", " ".repeat(1024 * 1024 + MAX_BODY_BYTES))
}

/// The tenant `acme`'s owner in the three other dialects (CloudAPI's is `cloud` itself).
async fn owners(cloud: &Cloud) -> (Ce<'_>, Sc<'_>, FofClient) {
    let (app, t) = (&cloud.app, &cloud.tenant);
    (
        Ce::owner(app, t),
        Sc::owner(app, t).await,
        FofClient::new(app, t),
    )
}

#[tokio::test]
async fn every_dialect_answers_an_unknown_user_with_its_own_not_found() {
    let cloud = Cloud::new().await;
    let (ce, sc, fof) = owners(&cloud).await;
    let never = pb::User {
        id: "0192f3a4-5b6c-7d8e-9fa0-b1c2d3e4f5a6".to_owned(),
        number: 999_999,
        ..Default::default()
    };
    // A user that existed: its id and number name nobody once it is gone.
    let mut users = cloud.app.users(&cloud.tenant.token);
    let gone = users
        .create_user(create(user("gone@acme.test")))
        .await
        .expect("create user")
        .into_inner();
    users
        .delete_user(pb::DeleteUserRequest {
            id: gone.id.clone(),
            etag: String::new(),
            ..Default::default()
        })
        .await
        .expect("delete user");
    let dialects: [&dyn DialectClient; 4] = [&cloud, &ce, &sc, &fof];
    for d in dialects {
        for u in [&never, &gone] {
            let a = d.get_user(u).await;
            d.assert_not_found(&a);
        }
    }
}

/// A server whose dialects read at most [`MAX_BODY_BYTES`] (CloudAPI: 1 MiB).
async fn small_bodies() -> Cloud {
    Cloud::with(
        TestApp::spawn_with(|s| {
            s.max_body_bytes = MAX_BODY_BYTES;
            s.surecloud_max_body_bytes = MAX_BODY_BYTES;
            s.formsonfire_max_body_bytes = MAX_BODY_BYTES;
        })
        .await,
    )
    .await
}

/// Sends a malformed and an oversized body with a wrong credential: the dialect's refusal of
/// the credential, and nothing written. With the right credential the same bodies are
/// refused for what they are, so the refusal came from the credential, not from the body.
async fn refuses_a_wrong_credential_before_reading_the_body(cloud: &Cloud, d: &dyn DialectClient) {
    let email = "ghost@acme.test";
    for (what, body) in [
        ("a malformed body", r#"{"users": [{"#.to_owned()),
        ("an oversized body", oversized(&d.create_body(email))),
    ] {
        let right = d.write(Credential::Right, body.clone()).await;
        assert!(
            (400..500).contains(&right.status) && ![401, 403].contains(&right.status),
            "{}: the owner's {what} is refused for what it is: {right:?}",
            d.name()
        );
        let before = all_users(&cloud.app, &cloud.tenant).await;
        let wrong = d.write(Credential::Wrong, body).await;
        d.assert_unauthenticated(&wrong);
        assert_eq!(
            all_users(&cloud.app, &cloud.tenant).await,
            before,
            "{}",
            d.name()
        );
    }
    assert!(by_email(&cloud.app, &cloud.tenant, email).await.is_none());
}

#[tokio::test]
async fn every_dialect_refuses_a_wrong_credential_before_the_body() {
    let cloud = small_bodies().await;
    let (ce, sc, fof) = owners(&cloud).await;
    // Forms On Fire's credential here is in the query; one a write carries in its body can
    // only be judged once the body is read.
    let dialects: [&dyn DialectClient; 4] = [&cloud, &ce, &sc, &fof];
    for d in dialects {
        refuses_a_wrong_credential_before_reading_the_body(&cloud, d).await;
    }
}
