//! `make soak`: a mixed load of every dialect and gRPC against one `roster serve` for a set
//! time, watched in windows of a tenth of the run. It fails on any 5xx or failed call, on
//! resident memory growing 10% or more after the first window (the warm-up), and on open file
//! descriptors growing past the warm-up's by more than a few; runs of five minutes or more
//! also fail when a window's p99 latency is over twice the first window's (shorter runs, as
//! CI's, only report it: a minute on a shared machine is too noisy to judge latency by).

use crate::cloudapi::{Signer, ssh_string};
use crate::grpc::authed;
use crate::server::{Served, cli, proc_kib, roster_bin, tenant_json};
use anyhow::{Context, Result, bail, ensure};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::SigningKey;
use roster_proto::v1 as pb;
use roster_proto::v1::user_service_client::UserServiceClient;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use tonic::transport::{Channel, Endpoint};

const CONCURRENCY: usize = 8;
const USERS: usize = 200;
const WINDOWS: usize = 10;
const LATENCY_JUDGED_FROM: Duration = Duration::from_mins(5);
const TENANT: &str = "soak";

/// Everything a call needs: one tenant's credentials for every door.
struct Doors {
    http: reqwest::Client,
    base: String,
    grpc: UserServiceClient<Channel>,
    token: String,
    signer: Signer,
    jwt: String,
    elements: String,
    formsonfire: String,
    scim: String,
    /// SCIM ids of the seeded users, `USERS / CONCURRENCY` a worker.
    ids: Vec<String>,
}

/// Calls the soak makes, in turn.
const CALLS: usize = 8;

impl Doors {
    /// The `n`-th call of worker `w`: its HTTP status (gRPC: 200 or 500 + the code).
    async fn call(&self, w: usize, n: usize) -> u16 {
        let user = (w * 31 + n) % USERS;
        let mine = &self.ids[(w * (USERS / CONCURRENCY) + n % (USERS / CONCURRENCY)) % USERS];
        let http = &self.http;
        let base = &self.base;
        let rest = match n % CALLS {
            0 => return self.grpc_get(user).await,
            1 => return self.grpc_create(w, n).await,
            2 => {
                let target = format!("/{TENANT}/users/user{user}");
                let (date, auth) = self.signer.headers("get", &target);
                http.get(format!("{base}{target}"))
                    .header("date", date)
                    .header("authorization", auth)
            }
            3 => {
                let users: Vec<Value> = (0..5)
                    .map(|k| {
                        json!({"email": format!("sc{w}-{k}@soak.test"), "name": format!("Soak {w} {k}"),
                               "jobTitle": format!("t{n}"), "role": "CONTRIBUTOR"})
                    })
                    .collect();
                http.patch(format!("{base}/restful/v1/user"))
                    .bearer_auth(&self.jwt)
                    .header("accept", "application/json")
                    .json(&json!({ "users": users }))
            }
            4 => http
                .get(format!("{base}/elements/api-v2/users?pageSize=20"))
                .header("authorization", &self.elements),
            5 => http.get(format!(
                "{base}/api/v2/user/search?format=json&{}&PageSize=20&PageNo=0",
                self.formsonfire
            )),
            6 => match reqwest::Url::parse_with_params(
                &format!("{base}/scim/v2/Users"),
                &[("filter", format!("userName eq \"user{user}\""))],
            ) {
                Ok(url) => http.get(url).bearer_auth(&self.scim),
                Err(_) => return 0,
            },
            _ => http
                .patch(format!("{base}/scim/v2/Users/{mine}"))
                .bearer_auth(&self.scim)
                .header("content-type", "application/scim+json")
                .body(
                    json!({
                        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                        "Operations": [{ "op": "replace", "path": "title", "value": format!("T{n}") }],
                    })
                    .to_string(),
                ),
        };
        match rest.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                // The whole body is part of the call.
                if r.bytes().await.is_err() {
                    return 0;
                }
                status
            }
            Err(_) => 0,
        }
    }

    async fn grpc_get(&self, user: usize) -> u16 {
        let r = self
            .grpc
            .clone()
            .get_user(authed(
                pb::GetUserRequest {
                    key: Some(pb::UserKey {
                        key: Some(pb::user_key::Key::Login(format!("user{user}"))),
                    }),
                },
                &self.token,
            ))
            .await;
        grpc_status(r.err())
    }

    async fn grpc_create(&self, w: usize, n: usize) -> u16 {
        let r = self
            .grpc
            .clone()
            .create_user(authed(
                pb::CreateUserRequest {
                    user: Some(pb::User {
                        email: format!("new-{w}-{n}@soak.test"),
                        ..Default::default()
                    }),
                    password: None,
                    request_id: String::new(),
                },
                &self.token,
            ))
            .await;
        grpc_status(r.err())
    }
}

