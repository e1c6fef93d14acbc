//! Cloud Elements through the gateway on 100 000 users of one tenant: the first and the last
//! page of a walk with pageSize 200 (keyset pages: the ratio should stay near 1), and CEQL
//! queries on `email` and on `createdDate` against the same query once the index serving it
//! is dropped (a full scan of the tenant's rows).

use crate::grpc::authed;
use crate::server::{Served, roster_bin, tenant_json};
use anyhow::{Context, Result};
use roster_proto::v1 as pb;
use roster_proto::v1::user_service_client::UserServiceClient;
use sea_orm::ConnectionTrait as _;
use std::time::{Duration, Instant};
use tonic::transport::Endpoint;

pub(crate) const USERS: usize = 100_000;
/// Users per batch, each batch with one creation time (so a time names 1 000 users).
const BATCH: usize = 1000;
const PAGE: usize = 200;
const WALKS: usize = 3;
const QUERY_RUNS: usize = 30;

/// Latencies of repeated calls.
#[derive(Debug, Default)]
pub(crate) struct Samples(Vec<Duration>);

impl Samples {
    fn record(&mut self, d: Duration) {
        self.0.push(d);
    }

    fn median_ms(&self) -> f64 {
        let mut v = self.0.clone();
        v.sort_unstable();
        v.get(v.len() / 2).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }
}

#[derive(Debug)]
pub(crate) struct Figures {
    pub(crate) first_page: Samples,
    pub(crate) last_page: Samples,
    pub(crate) pages: usize,
    pub(crate) email: [Samples; 2],
    pub(crate) created: [Samples; 2],
}

async fn seed(served: &Served, token: &str) -> Result<String> {
    let channel = Endpoint::from_shared(format!("http://{}", served.grpc))?
        .connect()
        .await?;
    let mut users = UserServiceClient::new(channel)
        .max_decoding_message_size(256 * 1024 * 1024)
        .max_encoding_message_size(256 * 1024 * 1024);
    for b in 0..USERS / BATCH {
        let items = (b * BATCH..(b + 1) * BATCH)
            .map(|i| pb::UpsertUserItem {
                key: Some(pb::UserKey {
                    key: Some(pb::user_key::Key::Email(format!("u{i}@bench.test"))),
                }),
                user: Some(pb::User {
                    first_name: Some(format!("First{i}")),
                    last_name: Some(format!("Last{i}")),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["first_name".into(), "last_name".into()],
                }),
                create_if_missing: true,
                lenient_groups: false,
            })
            .collect();
        crate::grpc::upsert_all(&mut users, token, items).await?;
        if b == 0 {
            crate::server::analyze(&served.database_url).await?;
        }
    }
    crate::server::analyze(&served.database_url).await?;
    // The creation time of the middle batch, to the microsecond.
    let mid = users
        .get_user(authed(
            pb::GetUserRequest {
                key: Some(pb::UserKey {
                    key: Some(pb::user_key::Key::Email(format!(
                        "u{}@bench.test",
                        USERS / 2
                    ))),
                }),
            },
            token,
        ))
        .await?
        .into_inner()
        .create_time
        .context("create time")?;
    let t = time::OffsetDateTime::from_unix_timestamp(mid.seconds)?
        .replace_nanosecond(u32::try_from(mid.nanos).unwrap_or(0))?;
    Ok(t.format(&time::format_description::well_known::Rfc3339)?)
}

struct Client {
    http: reqwest::Client,
    base: String,
    authorization: String,
}

