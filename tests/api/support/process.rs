//! The real `roster` binary as a child process, as an operator (or Kubernetes) runs it:
//! settings in its environment, its JSON log read in the background (so that the pipe never
//! fills and blocks it), its addresses taken from its "listening" log lines, SIGTERM sent with
//! `kill`, and its exit status awaited.

use super::app::{server_key, token_keys};
use super::cloudapi::TestKey;
use super::db::TestDb;
use super::tools::roster_bin;
use std::net::SocketAddr;
use std::process::{ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncBufReadExt as _;
use tokio::sync::mpsc;

/// The signing keys every process of one test shares, as a Secret would give them.
pub(crate) fn key_env() -> Vec<(&'static str, String)> {
    vec![
        ("ROSTER_TOKEN_KEYS", token_keys()),
        ("ROSTER_SERVER_KEY", server_key()),
    ]
}

/// Runs a one-shot `roster` command (`migrate`, `tenant create`, ...) to completion.
pub(crate) async fn roster_command(args: &[&str], env: &[(&str, String)]) -> Output {
    tokio::process::Command::new(roster_bin())
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env_remove("RUST_LOG")
        .output()
        .await
        .expect("roster runs")
}

/// A running `roster serve`, `roster user-service` or `roster gateway`.
#[derive(Debug)]
pub(crate) struct RosterProcess {
    child: tokio::process::Child,
    pub(crate) grpc: Option<SocketAddr>,
    pub(crate) http: Option<SocketAddr>,
    /// The metrics listener (unless `ROSTER_METRICS_ADDR` is `off`).
    pub(crate) metrics: Option<SocketAddr>,
    log: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl RosterProcess {
    /// Starts `roster <command>` on loopback port 0 (unless `env` says otherwise) and waits
    /// until it has logged every listener that command opens.
    pub(crate) async fn start(command: &str, env: &[(&str, String)]) -> Self {
        let mut child = tokio::process::Command::new(roster_bin())
            .arg(command)
            .env("ROSTER_GRPC_ADDR", "127.0.0.1:0")
            .env("ROSTER_HTTP_ADDR", "127.0.0.1:0")
            .env("ROSTER_METRICS_ADDR", "127.0.0.1:0")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("ROSTER_LOG_FORMAT", "json")
            .env_remove("RUST_LOG")
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("roster starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, mut lines) = mpsc::unbounded_channel();
        let mut reader = tokio::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
        let sink = Arc::clone(&log);
        tokio::spawn(async move {
            while let Ok(Some(line)) = reader.next_line().await {
                let v = serde_json::from_str(&line)
                    .unwrap_or_else(|_| serde_json::json!({ "message": line }));
                sink.lock().expect("log lock").push(v.clone());
                let _ = tx.send(v);
            }
        });
        let wants_grpc = matches!(command, "serve" | "user-service");
        let wants_http = matches!(command, "serve" | "gateway");
        let wants_metrics = !env
            .iter()
            .any(|(k, v)| *k == "ROSTER_METRICS_ADDR" && v.eq_ignore_ascii_case("off"));
        let (mut grpc, mut http, mut metrics) = (None, None, None);
        while (wants_grpc && grpc.is_none())
            || (wants_http && http.is_none())
            || (wants_metrics && metrics.is_none())
        {
            let next = tokio::time::timeout(Duration::from_mins(1), lines.recv()).await;
            let Ok(Some(v)) = next else {
                panic!(
                    "roster {command} did not log its listeners; it logged: {:?}",
                    log.lock().expect("log lock")
                );
            };
            let addr = v["addr"].as_str().and_then(|a| a.parse().ok());
            match v["message"].as_str() {
                Some("User service listening.") => grpc = addr,
                Some("Gateway listening.") => http = addr,
                Some("Metrics listening.") => metrics = addr,
                _ => {}
            }
        }
        Self {
            child,
            grpc,
            http,
            metrics,
            log,
        }
    }

    /// `http://<gateway>`.
    pub(crate) fn http_url(&self) -> String {
        format!("http://{}", self.http.expect("a gateway"))
    }

    /// `http://<user service>`.
    pub(crate) fn grpc_url(&self) -> String {
        format!("http://{}", self.grpc.expect("a user service"))
    }

    /// Sends SIGTERM, as the kubelet does when a pod is deleted.
    pub(crate) fn sigterm(&self) {
        let pid = self.child.id().expect("still running").to_string();
        let ok = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs")
            .success();
        assert!(ok, "kill -TERM {pid} failed");
    }

    /// Sends SIGKILL: the process dies at once, mid-request, as in a crash.
    pub(crate) async fn kill(&mut self) {
        self.child.kill().await.expect("roster is killed");
    }

    /// The exit status, within two minutes.
    pub(crate) async fn wait(&mut self) -> ExitStatus {
        tokio::time::timeout(Duration::from_mins(2), self.child.wait())
            .await
            .expect("roster exits")
            .expect("exit status")
    }

    /// Every log line so far (JSON objects; other lines as `{"message": line}`).
    pub(crate) fn log(&self) -> Vec<serde_json::Value> {
        self.log.lock().expect("log lock").clone()
    }

    /// Whether a line with this message was logged.
    pub(crate) fn logged(&self, message: &str) -> bool {
        self.log().iter().any(|v| v["message"] == message)
    }
}

/// A database, a data directory and the shared keys: what every process of one test runs on.
#[derive(Debug)]
pub(crate) struct Installation {
    pub(crate) db: TestDb,
    pub(crate) dir: tempfile::TempDir,
}

impl Installation {
    /// A fresh database (PostgreSQL when `ROSTER_TEST_DATABASE_URL` is set), migrated with
    /// `roster migrate` as the chart's hook Job does.
    pub(crate) async fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = TestDb::create(dir.path()).await;
        let me = Self { db, dir };
        let out = roster_command(&["migrate"], &me.env()).await;
        assert!(
            out.status.success(),
            "roster migrate failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        me
    }

    /// The database URL, a data directory and the keys, as environment variables.
    pub(crate) fn env(&self) -> Vec<(&'static str, String)> {
        let mut env = key_env();
        env.push(("ROSTER_DATABASE_URL", self.db.url.clone()));
        env.push(("ROSTER_DATA_DIR", self.dir.path().display().to_string()));
        env
    }

    /// `roster tenant create <login> --ssh-key <owner key> --json`: the printed credentials.
    pub(crate) async fn tenant(&self, login: &str, owner: &TestKey) -> serde_json::Value {
        let key_file = self.dir.path().join(format!("{login}.pub"));
        std::fs::write(&key_file, owner.public_line("owner@laptop")).expect("write key");
        let admin = format!("owner@{login}.test");
        let key_path = key_file.display().to_string();
        let out = roster_command(
            &[
                "tenant",
                "create",
                login,
                "--admin-email",
                &admin,
                "--ssh-key",
                &key_path,
                "--json",
            ],
            &self.env(),
        )
        .await;
        assert!(
            out.status.success(),
            "roster tenant create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("tenant create prints JSON")
    }
}
