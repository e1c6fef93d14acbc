//! Forms On Fire search over 100 000 users: `GET /api/v2/user/search` with PageSize 250 at
//! PageNo 0 and at the last page, answered in JSON and in XML, against the same page read
//! directly over gRPC (ListUsers with `skip` and `include_total_size`, as the dialect calls
//! it). Reports calls per second, latency and response sizes.

use crate::grpc::authed;
use crate::load::{self, LoadResult};
use crate::server::{Served, roster_bin, tenant_json};
use anyhow::{Context, Result, ensure};
use roster_proto::v1 as pb;
use roster_proto::v1::user_service_client::UserServiceClient;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tonic::transport::Endpoint;

pub(crate) const USERS: usize = 100_000;
pub(crate) const PAGE_SIZE: usize = 250;
const LAST_PAGE: usize = USERS.div_ceil(PAGE_SIZE) - 1;
const SEED_BATCH: usize = 5000;
const CONCURRENCY: usize = 4;
const PHASE: Duration = Duration::from_secs(6);
/// Matches every seeded user and nobody else.
const EMAIL_PART: &str = "@fof.bench.test";
/// Matches one seeded user.
const ONE_USER: &str = "u4242@";

/// One way of reading one page.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) how: &'static str,
    pub(crate) page: usize,
    pub(crate) load: LoadResult,
    /// Bytes of one answer (REST body; encoded protobuf for gRPC).
    pub(crate) bytes: usize,
    /// The call before the load, in milliseconds: the first of its search and page.
    pub(crate) first_ms: f64,
    /// Median latency of calls made one at a time after the load, in milliseconds: the
    /// figure to hold against another dialect's single client.
    pub(crate) alone_ms: f64,
}

/// Calls made one at a time for [`Row::alone_ms`].
const ALONE_CALLS: usize = 30;

/// Median milliseconds of [`ALONE_CALLS`] calls of `call`, one at a time.
async fn alone<F, Fut>(mut call: F) -> Result<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let mut ms = Vec::with_capacity(ALONE_CALLS);
    for _ in 0..ALONE_CALLS {
        let began = Instant::now();
        call().await?;
        ms.push(began.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Ok(ms[ms.len() / 2])
}

async fn seed(
    users: &mut UserServiceClient<tonic::transport::Channel>,
    token: &str,
    database_url: &str,
) -> Result<()> {
    for start in (0..USERS).step_by(SEED_BATCH) {
        let items = (start..(start + SEED_BATCH).min(USERS))
            .map(|i| pb::UpsertUserItem {
                key: Some(pb::UserKey {
                    key: Some(pb::user_key::Key::Email(format!("u{i}{EMAIL_PART}"))),
                }),
                user: Some(pb::User {
                    first_name: Some(format!("User{i}")),
                    last_name: Some("Bench".into()),
                    external_id: Some(format!("EXT-{i}")),
                    country: Some("NO".into()),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: ["first_name", "last_name", "external_id", "country"]
                        .map(str::to_owned)
                        .to_vec(),
                }),
                create_if_missing: true,
                lenient_groups: true,
            })
            .collect();
        crate::grpc::upsert_all(users, token, items).await?;
        if start == 0 {
            crate::server::analyze(database_url).await?;
        }
    }
    crate::server::analyze(database_url).await?;
    Ok(())
}

fn list_request(page: usize) -> pb::ListUsersRequest {
    pb::ListUsersRequest {
        page_size: i32::try_from(PAGE_SIZE).unwrap_or(i32::MAX),
        skip: i32::try_from(page * PAGE_SIZE).unwrap_or(i32::MAX),
        filter: Some(pb::UserFilter {
            kind: Some(pb::user_filter::Kind::Compare(pb::UserComparison {
                field: pb::UserField::Email.into(),
                operator: pb::ComparisonOperator::Contains.into(),
                values: vec![pb::FilterValue {
                    kind: Some(pb::filter_value::Kind::StringValue(EMAIL_PART.into())),
                }],
                metadata_key: String::new(),
            })),
        }),
        include_total_size: true,
        ..Default::default()
    }
}

/// A `roster serve` on `database_url` (SQLite when `None`), measured, then stopped.
pub(crate) async fn run(database_url: Option<&str>) -> Result<Vec<Row>> {
    let served = Served::start(database_url).await?;
    let rows = measure(&served).await;
    served.stop().await?;
    rows
}

async fn measure(served: &Served) -> Result<Vec<Row>> {
    let t = tenant_json(
        &roster_bin()?,
        &served.dir,
        &served.database_url,
        "fof",
        None,
    )
    .await?;
    let token = Arc::new(t["token"].as_str().context("token")?.to_owned());
    let company = t["company_id"].as_i64().context("company id")?.to_string();
    let key = t["integration_key"].as_str().context("key")?.to_owned();
    let channel = Endpoint::from_shared(format!("http://{}", served.grpc))?
        .tcp_nodelay(true)
        .timeout(Duration::from_mins(5))
        .connect()
        .await?;
    eprintln!("[formsonfire] seeding {USERS} users");
    seed(
        &mut UserServiceClient::new(channel.clone()),
        &token,
        &served.database_url,
    )
    .await?;
    let http = reqwest::Client::builder().tcp_nodelay(true).build()?;
    let search = |email: &str, format: &str, page: usize| {
        format!(
            "http://{}/api/v2/user/search?format={format}&CompanyId={company}&IntegrationKey={key}&Email={}&PageSize={PAGE_SIZE}&PageNo={page}",
            served.http,
            email.replace('@', "%40")
        )
    };
    let mut rows = Vec::new();
    for page in [0, LAST_PAGE] {
        for (format, how) in [("json", "REST JSON"), ("xml", "REST XML")] {
            let url = search(EMAIL_PART, format, page);
            rows.push(rest_phase(&http, url, how, page).await?);
        }
        rows.push(grpc_phase(&channel, &token, page).await?);
    }
    // A search that one user matches: what a search by part of an email costs when the
    // database can find the match without reading every user.
    let url = search(ONE_USER, "json", 0);
    rows.push(rest_phase(&http, url, "REST JSON, one user matches", 0).await?);
    Ok(rows)
}

/// The search `url` read by `CONCURRENCY` callers for a phase, after one first call.
async fn rest_phase(
    http: &reqwest::Client,
    url: String,
    how: &'static str,
    page: usize,
) -> Result<Row> {
    let url = Arc::new(url);
    let began = Instant::now();
    let first = http.get(url.as_str()).send().await?;
    ensure!(
        first.status().is_success(),
        "search failed: {}",
        first.status()
    );
    let bytes = first.bytes().await?.len();
    let first_ms = began.elapsed().as_secs_f64() * 1000.0;
    eprintln!("[formsonfire] {how} page {page}: {bytes} bytes, {PHASE:?}");
    let (client, url_load) = (http.clone(), Arc::clone(&url));
    let load = load::run(CONCURRENCY, PHASE, move |_, _| {
        let (client, url) = (client.clone(), Arc::clone(&url_load));
        async move {
            match client.get(url.as_str()).send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                Ok(_) | Err(_) => false,
            }
        }
    })
    .await;
    let alone_ms = alone(|| async {
        let r = http.get(url.as_str()).send().await?.error_for_status()?;
        r.bytes().await?;
        Ok(())
    })
    .await?;
    Ok(Row {
        how,
        page,
        load,
        bytes,
        first_ms,
        alone_ms,
    })
}

