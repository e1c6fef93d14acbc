//! HTTP Signature authentication: every algorithm the CLI uses, and each failure mode with
//! CloudAPI's code, status and message.

use crate::support::Answer;
use crate::support::cloudapi::Cloud;
use crate::support::cloudapi::{Signer, TestKey};
use reqwest::Method;
use std::time::{Duration, SystemTime};

#[tokio::test]
async fn the_owner_signs_with_ed25519_or_ecdsa_p256() {
    let cloud = Cloud::new().await;
    let ecdsa = TestKey::p256(7);
    let a = cloud
        .post(
            "/acme/keys",
            serde_json::json!({"name": "ec", "key": ecdsa.public_line("ec")}),
        )
        .await;
    assert_eq!(a.status, 201, "{a:?}");
    for signer in [cloud.owner.clone(), Signer::account("acme", &ecdsa)] {
        for _ in 0..2 {
            // The second request is verified against the gateway's cached key.
            let a = cloud.call(&signer, Method::GET, "/acme/users", None).await;
            assert_eq!(a.status, 200, "{} {a:?}", signer.key.algorithm());
            assert_eq!(*a.json(), serde_json::json!([]));
        }
    }
    // A key may also be named by its name rather than its fingerprint.
    let by_name = Signer {
        key_id: "/acme/keys/ec".into(),
        key: ecdsa,
    };
    assert_eq!(
        cloud
            .call(&by_name, Method::GET, "/acme/users", None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn requests_without_or_with_unparseable_credentials_are_refused() {
    let cloud = Cloud::new().await;
    let url = cloud.app.url("/acme/users");
    let none = Answer::of(cloud.app.http.get(&url)).await;
    assert_eq!(
        Cloud::error(&none, 401, "InvalidCredentials"),
        "You must make authenticated requests to use CloudAPI"
    );

    let (date, _) = cloud.owner.headers("GET", "/acme/users");
    for (name, header) in [
        ("garbage", "Signature nonsense".to_owned()),
        ("basic", "Basic dXNlcjpwYXNz".to_owned()),
        (
            "no signature",
            format!(
                r#"Signature keyId="{}",algorithm="ed25519-sha512""#,
                cloud.owner.key_id
            ),
        ),
    ] {
        let a = Answer::of(
            cloud
                .app
                .http
                .get(&url)
                .header("date", &date)
                .header("authorization", header),
        )
        .await;
        assert!(
            Cloud::error(&a, 400, "InvalidHeader").starts_with("Authorization header invalid: "),
            "{name}: {a:?}"
        );
    }
}

#[tokio::test]
async fn the_date_must_be_signed_present_and_recent() {
    let cloud = Cloud::new().await;
    let url = cloud.app.url("/acme/users");
    let (date, auth) = cloud.owner.headers("GET", "/acme/users");

    let unsigned_date = auth.replace(
        r#"headers="(request-target) date""#,
        r#"headers="(request-target)""#,
    );
    let a = Answer::of(
        cloud
            .app
            .http
            .get(&url)
            .header("date", &date)
            .header("authorization", unsigned_date),
    )
    .await;
    assert_eq!(
        Cloud::error(&a, 400, "InvalidHeader"),
        "Authorization header invalid: date was not a signed header"
    );

    let a = Answer::of(cloud.app.http.get(&url).header("authorization", &auth)).await;
    assert_eq!(
        Cloud::error(&a, 400, "InvalidHeader"),
        "Authorization header invalid: date was not in the request"
    );

    for (name, when) in [
        ("400 s ago", SystemTime::now() - Duration::from_secs(400)),
        ("400 s ahead", SystemTime::now() + Duration::from_secs(400)),
    ] {
        let (date, auth) = cloud.owner.headers_at("GET", "/acme/users", when);
        let a = Answer::of(
            cloud
                .app
                .http
                .get(&url)
                .header("date", date)
                .header("authorization", auth),
        )
        .await;
        let msg = Cloud::error(&a, 400, "InvalidHeader");
        let secs: u64 = msg
            .strip_prefix("Authorization header invalid: clock skew of ")
            .and_then(|m| m.strip_suffix("s was greater than 300s"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{name}: {msg}"));
        assert!((398..=402).contains(&secs), "{name}: {msg}");
    }
}

/// The reference's captured request, replayed verbatim, is refused for its age: the
/// signature check never runs on a stale date.
#[tokio::test]
async fn the_reference_capture_is_too_old_to_replay() {
    let cloud = Cloud::new().await;
    let auth = r#"Signature keyId="/acme/keys/a2:ae:81:24:09:3a:05:33:70:e1:b4:c9:5f:fa:c1:d6",algorithm="rsa-sha256",headers="(request-target) date",signature="iw6A6suYoW2MQNp+NMBqvM0Jejls1jBvXu0MKZYG3zCdtyv0f319dSW//yzAmreFgHNnYJsIShNkrBOKD8RT2I9DzWgeNe2mP5vGh01/OQVokGc5GjgIq+1GLs4/2Q+tuI/k9Mh2VQCVImZTJZTcnkmFPRHAFgSmwPQ7x6X2ZGRaUyWxWPLQwLA4j3L7M82iR/yAzvOHqyGpSBCJDHa1UDA8BrCf/RRJDV2vccOdaltnEKWkkkOuOfBcwvF03/02Qone53a2XEACMzS47eX3BaPVCnKNLFFs3y9n25OjsGNPc2m63PmEL6Pj8SJvzcINV+spsR+zUedRCJo9jJlr2g==""#;
    let a = Answer::of(
        cloud
            .app
            .http
            .get(cloud.app.url("/acme/users"))
            .header("date", "Wed, 25 Nov 2026 01:33:07 GMT")
            .header("authorization", auth),
    )
    .await;
    assert!(
        Cloud::error(&a, 400, "InvalidHeader").contains("clock skew of"),
        "{a:?}"
    );
}

#[tokio::test]
async fn wrong_keys_algorithms_and_signatures_are_invalid_credentials() {
    let cloud = Cloud::new().await;
    let stranger = TestKey::ed25519(99);
    let cases: Vec<(&str, Signer, &str)> = vec![
        (
            "unknown key",
            Signer::account("acme", &stranger),
            "Invalid authorization credentials supplied",
        ),
        (
            "unknown account",
            Signer::account("nosuch", &stranger),
            "Invalid authorization credentials supplied",
        ),
        (
            "unknown user",
            Signer::user("acme", "ghost", &stranger),
            "Invalid authorization credentials supplied",
        ),
        (
            "the owner's fingerprint, another key's signature",
            Signer {
                key_id: cloud.owner.key_id.clone(),
                key: stranger.clone(),
            },
            "Invalid authorization credentials supplied",
        ),
        (
            "malformed key id",
            Signer {
                key_id: "/acme/nokeys".into(),
                key: stranger.clone(),
            },
            "Invalid KeyId /acme/nokeys in authorization header",
        ),
    ];
    for (name, signer, want) in cases {
        let a = cloud.call(&signer, Method::GET, "/acme/users", None).await;
        assert_eq!(Cloud::error(&a, 401, "InvalidCredentials"), want, "{name}");
    }
}

#[tokio::test]
async fn a_signature_for_another_request_does_not_verify() {
    let cloud = Cloud::new().await;
    // Warm the key cache so that both paths of verification are exercised.
    assert_eq!(cloud.get("/acme/users").await.status, 200);
    for target in ["/acme/users?x=1", "/acme/keys"] {
        let (date, auth) = cloud.owner.headers("GET", "/acme/users");
        let a = Answer::of(
            cloud
                .app
                .http
                .get(cloud.app.url(target))
                .header("date", date)
                .header("authorization", auth),
        )
        .await;
        assert_eq!(
            Cloud::error(&a, 401, "InvalidCredentials"),
            "Invalid authorization credentials supplied",
            "{target}"
        );
    }
    cloud.user("bob").await;
    let (date, auth) = cloud.owner.headers("GET", "/acme/users/bob");
    let a = Answer::of(
        cloud
            .app
            .http
            .delete(cloud.app.url("/acme/users/bob"))
            .header("date", date)
            .header("authorization", auth),
    )
    .await;
    assert_eq!(a.status, 401, "a GET signature on a DELETE: {a:?}");
    assert_eq!(
        cloud.get("/acme/users/bob").await.status,
        200,
        "nothing was deleted"
    );
}

#[tokio::test]
async fn unsupported_algorithms_are_refused() {
    let cloud = Cloud::new().await;
    let (date, auth) = cloud.owner.headers("GET", "/acme/users");
    let auth = auth.replace("ed25519-sha512", "hmac-sha256");
    let a = Answer::of(
        cloud
            .app
            .http
            .get(cloud.app.url("/acme/users"))
            .header("date", date)
            .header("authorization", auth),
    )
    .await;
    assert_eq!(
        Cloud::error(&a, 400, "InvalidHeader"),
        "hmac-sha256 is not a supported signing algorithm"
    );
}

#[tokio::test]
async fn other_accounts_are_forbidden_or_unknown_and_my_is_the_callers() {
    let cloud = Cloud::new().await;
    cloud.app.tenant("other").await;
    let a = cloud.get("/other/users").await;
    assert_eq!(
        Cloud::error(&a, 403, "NotAuthorized"),
        "You do not have permission to access /other/users (listusers)"
    );
    let a = cloud.get("/nosuch/users").await;
    assert_eq!(
        Cloud::error(&a, 404, "ResourceNotFound"),
        "nosuch does not exist"
    );
    assert_eq!(cloud.get("/my/users").await.status, 200);
    assert_eq!(
        cloud.get("/ACME/users").await.status,
        200,
        "account names ignore case"
    );
}

#[tokio::test]
async fn a_deleted_key_stops_working() {
    let cloud = Cloud::new().await;
    let second = TestKey::p256(3);
    cloud
        .post(
            "/acme/keys",
            serde_json::json!({"key": second.public_line("second")}),
        )
        .await;
    let signer = Signer::account("acme", &second);
    assert_eq!(
        cloud
            .call(&signer, Method::GET, "/acme/keys", None)
            .await
            .status,
        200
    );
    assert_eq!(
        cloud
            .delete(&format!("/acme/keys/{}", second.fingerprint()))
            .await
            .status,
        204
    );
    // The gateway that deleted it forgets what it had verified ...
    assert_eq!(
        cloud
            .call(&signer, Method::GET, "/acme/keys", None)
            .await
            .status,
        401
    );
    // ... and any other gateway asks the core, which refuses it.
    let fresh = roster::start(&cloud.app.settings_for_gateway(), roster::Role::Gateway)
        .await
        .unwrap();
    let base = format!("http://{}", fresh.http_addr.unwrap());
    let a = Answer::of(crate::support::cloudapi::signed(
        &cloud.app.http,
        &base,
        &signer,
        Method::GET,
        "/acme/keys",
    ))
    .await;
    assert_eq!(a.status, 401, "{a:?}");
}