impl Client {
    /// One GET of `/users`: its latency, body length in users, and next token.
    async fn page(&self, query: &[(&str, &str)]) -> Result<(Duration, usize, String)> {
        let url = reqwest::Url::parse_with_params(
            &format!("{}/elements/api-v2/users", self.base),
            query,
        )?;
        let started = Instant::now();
        let res = self
            .http
            .get(url)
            .header("authorization", &self.authorization)
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "status {}", res.status());
        let count: usize = res
            .headers()
            .get("elements-returned-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .context("returned count")?;
        let next = res
            .headers()
            .get("elements-next-page-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        res.bytes().await?;
        Ok((started.elapsed(), count, next))
    }

    async fn repeat(&self, query: &[(&str, &str)], want: usize) -> Result<Samples> {
        let mut r = Samples::default();
        for _ in 0..QUERY_RUNS {
            let (took, n, _) = self.page(query).await?;
            anyhow::ensure!(n == want, "{query:?} returned {n} users, not {want}");
            r.record(took);
        }
        Ok(r)
    }
}

async fn drop_index(database_url: &str, index: &str) -> Result<()> {
    let store =
        roster_storage::Store::connect(database_url, &roster_storage::StoreOptions::default())
            .await?;
    store
        .connection()
        .execute_unprepared(&format!("DROP INDEX {index}"))
        .await?;
    Ok(())
}

/// A `roster serve` on `database_url` (SQLite when `None`), measured, then stopped.
pub(crate) async fn run(database_url: Option<&str>) -> Result<Figures> {
    let served = Served::start(database_url).await?;
    let figures = measure(&served).await;
    served.stop().await?;
    figures
}

async fn measure(served: &Served) -> Result<Figures> {
    let t = tenant_json(
        &roster_bin()?,
        &served.dir,
        &served.database_url,
        "ceorg",
        None,
    )
    .await?;
    let token = t["token"].as_str().context("token")?;
    eprintln!("[elements] seeding {USERS} users");
    let mid_created = seed(served, token).await?;
    let client = Client {
        http: reqwest::Client::builder().tcp_nodelay(true).build()?,
        base: format!("http://{}", served.http),
        authorization: format!(
            "User {}, Organization {}",
            t["admin"]["secret"].as_str().context("secret")?,
            t["organization_secret"].as_str().context("org secret")?
        ),
    };
    let size = PAGE.to_string();
    let (mut first_page, mut last_page, mut pages) = (Samples::default(), Samples::default(), 0);
    for walk in 0..WALKS {
        eprintln!("[elements] paging walk {}", walk + 1);
        let mut token = String::new();
        let mut times = Vec::new();
        let mut seen = 0;
        loop {
            let mut q = vec![("pageSize", size.as_str())];
            if !token.is_empty() {
                q.push(("nextPage", token.as_str()));
            }
            let (took, n, next) = client.page(&q).await?;
            if n == 0 {
                break;
            }
            seen += n;
            // Only full pages are compared: the very last one holds a single user.
            if n == PAGE {
                times.push(took);
            }
            token = next;
        }
        anyhow::ensure!(seen == USERS + 1, "the walk saw {seen} users");
        pages = seen.div_ceil(PAGE);
        first_page.record(times[0]);
        last_page.record(times[times.len() - 1]);
    }
    let email_q = format!("email = 'u{}@bench.test'", USERS / 3);
    let created_q = format!("createdDate = '{mid_created}'");
    eprintln!("[elements] CEQL with indexes: {email_q} / {created_q}");
    let email_indexed = client.repeat(&[("where", &email_q)], 1).await?;
    let created_indexed = client.repeat(&[("where", &created_q)], PAGE).await?;
    drop_index(&served.database_url, "ux_users_email_key").await?;
    drop_index(&served.database_url, "ix_users_tenant_created").await?;
    eprintln!("[elements] CEQL after dropping their indexes");
    let email_scan = client.repeat(&[("where", &email_q)], 1).await?;
    let created_scan = client.repeat(&[("where", &created_q)], PAGE).await?;
    Ok(Figures {
        first_page,
        last_page,
        pages,
        email: [email_indexed, email_scan],
        created: [created_indexed, created_scan],
    })
}

/// The Cloud Elements section of BENCHMARKS.md.
pub(crate) fn report<'a>(rows: impl Iterator<Item = (&'a str, &'a Figures)>, date: &str) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Measured by `make bench`, {date} run. {USERS} users of one tenant (plus its owner), one client, REST calls with `Authorization: User …, Organization …`. Paging: {WALKS} walks through every page with pageSize {PAGE}; median latency of the first and of the last full page. CEQL: {QUERY_RUNS} runs each of `email = '…'` (1 user) and `createdDate = '<one batch's instant>'` (a page of {PAGE} of its {BATCH} users), first with the indexes Roster creates, then after `DROP INDEX` of the one serving it (`ux_users_email_key`, `ix_users_tenant_created`), which leaves a scan of the tenant's rows.\n"
    );
    let _ = writeln!(
        s,
        "| database | pages | first page p50 ms | last page p50 ms | **last / first** | email p50 ms | email full scan p50 ms | **scan / indexed** | createdDate p50 ms | createdDate full scan p50 ms | **scan / indexed** |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, f) in rows {
        let (a, b) = (f.first_page.median_ms(), f.last_page.median_ms());
        let (ei, es) = (f.email[0].median_ms(), f.email[1].median_ms());
        let (ci, cs) = (f.created[0].median_ms(), f.created[1].median_ms());
        let _ = writeln!(
            s,
            "| {name} | {} | {a:.2} | {b:.2} | **{:.2}** | {ei:.2} | {es:.2} | **{:.1}** | {ci:.2} | {cs:.2} | **{:.1}** |",
            f.pages,
            b / a,
            es / ei,
            cs / ci
        );
    }
    s
}