/// A gRPC answer as a status: 200, 503 for "try later" and unavailable, 400 for what the
/// caller got wrong, else 500.
fn grpc_status(e: Option<tonic::Status>) -> u16 {
    use tonic::Code;
    match e.map(|e| e.code()) {
        None => 200,
        Some(Code::Unavailable | Code::ResourceExhausted) => 503,
        Some(
            Code::InvalidArgument
            | Code::NotFound
            | Code::AlreadyExists
            | Code::FailedPrecondition
            | Code::PermissionDenied
            | Code::Unauthenticated,
        ) => 400,
        Some(_) => 500,
    }
}

/// The tenant `soak` with an Ed25519 owner key, `USERS` users and a credential for each door.
async fn open_doors(served: &Served) -> Result<Doors> {
    let key = SigningKey::from_bytes(&[11; 32]);
    let mut blob = Vec::new();
    ssh_string(&mut blob, b"ssh-ed25519");
    ssh_string(&mut blob, key.verifying_key().as_bytes());
    let line = format!("ssh-ed25519 {} soak", STANDARD.encode(&blob));
    let fp = roster_httpsig::PublicKey::parse_openssh(&line)?.fingerprint_md5();
    let key_file = served.dir.join("soak.pub");
    std::fs::write(&key_file, &line)?;
    let t = tenant_json(
        &roster_bin()?,
        &served.dir,
        &served.database_url,
        TENANT,
        Some(&key_file),
    )
    .await?;
    let token = t["token"].as_str().context("token")?.to_owned();
    let grpc = UserServiceClient::new(
        Endpoint::from_shared(format!("http://{}", served.grpc))?
            .tcp_nodelay(true)
            .connect()
            .await?,
    );
    let http = reqwest::Client::builder().tcp_nodelay(true).build()?;
    let base = format!("http://{}", served.http);
    let scim = cli(
        served,
        &["scim-token", "issue", "--tenant", TENANT, "--name", "soak"],
    )
    .await?;
    let mut ids = Vec::new();
    for i in 0..USERS {
        let u = grpc
            .clone()
            .create_user(authed(
                pb::CreateUserRequest {
                    user: Some(pb::User {
                        login: format!("user{i}"),
                        email: format!("user{i}@soak.test"),
                        ..Default::default()
                    }),
                    password: None,
                    request_id: String::new(),
                },
                &token,
            ))
            .await?;
        ids.push(u.into_inner().id);
    }
    let secret = cli(
        served,
        &[
            "user",
            "secret-key",
            "issue",
            "--tenant",
            TENANT,
            "--email",
            "admin@bench.test",
        ],
    )
    .await?;
    let jwt: Value = http
        .post(format!("{base}/restful/v1/token"))
        .json(&json!({"email": "admin@bench.test", "secretKey": secret}))
        .send()
        .await?
        .json()
        .await?;
    Ok(Doors {
        jwt: jwt["token"]
            .as_str()
            .context("a SureCloud token")?
            .to_owned(),
        elements: format!(
            "User {}, Organization {}",
            t["admin"]["secret"].as_str().context("secret")?,
            t["organization_secret"].as_str().context("org secret")?
        ),
        formsonfire: format!(
            "CompanyId={}&IntegrationKey={}",
            t["company_id"].as_i64().context("company id")?,
            t["integration_key"].as_str().context("integration key")?
        ),
        signer: Signer {
            key,
            key_id: format!("/{TENANT}/keys/{fp}"),
        },
        http,
        base,
        grpc,
        token,
        scim,
        ids,
    })
}

/// One window of the run.
#[derive(Debug, Default, Clone)]
struct Window {
    /// Microseconds.
    latencies: Vec<u64>,
    server_errors: usize,
    /// Transport errors and answers other than success.
    other_failures: usize,
    /// Failed calls (of either kind) by the call that failed, with the last status seen.
    failed_calls: [(usize, u16); CALLS],
    rss_kib: u64,
    /// Of which anonymous memory (heap, page caches) and file mappings.
    anon_kib: u64,
    file_kib: u64,
    fds: usize,
}

