//! One REST request is one trace: the gateway's `http` span, the `grpc.client` span of each
//! call to the core, the user service's `grpc.server` span joined to it by `traceparent`,
//! and the database spans under it; collected by an in-process OTLP collector.

use crate::support::cloudapi::Cloud;
use crate::support::elements::Ce;
use crate::support::formsonfire::{Fmt, FofClient};
use crate::support::surecloud::Sc;
use crate::support::{TestApp, get_by};
use fake_opentelemetry_collector::{ExportedSpan, FakeCollectorServer};
use roster::telemetry::{Telemetry, TelemetryConfig};
use roster_proto::v1 as pb;
use std::collections::HashMap;
use std::time::Duration;

async fn collector() -> (FakeCollectorServer, Telemetry) {
    let collector = FakeCollectorServer::start().await.unwrap();
    let telemetry = roster::telemetry::init(&TelemetryConfig {
        log_format: "text".to_owned(),
        default_level: "warn".to_owned(),
        otlp_endpoint: Some(collector.endpoint()),
        service_name: "roster-test".to_owned(),
    });
    (collector, telemetry)
}

/// Every span exported so far (waiting until at least `at_least` arrived).
async fn spans(
    collector: &mut FakeCollectorServer,
    telemetry: &Telemetry,
    at_least: usize,
) -> Vec<ExportedSpan> {
    telemetry.flush();
    collector
        .exported_spans(at_least, Duration::from_secs(10))
        .await
}

/// The chain of parents of `span`, nearest first, within the exported spans.
fn ancestors<'a>(span: &'a ExportedSpan, all: &'a [ExportedSpan]) -> Vec<&'a ExportedSpan> {
    let by_id: HashMap<&str, &ExportedSpan> = all.iter().map(|s| (s.span_id.as_str(), s)).collect();
    let mut out = Vec::new();
    let mut cur = span;
    while let Some(p) = by_id.get(cur.parent_span_id.as_str()) {
        out.push(*p);
        cur = p;
    }
    out
}

#[track_caller]
fn one<'a>(all: &'a [ExportedSpan], name: &str, kind: &str, trace: &str) -> &'a ExportedSpan {
    let found: Vec<_> = all
        .iter()
        .filter(|s| s.name == name && s.kind == kind && s.trace_id == trace)
        .collect();
    assert!(
        !found.is_empty(),
        "no {kind} span {name} in trace {trace}: {:#?}",
        all.iter()
            .map(|s| (&s.name, &s.kind, &s.trace_id))
            .collect::<Vec<_>>()
    );
    found[0]
}

/// The gateway's span `route` of `dialect` starts a trace that holds a `grpc.client` span of
/// `rpc` inside it, the user service's `grpc.server` span of `rpc` continuing that client span,
/// and the database span `db` inside the server span.
#[track_caller]
fn one_trace(all: &[ExportedSpan], route: &str, dialect: &str, rpc: &str, db: &str) {
    let http = all
        .iter()
        .find(|s| s.name == route && s.kind == "SPAN_KIND_SERVER")
        .unwrap_or_else(|| panic!("the gateway's span of {route}"));
    assert!(
        http.parent_span_id.is_empty(),
        "the request starts the trace"
    );
    assert!(
        http.attributes["roster.dialect"].contains(dialect),
        "{http:?}"
    );
    assert!(
        http.attributes["http.response.status_code"].contains("200"),
        "{http:?}"
    );
    let trace = http.trace_id.as_str();
    let client = one(all, rpc, "SPAN_KIND_CLIENT", trace);
    assert!(
        ancestors(client, all)
            .iter()
            .any(|a| a.span_id == http.span_id),
        "the gRPC client span is inside the gateway span"
    );
    let server = one(all, rpc, "SPAN_KIND_SERVER", trace);
    assert_eq!(
        server.parent_span_id, client.span_id,
        "the server span continues the client span through traceparent"
    );
    assert!(
        server.attributes["rpc.grpc.status_code"].contains("IntValue(0)"),
        "{server:?}"
    );
    let db = one(all, db, "SPAN_KIND_INTERNAL", trace);
    assert!(
        ancestors(db, all)
            .iter()
            .any(|a| a.span_id == server.span_id),
        "the database span is inside the server span"
    );
    let system = &db.attributes["db.system"];
    assert!(
        system.contains("\"sqlite\"") || system.contains("\"postgresql\""),
        "{db:?}"
    );
}

