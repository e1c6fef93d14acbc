//! `/metrics` after traffic: requests by dialect, route, method and status; gRPC calls by
//! method and code; the database pool; argon2; build info. They are served on the metrics
//! listener (`metrics_addr`) only, never on the public REST port.

use crate::support::cloudapi::Cloud;
use crate::support::{TestApp, get_by};
use roster_proto::v1 as pb;

/// The value of the sample `name{labels...}` that has every label given, if any.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .find(|(series, _)| {
            let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
            metric == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
        })
        .and_then(|(_, v)| v.parse().ok())
}

async fn scrape(url: &str) -> String {
    let res = reqwest::get(url).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    res.text().await.unwrap()
}

#[tokio::test]
async fn the_metrics_listener_reports_requests_grpc_calls_the_pool_argon2_and_its_build() {
    let cloud = Cloud::new().await;
    cloud.user("bob").await;
    assert_eq!(cloud.get("/acme/users").await.status, 200);
    assert_eq!(cloud.get("/acme/users/nobody").await.status, 404);
    let url = format!(
        "{}/metrics",
        cloud.app.metrics_url.as_deref().expect("metrics address")
    );
    let before = scrape(&url).await;
    let list = [
        ("dialect", "cloudapi"),
        ("route", "/{account}/users"),
        ("method", "GET"),
        ("status", "200"),
    ];
    let listed = sample(&before, "roster_http_requests_total", &list).expect(&before);
    assert!(listed >= 1.0);
    let missing = [
        ("route", "/{account}/users/{user}"),
        ("method", "GET"),
        ("status", "404"),
    ];
    assert!(sample(&before, "roster_http_requests_total", &missing).is_some_and(|v| v >= 1.0));
    assert!(
        sample(
            &before,
            "roster_http_request_duration_seconds_count",
            &list[..3]
        )
        .is_some_and(|v| v >= 1.0)
    );
    assert!(
        before.contains("roster_http_request_duration_seconds_bucket{"),
        "latency histograms have buckets"
    );
    let grpc_ok = [
        ("method", "/roster.v1.UserService/ListUsers"),
        ("code", "OK"),
    ];
    assert!(sample(&before, "roster_grpc_requests_total", &grpc_ok).is_some_and(|v| v >= 1.0));
    let not_found = [
        ("method", "/roster.v1.UserService/GetUser"),
        ("code", "NOT_FOUND"),
    ];
    assert!(sample(&before, "roster_grpc_requests_total", &not_found).is_some_and(|v| v >= 1.0));
    assert!(
        sample(
            &before,
            "roster_argon2_duration_seconds_count",
            &[("op", "hash")]
        )
        .is_some_and(|v| v >= 1.0)
    );
    assert!(sample(&before, "roster_argon2_queue_depth", &[]).is_some());
    assert_eq!(
        sample(&before, "roster_db_pool_max_connections", &[]),
        Some(8.0)
    );
    assert!(sample(&before, "roster_db_pool_connections", &[("state", "idle")]).is_some());
    assert_eq!(
        sample(
            &before,
            "roster_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        Some(1.0)
    );

    // The counters move with traffic.
    assert_eq!(cloud.get("/acme/users").await.status, 200);
    let after = scrape(&url).await;
    assert_eq!(
        sample(&after, "roster_http_requests_total", &list),
        Some(listed + 1.0)
    );
}

#[tokio::test]
async fn the_rest_port_does_not_serve_metrics() {
    // Arrange: traffic, so that the registry has samples to leak.
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    app.users(&t.token)
        .get_user(get_by(pb::user_key::Key::Login("acme".into())))
        .await
        .unwrap();
    let listener = format!(
        "{}/metrics",
        app.metrics_url.as_deref().expect("metrics address")
    );
    assert!(
        scrape(&listener)
            .await
            .contains("roster_grpc_requests_total")
    );

    // Act: /metrics on the public port, with and without a Prometheus Accept header, next to
    // a path nobody serves.
    let get =
        |path: &str, accept: &str| app.http.get(app.url(path)).header("accept", accept).send();
    let unrouted = get("/no-such-account", "*/*").await.unwrap();
    let (unrouted_status, unrouted_body) = (unrouted.status(), unrouted.text().await.unwrap());
    for accept in ["*/*", "text/plain; version=0.0.4"] {
        let res = get("/metrics", accept).await.unwrap();

        // Assert: what CloudAPI (which owns `/`) answers for any path it has no account for
        // (an unsigned request: 401 InvalidCredentials), and not one sample.
        assert_eq!(res.status(), unrouted_status);
        assert_ne!(res.status(), 200);
        let body = res.text().await.unwrap();
        assert_eq!(body, unrouted_body);
        let v: serde_json::Value = serde_json::from_str(&body).expect(&body);
        assert!(v["code"].is_string(), "a CloudAPI error: {body}");
        assert!(!body.contains("roster_"), "{body}");
    }
}