impl Window {
    fn p99_ms(&self) -> f64 {
        let mut l = self.latencies.clone();
        l.sort_unstable();
        let i = ((l.len() as f64 - 1.0) * 0.99).round() as usize;
        l.get(i).map_or(0.0, |us| *us as f64 / 1000.0)
    }
}

/// What a soak on one database shows.
#[derive(Debug)]
pub(crate) struct Figures {
    seconds: u64,
    windows: Vec<Window>,
}

impl Figures {
    fn calls(&self) -> usize {
        self.windows.iter().map(|w| w.latencies.len()).sum()
    }
    fn server_errors(&self) -> usize {
        self.windows.iter().map(|w| w.server_errors).sum()
    }
    fn other_failures(&self) -> usize {
        self.windows.iter().map(|w| w.other_failures).sum()
    }
    /// The worst later window's p99 over the first's.
    fn p99_ratio(&self) -> f64 {
        let first = self.windows.first().map_or(0.0, Window::p99_ms);
        let worst = self.windows[1..]
            .iter()
            .map(Window::p99_ms)
            .fold(0.0, f64::max);
        if first > 0.0 { worst / first } else { 0.0 }
    }
    /// Resident memory at the end over that after the warm-up, as growth in percent.
    fn rss_growth(&self) -> f64 {
        let warm = self.windows.first().map_or(0, |w| w.rss_kib) as f64;
        let last = self.windows.last().map_or(0, |w| w.rss_kib) as f64;
        if warm > 0.0 {
            (last - warm) / warm * 100.0
        } else {
            0.0
        }
    }
    fn fd_growth(&self) -> i64 {
        let fds = |w: Option<&Window>| i64::try_from(w.map_or(0, |w| w.fds)).unwrap_or(0);
        let max_later = self.windows[1..].iter().map(|w| fds(Some(w))).max();
        max_later.unwrap_or(0) - fds(self.windows.first())
    }

    /// The criteria, as the reasons this run fails them.
    fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.server_errors() > 0 || self.other_failures() > 0 {
            let mut by_call = [(0, 0); CALLS];
            for w in &self.windows {
                for (c, (n, status)) in w.failed_calls.iter().enumerate() {
                    if *n > 0 {
                        by_call[c] = (by_call[c].0 + n, *status);
                    }
                }
            }
            out.push(format!(
                "{} 5xx and {} other failed calls (by call: {by_call:?})",
                self.server_errors(),
                self.other_failures()
            ));
        }
        if self.rss_growth() >= 10.0 {
            out.push(format!(
                "resident memory grew {:.1}% after the warm-up",
                self.rss_growth()
            ));
        }
        if self.fd_growth() > 5 {
            out.push(format!(
                "{} more open file descriptors than after the warm-up",
                self.fd_growth()
            ));
        }
        if Duration::from_secs(self.seconds) >= LATENCY_JUDGED_FROM && self.p99_ratio() > 2.0 {
            out.push(format!(
                "a window's p99 is {:.2}× the first's",
                self.p99_ratio()
            ));
        }
        out
    }
}

