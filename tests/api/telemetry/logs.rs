//! One structured log line per request, with the trace id, from the real binary.

use crate::support::roster_bin;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncBufReadExt as _;

#[tokio::test]
async fn every_request_logs_one_json_line_with_its_trace_id() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::TestDb::create(dir.path()).await;
    let mut child = tokio::process::Command::new(roster_bin())
        .arg("serve")
        .env("ROSTER_DATA_DIR", dir.path())
        .env("ROSTER_DATABASE_URL", &db.url)
        .env("ROSTER_GRPC_ADDR", "127.0.0.1:0")
        .env("ROSTER_HTTP_ADDR", "127.0.0.1:0")
        .env("ROSTER_METRICS_ADDR", "127.0.0.1:0")
        .env("ROSTER_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut next = async || -> serde_json::Value {
        let line = tokio::time::timeout(Duration::from_mins(1), lines.next_line())
            .await
            .expect("a log line within a minute")
            .unwrap()
            .expect("roster serve keeps logging");
        serde_json::from_str(&line).unwrap_or_else(|_| panic!("not a JSON log line: {line}"))
    };
    let http = loop {
        let v = next().await;
        if v["message"] == "Gateway listening." {
            break v["addr"].as_str().unwrap().to_owned();
        }
    };
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let ping = reqwest::Client::new()
        .get(format!("http://{http}/--ping"))
        .header("traceparent", traceparent)
        .header("x-request-id", "req-42")
        .send()
        .await
        .unwrap();
    assert_eq!(ping.status(), 200);
    let line = loop {
        let v = next().await;
        if v["message"] == "Request handled." {
            break v;
        }
    };
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(line["route"], "/--ping", "{line}");
    assert_eq!(line["method"], "GET", "{line}");
    assert_eq!(line["status"], 200, "{line}");
    assert_eq!(line["dialect"], "cloudapi", "{line}");
    assert_eq!(line["request_id"], "req-42", "{line}");
    assert_eq!(
        line["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736",
        "the client's trace continues: {line}"
    );
    let _ = child.kill().await;
}