/// The page read over gRPC, as the dialect reads it.
async fn grpc_phase(
    channel: &tonic::transport::Channel,
    token: &Arc<String>,
    page: usize,
) -> Result<Row> {
    let mut c = UserServiceClient::new(channel.clone());
    let began = Instant::now();
    let answer = c
        .list_users(authed(list_request(page), token))
        .await?
        .into_inner();
    ensure!(
        answer.total_size == i64::try_from(USERS).ok(),
        "total {:?}",
        answer.total_size
    );
    let first_ms = began.elapsed().as_secs_f64() * 1000.0;
    let bytes = prost::Message::encoded_len(&answer);
    let (load_channel, load_token) = (channel.clone(), Arc::clone(token));
    eprintln!("[formsonfire] ListUsers page {page} over gRPC, {PHASE:?}");
    let load = load::run(CONCURRENCY, PHASE, move |_, _| {
        let mut c = UserServiceClient::new(load_channel.clone());
        let token = Arc::clone(&load_token);
        async move {
            c.list_users(authed(list_request(page), &token))
                .await
                .is_ok_and(|r| r.get_ref().users.len() == PAGE_SIZE)
        }
    })
    .await;
    let alone_ms = alone(|| {
        let mut c = UserServiceClient::new(channel.clone());
        let req = authed(list_request(page), token);
        async move {
            c.list_users(req).await?;
            Ok(())
        }
    })
    .await?;
    Ok(Row {
        how: "gRPC ListUsers",
        page,
        load,
        bytes,
        first_ms,
        alone_ms,
    })
}

/// The Forms On Fire section of BENCHMARKS.md.
pub(crate) fn report<'a>(
    databases: impl Iterator<Item = (&'a str, &'a [Row])>,
    date: &str,
) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Measured by `make bench`, {date} run. {USERS} users of one tenant; `GET /api/v2/user/search?Email={EMAIL_PART}&PageSize={PAGE_SIZE}` (every user matches, so `TotalRows` counts all {USERS}) at PageNo 0 and at the last page ({LAST_PAGE}), and `Email={ONE_USER}`, which one user matches; {CONCURRENCY} concurrent callers, {} s per phase. The gRPC rows are the one ListUsers call the dialect makes for that page. *First call* is the one call made just before each phase, in the order of the rows; *alone* is the median of {ALONE_CALLS} calls made one at a time just after it (the Cloud Elements section's figures are a single client's).\n",
        PHASE.as_secs()
    );
    let _ = writeln!(
        s,
        "| database | read | PageNo | first call ms | calls/s | p50 ms | p99 ms | errors | alone p50 ms | bytes per answer | **last page / page 0 time (p50)** |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, rows) in databases {
        for r in rows {
            let first = rows
                .iter()
                .find(|x| x.how == r.how && x.page == 0)
                .map_or(1.0, |x| x.load.percentile_ms(50.0));
            let ratio = r.load.percentile_ms(50.0) / first.max(f64::EPSILON);
            let _ = writeln!(
                s,
                "| {name} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {:.1} | {} | **{ratio:.2}** |",
                r.how,
                r.page,
                r.first_ms,
                r.load.per_second(),
                r.load.percentile_ms(50.0),
                r.load.percentile_ms(99.0),
                r.load.errors,
                r.alone_ms,
                r.bytes
            );
        }
    }
    let _ = writeln!(
        s,
        "\nRoster remembers a search's count and the row each of its numbered pages starts after, for 2 s and while the process writes nothing (`crates/storage/src/users/memo.rs`). So the first call of the section (JSON, page 0) counts every match, the first call of the last page walks past the rows it skips (`OFFSET`), and the {} s phases pay for both again each time the memo expires: that is in their p99.",
        PHASE.as_secs()
    );
    s
}
