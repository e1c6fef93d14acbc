//! A split deployment on one machine, as the Helm chart runs it: `roster migrate` once, then
//! `roster user-service` (migrations at start off) and `roster gateway` as two processes that
//! share nothing but the user service's address, with the keys given to the user service and
//! the CLI by environment (a Secret in Kubernetes). On PostgreSQL when
//! `ROSTER_TEST_DATABASE_URL` is set (as `make test` does in its second pass), else SQLite.

use crate::support::cloudapi::{Signer, TestKey, signed};
use crate::support::process::{Installation, RosterProcess};
use reqwest::Method;
use roster_proto::v1 as pb;
use roster_proto::v1::user_service_client::UserServiceClient;

#[tokio::test]
async fn user_service_and_gateway_as_two_processes_serve_a_signed_cloudapi_request() {
    // Arrange: the database migrated and a tenant created by the CLI, before either server.
    let install = Installation::new().await;
    let key = TestKey::ed25519(3);
    let tenant = install.tenant("acme", &key).await;
    let owner = Signer::account("acme", &key);
    let mut env = install.env();
    let us_data = install.dir.path().join("user-service-data");
    env.retain(|(k, _)| *k != "ROSTER_DATA_DIR");
    env.push(("ROSTER_DATA_DIR", us_data.display().to_string()));
    env.push(("ROSTER_MIGRATE_ON_START", "false".to_owned()));
    let mut user_service = RosterProcess::start("user-service", &env).await;
    assert!(
        user_service.http.is_none(),
        "the user service runs no gateway"
    );
    // The gateway knows only where the user service is: no database, no keys, no data.
    let gw_data = install.dir.path().join("gateway-data");
    let gw_env = [
        ("ROSTER_USER_SERVICE_URL", user_service.grpc_url()),
        ("ROSTER_DATA_DIR", gw_data.display().to_string()),
    ];
    let mut gateway = RosterProcess::start("gateway", &gw_env).await;
    assert!(gateway.grpc.is_none(), "the gateway runs no user service");
    let base = gateway.http_url();
    let http = reqwest::Client::new();

    // Act: readiness, then a signed CloudAPI write and read through the gateway.
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200, "the gateway reaches its user service");
    let body = serde_json::json!({"login": "ann", "email": "ann@example.com", "password": "s3cret-Passw0rd"});
    let created = signed(&http, &base, &owner, Method::POST, "/acme/users")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{:?}", created.text().await);
    let got = signed(&http, &base, &owner, Method::GET, "/acme/users/ann")
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    let got: serde_json::Value = got.json().await.unwrap();
    assert_eq!(got["email"], "ann@example.com");

    // Assert: the user service holds the user, seen over gRPC with the CLI's token.
    let token: tonic::metadata::MetadataValue<_> =
        format!("Bearer {}", tenant["token"].as_str().unwrap())
            .parse()
            .unwrap();
    let mut grpc = UserServiceClient::connect(user_service.grpc_url())
        .await
        .unwrap();
    let mut req = tonic::Request::new(crate::support::get_by(pb::user_key::Key::Login(
        "ann".into(),
    )));
    req.metadata_mut().insert("authorization", token);
    let user = grpc
        .get_user(req)
        .await
        .expect("the user exists")
        .into_inner();
    assert_eq!(user.email, "ann@example.com");
    assert!(!gw_data.exists(), "the gateway wrote no data");

    // Each process serves its own metrics on its metrics listener, and none on the REST port.
    let scrape = |addr: Option<std::net::SocketAddr>| {
        let http = http.clone();
        async move {
            let url = format!("http://{}/metrics", addr.expect("a metrics listener"));
            let res = http.get(url).send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.text().await.unwrap()
        }
    };
    let gw_metrics = scrape(gateway.metrics).await;
    assert!(
        gw_metrics.contains("roster_http_requests_total{"),
        "{gw_metrics}"
    );
    let us_metrics = scrape(user_service.metrics).await;
    assert!(
        us_metrics.contains("roster_grpc_requests_total{"),
        "{us_metrics}"
    );
    let public = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_ne!(
        public.status(),
        200,
        "CloudAPI's answer, as for any account path"
    );
    assert!(!public.text().await.unwrap().contains("roster_"));
    if install.db.is_postgres() {
        assert!(
            !us_data.exists(),
            "with PostgreSQL and keys given, the user service writes no files"
        );
    }

    // The user service goes away: the gateway stays alive but reports not ready.
    user_service.sigterm();
    assert!(user_service.wait().await.success());
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let alive = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(alive.status(), 200);
    gateway.sigterm();
    assert!(gateway.wait().await.success());
}