fn fd_count(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

/// Soaks a `roster serve` on `database_url` (SQLite when `None`) for `seconds`.
pub(crate) async fn run(database_url: Option<&str>, seconds: u64) -> Result<Figures> {
    let served = Served::start(database_url).await?;
    let figures = soak(&served, seconds).await;
    served.stop().await?;
    figures
}

async fn soak(served: &Served, seconds: u64) -> Result<Figures> {
    let doors = Arc::new(open_doors(served).await?);
    let window = Duration::from_secs(seconds).div_f64(WINDOWS as f64);
    let windows = Arc::new(Mutex::new(vec![Window::default(); WINDOWS]));
    let start = Instant::now();
    let end = start + Duration::from_secs(seconds);
    let workers = (0..CONCURRENCY).map(|w| {
        let (doors, windows) = (Arc::clone(&doors), Arc::clone(&windows));
        tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < end {
                let t = Instant::now();
                let status = doors.call(w, n).await;
                let took = u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX);
                let i = ((t - start).as_secs_f64() / window.as_secs_f64()) as usize;
                let mut ws = windows.lock().await;
                let slot = &mut ws[i.min(WINDOWS - 1)];
                slot.latencies.push(took);
                match status {
                    200..=299 => {}
                    500..=599 => slot.server_errors += 1,
                    _ => slot.other_failures += 1,
                }
                if !(200..=299).contains(&status) {
                    let f = &mut slot.failed_calls[n % CALLS];
                    *f = (f.0 + 1, status);
                }
                n += 1;
            }
        })
    });
    let sampler = {
        let (windows, pid) = (Arc::clone(&windows), served.pid);
        tokio::spawn(async move {
            for i in 0..WINDOWS {
                tokio::time::sleep_until((start + window.mul_f64(i as f64 + 1.0)).into()).await;
                let mut ws = windows.lock().await;
                let w = &mut ws[i];
                w.rss_kib = proc_kib(pid, "VmRSS").unwrap_or(0);
                w.anon_kib = proc_kib(pid, "RssAnon").unwrap_or(0);
                w.file_kib = proc_kib(pid, "RssFile").unwrap_or(0);
                w.fds = fd_count(pid);
                // A line a window, so that growth can be seen levelling off or not.
                eprintln!(
                    "[soak] window {}: {} calls, p99 {:.1} ms, RSS {:.1} MiB (anonymous {:.1}, files {:.1}), {} fds",
                    i + 1,
                    w.latencies.len(),
                    w.p99_ms(),
                    w.rss_kib as f64 / 1024.0,
                    w.anon_kib as f64 / 1024.0,
                    w.file_kib as f64 / 1024.0,
                    w.fds
                );
            }
        })
    };
    for w in futures::future::join_all(workers).await {
        w.context("a soak worker")?;
    }
    sampler.await.context("the sampler")?;
    let windows = windows.lock().await.clone();
    ensure!(
        windows.iter().all(|w| !w.latencies.is_empty()),
        "an idle window"
    );
    Ok(Figures { seconds, windows })
}

pub(crate) fn report<'a>(rows: impl Iterator<Item = (&'a str, &'a Figures)>, date: &str) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Measured by `make soak`, {date} run: `roster serve` (release; CI runs the same for 60 s a database on its test build, figures in `target/soak.md`) under a closed-loop mixed load of {CONCURRENCY} callers taking turns through gRPC GetUser and CreateUser, a signed CloudAPI GetUser, a SureCloud PATCH of five users, a Cloud Elements page of 20, a Forms On Fire search page, a SCIM `userName eq` filter and a SCIM PATCH. The run is cut into {WINDOWS} windows; the first is the warm-up. Memory and open files are the server process's, sampled at the end of each window.\n"
    );
    let _ = writeln!(
        s,
        "| database | seconds | calls | calls/s | 5xx | other failures | p99 first window | worst later p99 ÷ first | RSS after warm-up → end | growth | open fds after warm-up → most |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
    for (name, f) in rows {
        let first = f.windows.first().cloned().unwrap_or_default();
        let last = f.windows.last().cloned().unwrap_or_default();
        let most = f.windows.iter().map(|w| w.fds).max().unwrap_or(0);
        let _ = writeln!(
            s,
            "| {name} | {} | {} | {:.0} | {} | {} | {:.1} ms | **{:.2}** | {:.1} → {:.1} MiB | **{:+.1}%** | {} → {most} |",
            f.seconds,
            f.calls(),
            f.calls() as f64 / f.seconds as f64,
            f.server_errors(),
            f.other_failures(),
            first.p99_ms(),
            f.p99_ratio(),
            first.rss_kib as f64 / 1024.0,
            last.rss_kib as f64 / 1024.0,
            f.rss_growth(),
            first.fds,
        );
    }
    s
}

/// Soaks SQLite and then PostgreSQL for `seconds` each, writes the section into `out`, and
/// fails when either run misses a criterion.
pub(crate) async fn section(out: &str, pg_admin: &str, seconds: u64) -> Result<()> {
    eprintln!("[soak] SQLite, {seconds} s");
    let sqlite = run(None, seconds).await?;
    eprintln!("[soak] PostgreSQL, {seconds} s");
    let postgres =
        crate::server::with_database(
            pg_admin,
            |url| async move { run(Some(&url), seconds).await },
        )
        .await?;
    let body = report(
        [("SQLite", &sqlite), ("PostgreSQL", &postgres)].into_iter(),
        &crate::chrono_free_date(),
    );
    print!("{body}");
    crate::write_section(out, "soak", &body)?;
    let failed: Vec<String> = [("SQLite", &sqlite), ("PostgreSQL", &postgres)]
        .iter()
        .flat_map(|(name, f)| {
            f.failures()
                .into_iter()
                .map(move |r| format!("{name}: {r}"))
        })
        .collect();
    if !failed.is_empty() {
        bail!("the soak failed: {}", failed.join("; "));
    }
    Ok(())
}
