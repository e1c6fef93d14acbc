//! Change events: what the outbox costs a write, and how soon an event reaches NATS. gRPC
//! CreateUser from 16 concurrent callers for a fixed time, once with `events_outbox = off`
//! and once with the outbox on and the relay publishing to the machine's NATS JetStream
//! (127.0.0.1:4222, a stream of its own); during the second run every event is also received
//! from NATS, and its lag is the time it arrives less its CloudEvent `time` (taken in the
//! write's transaction, just before the commit).

use crate::grpc::authed;
use crate::load::{self, LoadResult};
use crate::server::Served;
use anyhow::{Context, Result};
use futures::StreamExt as _;
use roster_proto::v1 as pb;
use roster_proto::v1::user_service_client::UserServiceClient;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tonic::transport::Endpoint;

const CONCURRENCY: usize = 16;
const PHASE: Duration = Duration::from_secs(10);
const NATS: &str = "127.0.0.1:4222";

#[derive(Debug)]
pub(crate) struct Figures {
    pub(crate) off: LoadResult,
    /// The outbox written, nothing publishing it: the write's own cost.
    pub(crate) outbox: LoadResult,
    pub(crate) on: LoadResult,
    /// Milliseconds from commit to arrival, sorted.
    pub(crate) lag_ms: Vec<f64>,
}

/// CreateUser as fast as answers come, for [`PHASE`].
async fn create_users(served: &Served, tag: &'static str) -> Result<LoadResult> {
    let channel = Endpoint::from_shared(format!("http://{}", served.grpc))?
        .tcp_nodelay(true)
        .connect()
        .await?;
    let token = served.token.clone();
    Ok(load::run(CONCURRENCY, PHASE, move |w, i| {
        let mut client = UserServiceClient::new(channel.clone());
        let token = token.clone();
        async move {
            let user = pb::User {
                email: format!("{tag}-{w}-{i}@events.test"),
                ..Default::default()
            };
            let req = pb::CreateUserRequest {
                user: Some(user),
                ..Default::default()
            };
            client.create_user(authed(req, &token)).await.is_ok()
        }
    })
    .await)
}

fn lag_of(payload: &[u8], arrived: SystemTime) -> Option<f64> {
    let event: serde_json::Value = serde_json::from_slice(payload).ok()?;
    let at = OffsetDateTime::parse(event["time"].as_str()?, &Rfc3339).ok()?;
    let arrived = OffsetDateTime::from(arrived);
    Some((arrived - at).as_seconds_f64() * 1000.0)
}

/// One database: each run gets a database of its own (`urls`; `None` for SQLite).
pub(crate) async fn run(urls: [Option<String>; 3]) -> Result<Figures> {
    let [off_url, outbox_url, on_url] = urls;
    eprintln!("[events] CreateUser, outbox off, {CONCURRENCY} concurrent, {PHASE:?}");
    let served = Served::start_with(
        off_url.as_deref(),
        &[("ROSTER_EVENTS_OUTBOX", "off".to_owned())],
    )
    .await?;
    let off = create_users(&served, "off").await?;
    served.stop().await?;
    eprintln!("[events] CreateUser, outbox on, no relay, {CONCURRENCY} concurrent, {PHASE:?}");
    let served = Served::start_with(outbox_url.as_deref(), &[]).await?;
    let outbox = create_users(&served, "outbox").await?;
    served.stop().await?;

    let n = uuid::Uuid::new_v4().simple().to_string();
    let (stream, prefix) = (format!("BENCH{n}"), format!("bench{n}"));
    let nats = async_nats::connect(NATS)
        .await
        .context("NATS with JetStream at 127.0.0.1:4222")?;
    let mut sub = nats.subscribe(format!("{prefix}.>")).await?;
    let env = [
        ("ROSTER_NATS_URL", format!("nats://{NATS}")),
        ("ROSTER_NATS_STREAM", stream.clone()),
        ("ROSTER_NATS_SUBJECT_PREFIX", prefix),
    ];
    eprintln!("[events] CreateUser, outbox and NATS relay on, {CONCURRENCY} concurrent, {PHASE:?}");
    let served = Served::start_with(on_url.as_deref(), &env).await?;
    let collect = tokio::spawn(async move {
        let mut lags = Vec::new();
        // Until nothing more comes for a few seconds after the load.
        while let Ok(Some(m)) = tokio::time::timeout(Duration::from_secs(5), sub.next()).await {
            if let Some(l) = lag_of(&m.payload, SystemTime::now()) {
                lags.push(l);
            }
        }
        lags
    });
    let on = create_users(&served, "on").await?;
    let mut lag_ms = collect.await?;
    served.stop().await?;
    let _ = async_nats::jetstream::new(nats)
        .delete_stream(&stream)
        .await;
    lag_ms.sort_by(f64::total_cmp);
    Ok(Figures {
        off,
        outbox,
        on,
        lag_ms,
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub(crate) fn report<'a>(runs: impl Iterator<Item = (&'a str, &'a Figures)>, date: &str) -> String {
    let mut s = format!(
        "Measured by `make bench SECTIONS=events` on 2 cores, {date} run. gRPC CreateUser into one tenant, {CONCURRENCY} concurrent callers, {} s per run, each run on a fresh installation; the lag is from the write's commit to the event's arrival from NATS, over every event of the last run.\n\n",
        PHASE.as_secs()
    );
    let _ = writeln!(
        s,
        "| database | outbox off users/s | outbox on, no relay users/s | ÷ off | outbox on + NATS relay users/s | ÷ off | errors | events received | lag p50 ms | lag p99 ms |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, f) in runs {
        let off = f.off.per_second().max(1.0);
        let _ = writeln!(
            s,
            "| {name} | {:.0} | {:.0} | **{:.2}** | {:.0} | **{:.2}** | {} | {} | {:.1} | {:.1} |",
            f.off.per_second(),
            f.outbox.per_second(),
            f.outbox.per_second() / off,
            f.on.per_second(),
            f.on.per_second() / off,
            f.off.errors + f.outbox.errors + f.on.errors,
            f.lag_ms.len(),
            percentile(&f.lag_ms, 50.0),
            percentile(&f.lag_ms, 99.0),
        );
    }
    s
}

/// The section on both databases, written into `out`.
pub(crate) async fn section(out: &str, pg_admin: &str) -> Result<()> {
    let sqlite = run([None, None, None]).await?;
    let postgres = crate::server::with_database(pg_admin, |off| async move {
        crate::server::with_database(pg_admin, |outbox| async move {
            crate::server::with_database(pg_admin, |on| async move {
                run([Some(off), Some(outbox), Some(on)]).await
            })
            .await
        })
        .await
    })
    .await?;
    let body = report(
        [("SQLite", &sqlite), ("PostgreSQL", &postgres)].into_iter(),
        &crate::chrono_free_date(),
    );
    print!("{body}");
    crate::write_section(out, "events", &body)
}