/// No span attribute carries any of `secrets`.
#[track_caller]
fn no_secrets(all: &[ExportedSpan], secrets: &[&str]) {
    for s in all {
        for (k, v) in &s.attributes {
            for secret in secrets {
                assert!(
                    !v.contains(secret),
                    "span {} attribute {k} leaks {secret}: {v}",
                    s.name
                );
            }
        }
    }
}

#[tokio::test]
async fn a_cloudapi_request_is_one_trace_from_the_gateway_through_grpc_to_the_database() {
    let (mut collector, telemetry) = collector().await;
    let cloud = Cloud::new().await;
    let bob = cloud.user("bob").await;
    assert_eq!(cloud.get("/acme/users").await.status, 200);

    let all = spans(&mut collector, &telemetry, 8).await;
    one_trace(
        &all,
        "GET /{account}/users",
        "cloudapi",
        "roster.v1.UserService/ListUsers",
        "db.users.list",
    );

    // The sub-user's creation hashed a password, in a span of its own under its request.
    let create = all
        .iter()
        .find(|s| s.name == "POST /{account}/users")
        .expect("the create request's span");
    let argon = all
        .iter()
        .find(|s| s.name == "argon2.hash" && s.trace_id == create.trace_id)
        .expect("an argon2 span in the create's trace");
    assert!(
        ancestors(argon, &all)
            .iter()
            .any(|a| a.span_id == create.span_id)
    );
    assert!(!bob.is_empty());

    // Nothing secret in any attribute: the password, signatures, tokens.
    no_secrets(
        &all,
        &["s3cret-Passw0rd", "Signature keyId", "Bearer ", "eyJ"],
    );
}

#[tokio::test]
async fn a_cloud_elements_request_is_one_trace_from_the_gateway_through_grpc_to_the_database() {
    let (mut collector, telemetry) = collector().await;
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    assert_eq!(ce.get("/users").await.status, 200);

    let all = spans(&mut collector, &telemetry, 8).await;
    one_trace(
        &all,
        "GET /elements/api-v2/users",
        "elements",
        "roster.v1.UserService/ListUsers",
        "db.users.list",
    );
    no_secrets(
        &all,
        &[&t.admin_secret, &t.organization_secret, "Bearer ", "eyJ"],
    );
}

#[tokio::test]
async fn a_forms_on_fire_request_is_one_trace_from_the_gateway_through_grpc_to_the_database() {
    let (mut collector, telemetry) = collector().await;
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let fof = FofClient::new(&app, &t);
    let email = t.admin.email.clone();
    assert_eq!(
        fof.get(Fmt::Xml, "/user", &[("Email", &email)])
            .await
            .status,
        200
    );

    let all = spans(&mut collector, &telemetry, 8).await;
    one_trace(
        &all,
        "GET /api/v2/user",
        "formsonfire",
        "roster.v1.UserService/GetUser",
        "db.users.get",
    );
    no_secrets(&all, &[&t.integration_key, "Bearer ", "eyJ"]);
}

#[tokio::test]
async fn a_surecloud_patch_is_one_trace_from_the_gateway_through_grpc_to_the_database() {
    let (mut collector, telemetry) = collector().await;
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let users = sc
        .patch_ok(serde_json::json!([{"email": "trace@acme.test", "role": "CONTRIBUTOR"}]))
        .await;
    assert_eq!(users.len(), 1);

    // The token's own request makes spans too: wait for all of them (or the timeout).
    let all = spans(&mut collector, &telemetry, 64).await;
    one_trace(
        &all,
        "PATCH /restful/v1/user",
        "surecloud",
        "roster.v1.UserService/BatchUpsertUsers",
        "db.users.upsert_batch",
    );
    no_secrets(&all, &[&sc.token, "Bearer ", "eyJ"]);
}

#[tokio::test]
async fn an_internal_callers_trace_context_is_continued() {
    let (mut collector, telemetry) = collector().await;
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let parent = "00f067aa0ba902b7";
    let mut req = tonic::Request::new(get_by(pb::user_key::Key::Login("acme".into())));
    req.metadata_mut().insert(
        "traceparent",
        format!("00-{trace}-{parent}-01").parse().unwrap(),
    );
    app.users(&t.token).get_user(req).await.unwrap();

    let all = spans(&mut collector, &telemetry, 2).await;
    let server = one(
        &all,
        "roster.v1.UserService/GetUser",
        "SPAN_KIND_SERVER",
        trace,
    );
    assert_eq!(server.parent_span_id, parent);
    let db = one(&all, "db.users.get", "SPAN_KIND_INTERNAL", trace);
    assert!(
        ancestors(db, &all)
            .iter()
            .any(|a| a.span_id == server.span_id)
    );
}
