//! The gateway's plumbing over real HTTP: health, readiness, request ids, unknown routes.

use crate::support::{TestApp, test_settings};
use roster::{Role, Settings};
use std::time::Duration;

#[tokio::test]
async fn health_and_readiness_answer_when_the_user_service_is_up() {
    let app = TestApp::spawn().await;
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["status"],
        "ready"
    );
}

#[tokio::test]
async fn request_ids_are_echoed_or_made_up() {
    let app = TestApp::spawn().await;
    let r = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "trace-me-42");
    let r = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(
        uuid::Uuid::parse_str(&id).map(|u| u.get_version_num()),
        Ok(4)
    );
}

#[tokio::test]
async fn unknown_routes_get_a_json_404() {
    let app = TestApp::spawn().await;
    let r = app
        .http
        .get(app.url("/no/such/thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["message"], "/no/such/thing does not exist");
}

#[tokio::test]
async fn a_gateway_without_its_user_service_is_alive_but_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    // Bind and release a port so that nothing listens on it.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut s: Settings = test_settings(dir.path(), "sqlite://unused.db");
    s.user_service_url = Some(format!("http://{dead}"));
    let server = roster::start(&s, Role::Gateway).await.unwrap();
    assert!(server.grpc_addr.is_none());
    let base = format!("http://{}", server.http_addr.unwrap());
    let http = reqwest::Client::new();
    assert_eq!(
        http.get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        http.get(format!("{base}/readyz"))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
    server.shutdown(Duration::from_secs(5)).await.unwrap();
}
