//! How cost grows with the tenant: GetUser, a keyset page, a search page with its total, and
//! a 10 000-user batch, each measured at 10 000, 100 000 and 1 000 000 users of one tenant
//! (`ROSTER_BENCH_GROWTH_MAX` stops earlier, for a quick check that the section runs). The
//! tenant grows between the levels by seeding; each figure is the median of calls made one
//! at a time, so it is the cost of one operation, not of contention.

use crate::grpc::{authed, upsert_all};
use crate::server::Served;
use anyhow::{Context, Result};
use roster_proto::v1 as pb;
use roster_proto::v1::user_service_client::UserServiceClient;
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use tonic::transport::{Channel, Endpoint};

const LEVELS: [usize; 3] = [10_000, 100_000, 1_000_000];
const SEED_BATCH: usize = 5000;
/// The users of the timed batch.
const BATCH: usize = 10_000;
const GETS: usize = 200;
const PAGES: usize = 50;
/// Every seeded user's email holds it.
const DOMAIN: &str = "@growth.bench.test";
/// Searches: distinct parts of [`DOMAIN`], so that none is answered from what an earlier one
/// left remembered (a search's count is remembered for a short while).
const SEARCHES: [&str; 8] = [
    "@growth.bench.test",
    "growth.bench.test",
    "rowth.bench.test",
    "owth.bench.test",
    "@growth.bench.tes",
    "@growth.bench.te",
    "growth.bench.te",
    "rowth.bench.tes",
];

/// One level of one database: milliseconds per operation (the batch's in seconds).
#[derive(Debug, Clone)]
pub(crate) struct Level {
    pub(crate) users: usize,
    pub(crate) get_ms: f64,
    pub(crate) keyset_ms: f64,
    pub(crate) search_ms: f64,
    pub(crate) batch_s: f64,
}

