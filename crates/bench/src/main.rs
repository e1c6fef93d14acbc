//! `make bench`: measures a release `roster serve` over gRPC and the REST dialects, and writes
//! the figures into BENCHMARKS.md (each section between `<!-- BEGIN name -->` and
//! `<!-- END name -->`).
//!
//! Everything is measured in one run on one machine, and reported mostly as ratios, because
//! absolute figures drift between runs on shared machines.

// Statistics over counts and microseconds: f64 precision is ample.
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

mod authz;
mod cloudapi;
mod elements;
mod events;
mod formsonfire;
mod growth;
mod growth_plot;
mod grpc;
mod load;
mod pgbench;
mod scim;
mod server;
mod soak;
mod surecloud;

use anyhow::{Context, Result};
use grpc::{authed, upsert_all};
use load::LoadResult;
use roster_proto::v1 as pb;
use roster_proto::v1::user_service_client::UserServiceClient;
use server::Served;
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use tonic::transport::{Channel, Endpoint};

const SEED_USERS: usize = 1000;
const GET_CONCURRENCY: usize = 16;
const PHASE: Duration = Duration::from_secs(15);

#[derive(Debug)]
struct BackendFigures {
    name: &'static str,
    idle_rss_mib: f64,
    peak_rss_mib: f64,
    get: LoadResult,
    create: LoadResult,
    /// Server CPU seconds per create (hashing included).
    create_cpu_ms: f64,
    /// Load generator CPU seconds per create.
    client_cpu_ms: f64,
    /// Raw argon2id hashes per second on every core, measured just before the creates.
    raw: f64,
    /// PostgreSQL server CPU seconds per create, when it runs on this machine.
    db_cpu_ms: f64,
    /// PostgreSQL: `pgbench -S -M prepared` transactions per second at GetUser's concurrency.
    pgbench_tps: Option<f64>,
}

async fn seed(users: &mut UserServiceClient<Channel>, token: &str) -> Result<()> {
    let items = (0..SEED_USERS)
        .map(|i| pb::UpsertUserItem {
            key: Some(pb::UserKey {
                key: Some(pb::user_key::Key::Email(format!("u{i}@bench.test"))),
            }),
            user: Some(pb::User {
                first_name: Some(format!("User{i}")),
                ..Default::default()
            }),
            update_mask: Some(prost_types_mask(&["first_name"])),
            create_if_missing: true,
            lenient_groups: true,
        })
        .collect();
    upsert_all(users, token, items).await?;
    Ok(())
}

fn prost_types_mask(paths: &[&str]) -> prost_types::FieldMask {
    prost_types::FieldMask {
        paths: paths.iter().map(|p| (*p).to_owned()).collect(),
    }
}

async fn measure(
    name: &'static str,
    database_url: Option<&str>,
    cores: usize,
) -> Result<BackendFigures> {
    eprintln!("[{name}] starting roster serve");
    let served = Served::start(database_url).await?;
    // Let start-up allocations settle before reading the idle footprint.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss_mib = server::proc_kib(served.pid, "VmRSS").unwrap_or(0) as f64 / 1024.0;
    let channel = Endpoint::from_shared(format!("http://{}", served.grpc))?
        .tcp_nodelay(true)
        .connect()
        .await?;
    let mut users = UserServiceClient::new(channel.clone());
    seed(&mut users, &served.token).await?;

    eprintln!("[{name}] GetUser, {GET_CONCURRENCY} concurrent, {PHASE:?}");
    let token = served.token.clone();
    let get = load::run(GET_CONCURRENCY, PHASE, move |w, i| {
        let mut client = UserServiceClient::new(channel.clone());
        let token = token.clone();
        async move {
            let n = (w * 7919 + i * 104_729) % SEED_USERS;
            let key = pb::UserKey {
                key: Some(pb::user_key::Key::Email(format!("u{n}@bench.test"))),
            };
            client
                .get_user(authed(pb::GetUserRequest { key: Some(key) }, &token))
                .await
                .is_ok()
        }
    })
    .await;
    let pgbench_tps = match database_url {
        Some(url) => {
            eprintln!("[{name}] pgbench -S -M prepared, {GET_CONCURRENCY} clients, {PHASE:?}");
            Some(pgbench::select_only(url, GET_CONCURRENCY, PHASE).await?)
        }
        None => None,
    };

    eprintln!("[{name}] raw argon2id on {cores} threads, {PHASE:?}");
    let raw = tokio::task::spawn_blocking(move || raw_argon2(cores, PHASE)).await?;
    eprintln!(
        "[{name}] CreateUser with a password, {} concurrent, {PHASE:?}",
        2 * cores
    );
    let channel = Endpoint::from_shared(format!("http://{}", served.grpc))?
        .tcp_nodelay(true)
        .connect()
        .await?;
    let token = served.token.clone();
    let db_cpu = server::cpu_seconds_of("postgres");
    let (server_cpu, client_cpu) = (
        server::cpu_seconds(&served.pid.to_string()),
        server::cpu_seconds("self"),
    );
    let create = load::run(2 * cores, PHASE, move |w, i| {
        let mut client = UserServiceClient::new(channel.clone());
        let token = token.clone();
        async move {
            let user = pb::User {
                email: format!("new{w}-{i}@bench.test"),
                ..Default::default()
            };
            let req = pb::CreateUserRequest {
                user: Some(user),
                password: Some("bench-Passw0rd".into()),
                ..Default::default()
            };
            client.create_user(authed(req, &token)).await.is_ok()
        }
    })
    .await;
    let per_create = |cpu: f64| 1000.0 * cpu / create.calls.max(1) as f64;
    let create_cpu_ms = per_create(server::cpu_seconds(&served.pid.to_string()) - server_cpu);
    let client_cpu_ms = per_create(server::cpu_seconds("self") - client_cpu);
    let db_cpu_ms = if database_url.is_some() {
        per_create(server::cpu_seconds_of("postgres") - db_cpu)
    } else {
        0.0
    };
    let peak_rss_mib = server::proc_kib(served.pid, "VmHWM").unwrap_or(0) as f64 / 1024.0;
    served.stop().await?;
    Ok(BackendFigures {
        name,
        idle_rss_mib,
        peak_rss_mib,
        get,
        create,
        create_cpu_ms,
        client_cpu_ms,
        raw,
        db_cpu_ms,
        pgbench_tps,
    })
}

