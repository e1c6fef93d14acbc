//! A release `roster serve` in a child process, on port 0, with its own data directory.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncBufReadExt as _;
use tokio::process::{Child, Command};

#[derive(Debug)]
pub(crate) struct Served {
    child: Child,
    pub(crate) grpc: String,
    pub(crate) http: String,
    pub(crate) pid: u32,
    pub(crate) dir: std::path::PathBuf,
    pub(crate) database_url: String,
    pub(crate) token: String,
    _dir: tempfile::TempDir,
}

/// The `roster` binary next to this one (both built by `make bench` in release).
pub(crate) fn roster_bin() -> Result<PathBuf> {
    let me = std::env::current_exe()?;
    let bin = me.parent().context("binary directory")?.join("roster");
    if !bin.exists() {
        bail!(
            "{} is missing: build with `cargo build --release -p roster`",
            bin.display()
        );
    }
    Ok(bin)
}

/// Kibibytes of a /proc/<pid>/status field (VmRSS, VmHWM).
pub(crate) fn proc_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Creates tenant `login` (with an owner key file, if given) and returns its token.
pub(crate) async fn tenant_token(
    bin: &Path,
    dir: &Path,
    db: &str,
    login: &str,
    ssh_key: Option<&Path>,
) -> Result<String> {
    let v = tenant_json(bin, dir, db, login, ssh_key).await?;
    Ok(v["token"].as_str().context("token")?.to_owned())
}

