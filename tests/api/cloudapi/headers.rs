//! Ping, restify's response headers, body handling, unknown routes and methods.

use crate::support::Answer;
use crate::support::cloudapi::Cloud;
use base64::Engine as _;
use md5::{Digest, Md5};
use reqwest::Method;

#[tokio::test]
async fn ping_needs_no_credentials() {
    let cloud = Cloud::new().await;
    let a = Answer::of(cloud.app.http.get(cloud.app.url("/--ping"))).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        String::from_utf8(a.raw).unwrap(),
        r#"{"ping":"pong","cloudapi":{"versions":["7.0.0","7.1.0","7.2.0","7.3.0","8.0.0","9.0.0"]}}"#
    );
    assert!(a.headers.contains_key("triton-datacenter-name"));
}

#[tokio::test]
async fn every_response_carries_cloudapis_headers() {
    let cloud = Cloud::new().await;
    let a = Answer::of(
        cloud
            .request(&cloud.owner, Method::GET, "/acme/users")
            .header("x-request-id", "abc-123"),
    )
    .await;
    assert_eq!(a.status, 200);
    let h = &a.headers;
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(
        h["content-length"].to_str().unwrap(),
        a.raw.len().to_string()
    );
    let md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(&a.raw));
    assert_eq!(h["content-md5"].to_str().unwrap(), md5);
    assert_eq!(h["server"], "cloudapi/9.20.0");
    assert_eq!(h["api-version"], "9.0.0");
    assert_eq!(h["request-id"], "abc-123");
    assert!(h["response-time"].to_str().unwrap().parse::<u64>().is_ok());
    assert!(httpdate::parse_http_date(h["date"].to_str().unwrap()).is_ok());
    // Errors carry them too.
    let e = Answer::of(cloud.app.http.get(cloud.app.url("/acme/users"))).await;
    assert_eq!(e.headers["server"], "cloudapi/9.20.0");
    assert_eq!(
        e.headers["content-length"].to_str().unwrap(),
        e.raw.len().to_string()
    );
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let cloud = Cloud::new().await;
    cloud.user("bob").await;
    let get = cloud.get("/acme/users/bob").await;
    let head = cloud
        .call(&cloud.owner, Method::HEAD, "/acme/users/bob", None)
        .await;
    assert_eq!(head.status, 200);
    assert!(head.raw.is_empty());
    assert_eq!(
        head.headers["content-length"],
        get.headers["content-length"]
    );
    assert_eq!(
        cloud
            .call(&cloud.owner, Method::HEAD, "/acme/users", None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_get_restify_errors() {
    let cloud = Cloud::new().await;
    let a = Answer::of(
        cloud
            .app
            .http
            .get(cloud.app.url("/acme/users/bob/keys/k/extra")),
    )
    .await;
    assert_eq!(
        Cloud::error(&a, 404, "ResourceNotFound"),
        "/acme/users/bob/keys/k/extra does not exist"
    );
    let a = cloud
        .call(&cloud.owner, Method::PUT, "/acme/users", None)
        .await;
    assert_eq!(
        Cloud::error(&a, 405, "MethodNotAllowed"),
        "PUT is not allowed"
    );
}

#[tokio::test]
async fn bodies_are_checked_like_restifys_body_parser() {
    let cloud = Cloud::new().await;
    let a = Answer::of(
        cloud
            .request(&cloud.owner, Method::POST, "/acme/users")
            .header("content-type", "application/json")
            .body("{nope"),
    )
    .await;
    assert!(
        Cloud::error(&a, 400, "InvalidContent").starts_with("Invalid JSON"),
        "{a:?}"
    );
    let a = Answer::of(
        cloud
            .request(&cloud.owner, Method::POST, "/acme/users")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("login=bob&email=bob%40x.io&password=s3cret-Passw0rd"),
    )
    .await;
    assert_eq!(
        a.status, 415,
        "CreateUser declares its content types: {a:?}"
    );
    let a = Answer::of(
        cloud
            .request(&cloud.owner, Method::POST, "/acme/users")
            .header("content-type", "application/json")
            .header("content-md5", "AAAAAAAAAAAAAAAAAAAAAA==")
            .body(r#"{"login":"bob"}"#),
    )
    .await;
    Cloud::error(&a, 400, "BadDigest");
    // Updates also take form bodies, as restify maps them.
    let id = cloud.user("carol").await;
    let a = Answer::of(
        cloud
            .request(&cloud.owner, Method::POST, &format!("/acme/users/{id}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("city=Oslo"),
    )
    .await;
    assert_eq!(
        (a.status, a.json()["city"].as_str()),
        (200, Some("Oslo")),
        "{a:?}"
    );
}