fn max_users() -> usize {
    std::env::var("ROSTER_BENCH_GROWTH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LEVELS[2])
}

/// The section on both databases, and its plot in `docs/growth.png` next to `out`.
pub(crate) async fn section(out: &str, pg_admin: &str) -> Result<()> {
    let sqlite = run(None).await?;
    let postgres =
        crate::server::with_database(pg_admin, |url| async move { run(Some(&url)).await }).await?;
    let rows = [("SQLite", &sqlite[..]), ("PostgreSQL", &postgres[..])];
    let body = report(rows.into_iter(), &crate::chrono_free_date());
    print!("{body}");
    crate::write_section(out, "growth", &body)?;
    let plot = std::path::Path::new(out)
        .parent()
        .unwrap_or_else(|| std::path::Path::new("."))
        .join("docs/growth.png");
    if let Some(dir) = plot.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::growth_plot::draw(&plot, &rows)?;
    eprintln!("drew {}", plot.display());
    Ok(())
}

/// A `roster serve` on `database_url` (SQLite when `None`), grown level by level.
pub(crate) async fn run(database_url: Option<&str>) -> Result<Vec<Level>> {
    let served = Served::start(database_url).await?;
    let levels = grow(&served).await;
    served.stop().await?;
    levels
}

fn item(email: String) -> pb::UpsertUserItem {
    pb::UpsertUserItem {
        key: Some(pb::UserKey {
            key: Some(pb::user_key::Key::Email(email)),
        }),
        user: Some(pb::User {
            first_name: Some("Grow".into()),
            last_name: Some("Bench".into()),
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: ["first_name", "last_name"].map(str::to_owned).to_vec(),
        }),
        create_if_missing: true,
        lenient_groups: true,
    }
}

async fn grow(served: &Served) -> Result<Vec<Level>> {
    let channel = Endpoint::from_shared(format!("http://{}", served.grpc))?
        .tcp_nodelay(true)
        .timeout(Duration::from_mins(10))
        .connect()
        .await?;
    let mut users = UserServiceClient::new(channel)
        .max_decoding_message_size(64 << 20)
        .max_encoding_message_size(64 << 20);
    let token = served.token.as_str();
    let mut seeded = 0;
    let mut out = Vec::new();
    for level in LEVELS.into_iter().filter(|l| *l <= max_users()) {
        // The timed batches of earlier levels count towards this one.
        let have = seeded + out.len() * BATCH;
        eprintln!("[growth] seeding to {level} users");
        while seeded + out.len() * BATCH < level {
            let n = SEED_BATCH.min(level - (seeded + out.len() * BATCH));
            let items = (seeded..seeded + n)
                .map(|i| item(format!("g{i}{DOMAIN}")))
                .collect();
            upsert_all(&mut users, token, items).await?;
            seeded += n;
        }
        if have < level {
            crate::server::analyze(&served.database_url).await?;
        }
        eprintln!("[growth] measuring at {level} users");
        out.push(measure(&mut users, token, level, seeded).await?);
    }
    Ok(out)
}

/// The median of `times`, in milliseconds.
fn median_ms(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times
        .get(times.len() / 2)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

async fn measure(
    users: &mut UserServiceClient<Channel>,
    token: &str,
    level: usize,
    seeded: usize,
) -> Result<Level> {
    // GetUser by email, spread over the seeded users.
    let mut times = Vec::with_capacity(GETS);
    let step = (seeded / GETS).max(1);
    for k in 0..GETS {
        let email = format!("g{}{DOMAIN}", (k * step) % seeded.max(1));
        let began = Instant::now();
        users
            .get_user(authed(
                pb::GetUserRequest {
                    key: Some(pb::UserKey {
                        key: Some(pb::user_key::Key::Email(email.clone())),
                    }),
                },
                token,
            ))
            .await
            .with_context(|| format!("GetUser {email}"))?;
        times.push(began.elapsed());
    }
    let get_ms = median_ms(times);
    // A keyset page of 100 in the middle of the tenant: the token of the page after the
    // first, then pages from there.
    let first = users
        .list_users(authed(page(None, None, false), token))
        .await?
        .into_inner();
    let mut times = Vec::with_capacity(PAGES);
    for _ in 0..PAGES {
        let began = Instant::now();
        users
            .list_users(authed(
                page(Some(first.next_page_token.clone()), None, false),
                token,
            ))
            .await?;
        times.push(began.elapsed());
    }
    let keyset_ms = median_ms(times);
    // A search page with its total, each search asked for the first time.
    let mut times = Vec::with_capacity(SEARCHES.len());
    for part in SEARCHES {
        let began = Instant::now();
        let r = users
            .list_users(authed(page(None, Some(part), true), token))
            .await?
            .into_inner();
        times.push(began.elapsed());
        anyhow::ensure!(
            usize::try_from(r.total_size.unwrap_or(0)).unwrap_or(0) >= level,
            "the search '{part}' missed users"
        );
    }
    let search_ms = median_ms(times);
    let items = (0..BATCH)
        .map(|i| item(format!("b{level}-{i}{DOMAIN}")))
        .collect();
    let began = Instant::now();
    upsert_all(users, token, items).await?;
    let batch_s = began.elapsed().as_secs_f64();
    Ok(Level {
        users: level,
        get_ms,
        keyset_ms,
        search_ms,
        batch_s,
    })
}

fn page(token: Option<String>, part: Option<&str>, total: bool) -> pb::ListUsersRequest {
    pb::ListUsersRequest {
        page_size: if part.is_some() { 250 } else { 100 },
        page_token: token.unwrap_or_default(),
        filter: part.map(|p| pb::UserFilter {
            kind: Some(pb::user_filter::Kind::Compare(pb::UserComparison {
                field: pb::UserField::Email.into(),
                operator: pb::ComparisonOperator::Contains.into(),
                values: vec![pb::FilterValue {
                    kind: Some(pb::filter_value::Kind::StringValue(p.to_owned())),
                }],
                metadata_key: String::new(),
            })),
        }),
        include_total_size: total,
        ..Default::default()
    }
}

/// The section: a table per database and level, with each operation's growth from the level
/// before.
pub(crate) fn report<'a>(rows: impl Iterator<Item = (&'a str, &'a [Level])>, date: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Measured by `make bench`, {date} run. One tenant grown by BatchUpsertUsers seeding; at each level, over gRPC, one call at a time: the median of {GETS} GetUser by email spread over the seeded users, of {PAGES} keyset pages of 100 (the page after the first), of {n} searches of 250 with `include_total_size` (each a different part of an email every user holds, so none is answered from memory), and the time of one BatchUpsertUsers creating {BATCH} new users. *×* is the growth from the level before (10× the users).\n",
        n = SEARCHES.len()
    );
    let _ = writeln!(
        s,
        "| database | users | GetUser ms | × | keyset page ms | × | search page with total ms | × | batch of {BATCH} s | × |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, levels) in rows {
        let mut before: Option<&Level> = None;
        for l in levels {
            let grew = |now: f64, was: Option<f64>| {
                was.map_or_else(String::new, |w| format!("{:.2}", now / w.max(1e-9)))
            };
            let _ = writeln!(
                s,
                "| {name} | {} | {:.2} | {} | {:.2} | {} | {:.1} | {} | {:.2} | {} |",
                l.users,
                l.get_ms,
                grew(l.get_ms, before.map(|b| b.get_ms)),
                l.keyset_ms,
                grew(l.keyset_ms, before.map(|b| b.keyset_ms)),
                l.search_ms,
                grew(l.search_ms, before.map(|b| b.search_ms)),
                l.batch_s,
                grew(l.batch_s, before.map(|b| b.batch_s)),
            );
            before = Some(l);
        }
    }
    s
}
