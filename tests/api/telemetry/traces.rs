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
use std::time::{Duration, Instant};

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

/// Every span exported until `done` holds of them, or 10 s pass. Waiting for a count is not
/// enough: the user service's span of a call ends, and is exported, a moment after the gateway
/// already has its answer, so a count can be reached by earlier spans while it is missing.
async fn spans(
    collector: &mut FakeCollectorServer,
    telemetry: &Telemetry,
    done: impl Fn(&[ExportedSpan]) -> bool,
) -> Vec<ExportedSpan> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut all = Vec::new();
    loop {
        telemetry.flush();
        all.extend(
            collector
                .exported_spans(1, Duration::from_millis(200))
                .await,
        );
        if done(&all) || Instant::now() > deadline {
            return all;
        }
    }
}

/// Whether `all` holds a span `name` of `kind` in a trace `in_trace` accepts.
fn has(all: &[ExportedSpan], name: &str, kind: &str, in_trace: impl Fn(&str) -> bool) -> bool {
    all.iter()
        .any(|s| s.name == name && s.kind == kind && in_trace(&s.trace_id))
}

/// The spans once the gateway's `route` span has, in its trace, the user service's `rpc` span
/// and the database's `db` span; then checked by [`one_trace`].
async fn traced(
    collector: &mut FakeCollectorServer,
    telemetry: &Telemetry,
    route: &str,
    dialect: &str,
    rpc: &str,
    db: &str,
) -> Vec<ExportedSpan> {
    let all = spans(collector, telemetry, |all| {
        all.iter()
            .filter(|r| r.name == route && r.kind == "SPAN_KIND_SERVER")
            .any(|r| {
                let here = |t: &str| t == r.trace_id;
                has(all, rpc, "SPAN_KIND_SERVER", here) && has(all, db, "SPAN_KIND_INTERNAL", here)
            })
    })
    .await;
    one_trace(&all, route, dialect, rpc, db);
    all
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

    let all = traced(
        &mut collector,
        &telemetry,
        "GET /{account}/users",
        "cloudapi",
        "roster.v1.UserService/ListUsers",
        "db.users.list",
    )
    .await;

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

    let all = traced(
        &mut collector,
        &telemetry,
        "GET /elements/api-v2/users",
        "elements",
        "roster.v1.UserService/ListUsers",
        "db.users.list",
    )
    .await;
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

    let all = traced(
        &mut collector,
        &telemetry,
        "GET /api/v2/user",
        "formsonfire",
        "roster.v1.UserService/GetUser",
        "db.users.get",
    )
    .await;
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

    let all = traced(
        &mut collector,
        &telemetry,
        "PATCH /restful/v1/user",
        "surecloud",
        "roster.v1.UserService/BatchUpsertUsers",
        "db.users.upsert_batch",
    )
    .await;
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

    let all = spans(&mut collector, &telemetry, |all| {
        let here = |t: &str| t == trace;
        has(
            all,
            "roster.v1.UserService/GetUser",
            "SPAN_KIND_SERVER",
            here,
        ) && has(all, "db.users.get", "SPAN_KIND_INTERNAL", here)
    })
    .await;
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