/// Creates tenant `login` and returns what `roster tenant create --json` prints (token,
/// company id, integration key, ...).
pub(crate) async fn tenant_json(
    bin: &Path,
    dir: &Path,
    db: &str,
    login: &str,
    ssh_key: Option<&Path>,
) -> Result<serde_json::Value> {
    let mut cmd = Command::new(bin);
    cmd.args(["--data-dir"]).arg(dir).args([
        "--database-url",
        db,
        "tenant",
        "create",
        login,
        "--admin-email",
        "admin@bench.test",
        "--json",
    ]);
    if let Some(k) = ssh_key {
        cmd.arg("--ssh-key").arg(k);
    }
    let out = cmd.output().await?;
    if !out.status.success() {
        bail!(
            "tenant create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// `roster <args>` on the served database; its standard output.
pub(crate) async fn cli(served: &Served, args: &[&str]) -> Result<String> {
    let out = Command::new(roster_bin()?)
        .arg("--data-dir")
        .arg(&served.dir)
        .args(["--database-url", &served.database_url])
        .args(args)
        .output()
        .await?;
    if !out.status.success() {
        bail!("roster {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

impl Served {
    pub(crate) async fn start(database_url: Option<&str>) -> Result<Self> {
        Self::start_with(database_url, &[]).await
    }

    /// As [`Served::start`], with more settings in the environment.
    pub(crate) async fn start_with(
        database_url: Option<&str>,
        env: &[(&str, String)],
    ) -> Result<Self> {
        let bin = roster_bin()?;
        let dir = tempfile::tempdir()?;
        let db = database_url.map_or_else(
            || {
                format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("roster.db").display()
                )
            },
            str::to_owned,
        );
        let mut child = Command::new(&bin)
            .arg("serve")
            .env("ROSTER_DATA_DIR", dir.path())
            .env("ROSTER_DATABASE_URL", &db)
            .env("ROSTER_GRPC_ADDR", "127.0.0.1:0")
            .env("ROSTER_HTTP_ADDR", "127.0.0.1:0")
            .env("ROSTER_METRICS_ADDR", "127.0.0.1:0")
            .env("ROSTER_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let pid = child.id().context("pid")?;
        let [grpc, http] = listening(
            &mut child,
            ["User service listening.", "Gateway listening."],
        )
        .await?;
        let token = tenant_token(&bin, dir.path(), &db, "bench", None).await?;
        Ok(Self {
            child,
            grpc,
            http,
            pid,
            token,
            dir: dir.path().to_path_buf(),
            database_url: db,
            _dir: dir,
        })
    }

    /// A `roster gateway` of its own in front of this server's user service, over loopback
    /// gRPC, as a split deployment runs it; its HTTP address.
    pub(crate) async fn split_gateway(&self) -> Result<(Child, String)> {
        let mut child = Command::new(roster_bin()?)
            .arg("gateway")
            .env("ROSTER_DATA_DIR", &self.dir)
            .env("ROSTER_USER_SERVICE_URL", format!("http://{}", self.grpc))
            .env("ROSTER_HTTP_ADDR", "127.0.0.1:0")
            .env("ROSTER_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let [http] = listening(&mut child, ["Gateway listening."]).await?;
        Ok((child, http))
    }

    pub(crate) async fn stop(mut self) -> Result<()> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .await;
        tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await??;
        Ok(())
    }
}

/// The `addr` of each of the JSON log lines `messages` (in that order) that `child` writes to
/// its stderr as it starts; its logs are drained from then on, so that it never blocks on a
/// full pipe.
async fn listening<const N: usize>(child: &mut Child, messages: [&str; N]) -> Result<[String; N]> {
    let mut lines = tokio::io::BufReader::new(child.stderr.take().context("stderr")?).lines();
    let mut found: [Option<String>; N] = std::array::from_fn(|_| None);
    while found.iter().any(Option::is_none) {
        let line = tokio::time::timeout(Duration::from_mins(1), lines.next_line())
            .await
            .context("roster did not start")??
            .context("roster exited")?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        for (message, slot) in messages.iter().zip(found.iter_mut()) {
            if v["message"] == *message {
                *slot = v["addr"].as_str().map(str::to_owned);
            }
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(found.map(Option::unwrap_or_default))
}

/// A fresh PostgreSQL database for one run; dropped by `drop_database`.
pub(crate) async fn create_database(admin_url: &str) -> Result<(String, String)> {
    let name = format!("roster_bench_{}", uuid::Uuid::new_v4().simple());
    let st = Command::new("psql")
        .args([admin_url, "-qc", &format!("CREATE DATABASE {name}")])
        .status()
        .await?;
    if !st.success() {
        bail!("cannot create database {name} on {admin_url}");
    }
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    Ok((format!("{base}/{name}"), name))
}

/// Refreshes the planner's statistics on PostgreSQL (nothing on SQLite). A seed calls it
/// after its first batch and at its end: with autovacuum off (as on the local cluster here)
/// the planner would go on believing the table empty, and cached plans of the per-item
/// lookups turn into scans that make seeding quadratic. A production database analyzes by
/// itself; the figures measured after seeding are those of a database with statistics.
pub(crate) async fn analyze(database_url: &str) -> Result<()> {
    if !database_url.starts_with("postgres") {
        return Ok(());
    }
    let st = Command::new("psql")
        .args([database_url, "-qc", "ANALYZE"])
        .status()
        .await?;
    if !st.success() {
        bail!("ANALYZE failed on {database_url}");
    }
    Ok(())
}

/// Runs `f` on a fresh PostgreSQL database (its URL), dropping the database afterwards.
pub(crate) async fn with_database<T, F, Fut>(admin_url: &str, f: F) -> Result<T>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let (url, name) = create_database(admin_url).await?;
    let r = f(url).await;
    drop_database(admin_url, &name).await;
    r
}

pub(crate) async fn drop_database(admin_url: &str, name: &str) {
    let _ = Command::new("psql")
        .args([
            admin_url,
            "-qc",
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        ])
        .status()
        .await;
}

/// CPU seconds (user + system) a process has used so far.
pub(crate) fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    // Linux reports clock ticks of 1/100 s on every platform Roster runs on.
    ticks / 100.0
}

/// CPU seconds used so far by every process named `name` (the PostgreSQL server's backends).
pub(crate) fn cpu_seconds_of(name: &str) -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        })
        .map(|pid| cpu_seconds(&pid))
        .sum()
}
