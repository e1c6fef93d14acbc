//! SCIM 2.0 against the Python reference server scim2-server (installed into `.tools/scim` by
//! `make tools`), run on the same machine in the same run, doing the same work over HTTP:
//! create users, filter `userName eq`, list pages of 100, PATCH one attribute. Figures are
//! throughputs and Roster's as a multiple of the reference's; and Roster's first page
//! against its last (`startIndex` paging over every user).

use crate::server::{Served, roster_bin, tenant_json};
use anyhow::{Context, Result, bail};
use futures::StreamExt as _;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// Users created in each run.
pub(crate) const USERS: usize = 2000;
/// Requests in flight at once.
const CONCURRENCY: usize = 8;
/// Filters, PATCHes and pages each.
const QUERIES: usize = 400;
const PAGE: usize = 100;
const REFERENCE_TOKEN: &str = "bench-reference-token";

/// How a row of the report reads its figure.
type Rate = fn(&Rates) -> f64;

/// One server's figures: operations per second.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Rates {
    pub(crate) create: f64,
    pub(crate) filter: f64,
    pub(crate) list: f64,
    pub(crate) patch: f64,
    /// Median latency of the first and of the last page of 100, ms.
    pub(crate) first_page_ms: f64,
    pub(crate) last_page_ms: f64,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Figures {
    pub(crate) roster: Rates,
    pub(crate) reference: Rates,
}

/// A SCIM server to drive: its base URL and bearer token.
struct Target {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Target {
    async fn send(&self, r: reqwest::RequestBuilder, want: &[u16]) -> Result<Value> {
        let res = r
            .bearer_auth(&self.token)
            .header("content-type", "application/scim+json")
            .send()
            .await?;
        let status = res.status().as_u16();
        let body = res.bytes().await?;
        if !want.contains(&status) {
            bail!("{status}: {}", String::from_utf8_lossy(&body));
        }
        Ok(serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    async fn create(&self, i: usize) -> Result<String> {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": format!("user{i:05}@bench.test"),
            "name": { "givenName": format!("Given{i}"), "familyName": format!("Family{i}") },
            "emails": [{ "value": format!("user{i:05}@bench.test"), "type": "work", "primary": true }],
            "active": true,
        });
        let v = self
            .send(
                self.http
                    .post(format!("{}/Users", self.base))
                    .body(body.to_string()),
                &[201],
            )
            .await?;
        Ok(v["id"].as_str().context("an id")?.to_owned())
    }

    async fn filter(&self, i: usize) -> Result<()> {
        let url = reqwest::Url::parse_with_params(
            &format!("{}/Users", self.base),
            &[("filter", format!("userName eq \"user{i:05}@bench.test\""))],
        )?;
        let v = self.send(self.http.get(url), &[200]).await?;
        if v["totalResults"] != 1 {
            bail!("filter found {}", v["totalResults"]);
        }
        Ok(())
    }

    async fn page(&self, start: usize) -> Result<Duration> {
        let url = reqwest::Url::parse_with_params(
            &format!("{}/Users", self.base),
            &[
                ("startIndex", start.to_string()),
                ("count", PAGE.to_string()),
            ],
        )?;
        let began = Instant::now();
        let v = self.send(self.http.get(url), &[200]).await?;
        let took = began.elapsed();
        if v["Resources"].as_array().map_or(0, Vec::len) == 0 {
            bail!("an empty page at {start}");
        }
        Ok(took)
    }

    async fn patch(&self, id: &str, i: usize) -> Result<()> {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{ "op": "replace", "path": "title", "value": format!("Title {i}") }],
        });
        self.send(
            self.http
                .patch(format!("{}/Users/{id}", self.base))
                .body(body.to_string()),
            // RFC 7644 §3.5.2: 200 with the resource (Roster), or 204 without (scim2-server).
            &[200, 204],
        )
        .await?;
        Ok(())
    }
}

/// Runs `n` calls of `call(i)`, `CONCURRENCY` at a time: calls per second.
async fn rate<F, Fut>(n: usize, call: F) -> Result<f64>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let began = Instant::now();
    let results: Vec<Result<()>> = futures::stream::iter(0..n)
        .map(call)
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for r in results {
        r?;
    }
    Ok(n as f64 / began.elapsed().as_secs_f64())
}