/// argon2id with the service's parameters on `threads` threads, hashes per second.
fn raw_argon2(threads: usize, duration: Duration) -> f64 {
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            std::thread::spawn(move || {
                // The same reused working area the service hashes with: the fastest argon2id.
                let mut memory = roster_user_service::Argon2Memory::new();
                let mut n = 0u64;
                while start.elapsed() < duration {
                    if memory.hash("bench-Passw0rd").is_ok() {
                        n += 1;
                    }
                }
                n
            })
        })
        .collect();
    let total: u64 = handles.into_iter().map(|h| h.join().unwrap_or(0)).sum();
    total as f64 / start.elapsed().as_secs_f64()
}

fn report(figures: &[BackendFigures], cores: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Measured by `make bench` on {cores} cores, {} run.\n",
        chrono_free_date()
    );
    let _ = writeln!(
        s,
        "**GetUser over gRPC** ({SEED_USERS} users, {GET_CONCURRENCY} concurrent callers, {} s):\n",
        PHASE.as_secs()
    );
    let _ = writeln!(s, "| database | calls/s | p50 ms | p99 ms | errors |");
    let _ = writeln!(s, "|---|---:|---:|---:|---:|");
    for f in figures {
        let g = &f.get;
        let _ = writeln!(
            s,
            "| {} | {:.0} | {:.2} | {:.2} | {} |",
            f.name,
            g.per_second(),
            g.percentile_ms(50.0),
            g.percentile_ms(99.0),
            g.errors
        );
    }
    if let [a, b] = figures {
        let _ = writeln!(
            s,
            "\nRatio {} / {} throughput: {:.2}.",
            b.name,
            a.name,
            b.get.per_second() / a.get.per_second()
        );
    }
    for f in figures {
        if let Some(tps) = f.pgbench_tps {
            let _ = writeln!(
                s,
                "\n{} itself, `pgbench -S -M prepared -c {GET_CONCURRENCY}` over TCP on the same server, just after: {tps:.0} primary-key SELECTs/s. **GetUser ÷ pgbench: {:.3}** (a GetUser is a gRPC call with a token check and one query of the user and its links).",
                f.name,
                f.get.per_second() / tps
            );
        }
    }
    let _ = writeln!(
        s,
        "\n**CreateUser with a password against raw argon2id** (m=19456 KiB, t=2, p=1; {} concurrent callers; raw: hashing on {cores} threads in the benchmark process with a reused working area, measured just before each database's creates; the database server shares the cores):\n",
        2 * cores
    );
    let _ = writeln!(
        s,
        "| database | creates/s | p50 ms | p99 ms | errors | server CPU ms per create | PostgreSQL CPU ms per create | load generator CPU ms per create | raw hashes/s | raw CPU ms per hash | ratio to raw argon2 |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for f in figures {
        let c = &f.create;
        let _ = writeln!(
            s,
            "| {} | {:.1} | {:.1} | {:.1} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | **{:.2}** |",
            f.name,
            c.per_second(),
            c.percentile_ms(50.0),
            c.percentile_ms(99.0),
            c.errors,
            f.create_cpu_ms,
            f.db_cpu_ms,
            f.client_cpu_ms,
            f.raw,
            1000.0 * cores as f64 / f.raw,
            c.per_second() / f.raw
        );
    }
    let _ = writeln!(s, "\n**Memory of `roster serve`** (resident set):\n");
    let _ = writeln!(s, "| database | idle MiB | peak under the load above MiB |");
    let _ = writeln!(s, "|---|---:|---:|");
    for f in figures {
        let _ = writeln!(
            s,
            "| {} | {:.1} | {:.1} |",
            f.name, f.idle_rss_mib, f.peak_rss_mib
        );
    }
    s
}

/// Today's date from the system clock, without a date library.
fn chrono_free_date() -> String {
    std::process::Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "a".to_owned(), |d| d.trim().to_owned())
}

/// Replaces the text between the section's markers in `path`, adding it if absent.
fn write_section(path: &str, name: &str, body: &str) -> Result<()> {
    let begin = format!("<!-- BEGIN {name} -->");
    let end = format!("<!-- END {name} -->");
    let old = std::fs::read_to_string(path).unwrap_or_else(|_| "# Benchmarks\n".to_owned());
    let new_section = format!("{begin}\n{body}{end}");
    let text = match (old.find(&begin), old.find(&end)) {
        (Some(a), Some(b)) if a < b => {
            format!("{}{}{}", &old[..a], new_section, &old[b + end.len()..])
        }
        _ => format!("{old}\n{new_section}\n"),
    };
    std::fs::write(path, text).with_context(|| format!("cannot write {path}"))
}

/// `roster-bench FILE [SECTION...]`: runs the sections named (every one when none is), each on
/// SQLite and then on a fresh PostgreSQL database, and rewrites their parts of FILE.
#[tokio::main]
async fn main() -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let pg_admin = std::env::var("ROSTER_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "BENCHMARKS.md".to_owned());
    let wanted: Vec<String> = args.collect();
    let runs = |section: &str| wanted.is_empty() || wanted.iter().any(|w| w == section);

    if runs("foundation") {
        let sqlite = measure("SQLite", None, cores).await?;
        let postgres = server::with_database(&pg_admin, |url| async move {
            measure("PostgreSQL", Some(&url), cores).await
        })
        .await?;
        let body = report(&[sqlite, postgres], cores);
        print!("{body}");
        write_section(&out, "foundation", &body)?;
    }
    if runs("cloudapi") {
        let sqlite = cloudapi::run(None).await?;
        let postgres =
            server::with_database(
                &pg_admin,
                |url| async move { cloudapi::run(Some(&url)).await },
            )
            .await?;
        let body = cloudapi::report(
            [("SQLite", &sqlite), ("PostgreSQL", &postgres)].into_iter(),
            &chrono_free_date(),
        );
        print!("{body}");
        write_section(&out, "cloudapi", &body)?;
    }
    if runs("formsonfire") {
        let sqlite = formsonfire::run(None).await?;
        let postgres = server::with_database(&pg_admin, |url| async move {
            formsonfire::run(Some(&url)).await
        })
        .await?;
        let body = formsonfire::report(
            [("SQLite", &sqlite[..]), ("PostgreSQL", &postgres[..])].into_iter(),
            &chrono_free_date(),
        );
        print!("{body}");
        write_section(&out, "formsonfire", &body)?;
    }
    if runs("elements") {
        let sqlite = elements::run(None).await?;
        let postgres =
            server::with_database(
                &pg_admin,
                |url| async move { elements::run(Some(&url)).await },
            )
            .await?;
        let body = elements::report(
            [("SQLite", &sqlite), ("PostgreSQL", &postgres)].into_iter(),
            &chrono_free_date(),
        );
        print!("{body}");
        write_section(&out, "elements", &body)?;
    }
    if runs("surecloud") {
        let sqlite = surecloud::run(None).await?;
        let postgres =
            server::with_database(
                &pg_admin,
                |url| async move { surecloud::run(Some(&url)).await },
            )
            .await?;
        let body = surecloud::report(
            [("SQLite", &sqlite), ("PostgreSQL", &postgres)].into_iter(),
            &chrono_free_date(),
        );
        print!("{body}");
        write_section(&out, "surecloud", &body)?;
    }
    if runs("authz") {
        authz::section(&out, &pg_admin).await?;
    }
    if runs("scim") {
        scim::section(&out, &pg_admin).await?;
    }
    if runs("growth") {
        growth::section(&out, &pg_admin).await?;
    }
    if runs("events") {
        events::section(&out, &pg_admin).await?;
    }
    // Not part of a plain `make bench`: `make soak` names it.
    if wanted.iter().any(|w| w == "soak") {
        let seconds = std::env::var("ROSTER_SOAK_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(600);
        soak::section(&out, &pg_admin, seconds).await?;
    }
    eprintln!("wrote {out}");
    Ok(())
}