fn median_ms(mut v: Vec<Duration>) -> f64 {
    v.sort_unstable();
    v.get(v.len() / 2).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

async fn measure(t: &Target) -> Result<Rates> {
    let began = Instant::now();
    let ids: Vec<Result<String>> = futures::stream::iter(0..USERS)
        .map(|i| t.create(i))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let create = USERS as f64 / began.elapsed().as_secs_f64();
    let ids = ids.into_iter().collect::<Result<Vec<_>>>()?;
    let filter = rate(QUERIES, |i| t.filter((i * 7919) % USERS)).await?;
    let pages = USERS / PAGE;
    let list = rate(QUERIES, |i| async move {
        t.page((i % pages) * PAGE + 1).await.map(|_| ())
    })
    .await?;
    let mut first_pages = Vec::new();
    let mut last_pages = Vec::new();
    for _ in 0..30 {
        first_pages.push(t.page(1).await?);
        last_pages.push(t.page(USERS - PAGE + 1).await?);
    }
    let ids = &ids;
    let patch = rate(
        QUERIES,
        |i| async move { t.patch(&ids[i % ids.len()], i).await },
    )
    .await?;
    Ok(Rates {
        create,
        filter,
        list,
        patch,
        first_page_ms: median_ms(first_pages),
        last_page_ms: median_ms(last_pages),
    })
}

/// scim2-server on a free port of loopback.
async fn reference() -> Result<(Child, String)> {
    let bin = Path::new(".tools/scim/bin/scim2-server");
    if !bin.exists() {
        bail!("{} is missing: run `make tools`", bin.display());
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new(bin)
        .args(["--hostname", "127.0.0.1", "--port", &port.to_string()])
        .args(["--bearer-token", REFERENCE_TOKEN])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?;
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if reqwest::get(format!("{base}/ServiceProviderConfig"))
            .await
            .is_ok()
        {
            return Ok((child, base));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("scim2-server did not start")
}

/// A provisioning token of the tenant, from the CLI.
async fn provisioning_token(served: &Served, tenant: &str) -> Result<String> {
    let out = Command::new(roster_bin()?)
        .arg("--data-dir")
        .arg(&served.dir)
        .args(["--database-url", &served.database_url])
        .args(["scim-token", "issue", "--tenant", tenant, "--name", "bench"])
        .output()
        .await?;
    if !out.status.success() {
        bail!("scim-token issue: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

pub(crate) async fn run(database_url: Option<&str>) -> Result<Figures> {
    let http = reqwest::Client::builder().tcp_nodelay(true).build()?;
    let served = Served::start(database_url).await?;
    let roster = async {
        tenant_json(
            &roster_bin()?,
            &served.dir,
            &served.database_url,
            "scimbench",
            None,
        )
        .await?;
        let target = Target {
            http: http.clone(),
            base: format!("http://{}/scim/v2", served.http),
            token: provisioning_token(&served, "scimbench").await?,
        };
        eprintln!("[scim] Roster");
        measure(&target).await
    }
    .await;
    served.stop().await?;
    let (mut child, base) = reference().await?;
    eprintln!("[scim] scim2-server");
    let reference = measure(&Target {
        http,
        base,
        token: REFERENCE_TOKEN.to_owned(),
    })
    .await;
    child.kill().await.ok();
    Ok(Figures {
        roster: roster?,
        reference: reference?,
    })
}

pub(crate) fn report<'a>(rows: impl Iterator<Item = (&'a str, &'a Figures)>, date: &str) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Measured by `make bench`, {date} run: Roster (release `roster serve`, one tenant, a provisioning token) and the Python reference server scim2-server 0.8.3 (in memory) on the same machine, in the same run, each driven over loopback HTTP by the same client with {CONCURRENCY} requests in flight: create {USERS} users, {QUERIES} `filter=userName eq \"…\"`, {QUERIES} pages of {PAGE} by `startIndex`, {QUERIES} PATCHes of `title`. Figures are operations per second and Roster's as a multiple of the reference's; then Roster's median latency of the first page against the last (30 each).\n"
    );
    let _ = writeln!(
        s,
        "| database | work | Roster /s | scim2-server /s | **Roster ÷ reference** |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|");
    for (name, f) in rows {
        let pick: [(&str, Rate); 4] = [
            ("create", |r| r.create),
            ("filter userName eq", |r| r.filter),
            ("list a page of 100", |r| r.list),
            ("PATCH one attribute", |r| r.patch),
        ];
        for (work, get) in pick {
            let (a, b) = (get(&f.roster), get(&f.reference));
            let _ = writeln!(
                s,
                "| {name} | {work} | {a:.0} | {b:.0} | **{:.1}×** |",
                a / b
            );
        }
        let (first, last) = (f.roster.first_page_ms, f.roster.last_page_ms);
        let _ = writeln!(
            s,
            "| {name} | Roster: page {} ÷ page 1, p50 {last:.2} ms ÷ {first:.2} ms | | | **{:.2}** |",
            USERS / PAGE,
            last / first
        );
    }
    s
}

/// Runs the section on both databases and writes it into `out`.
pub(crate) async fn section(out: &str, pg_admin: &str) -> Result<()> {
    let sqlite = run(None).await?;
    let postgres =
        crate::server::with_database(pg_admin, |url| async move { run(Some(&url)).await }).await?;
    let body = report(
        [("SQLite", &sqlite), ("PostgreSQL", &postgres)].into_iter(),
        &crate::chrono_free_date(),
    );
    print!("{body}");
    crate::write_section(out, "scim", &body)
}
