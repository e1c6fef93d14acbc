//! SureCloud through the gateway: one `PATCH /restful/v1/user` creating 10 000 new users
//! (name, job title, role, one group each), then one modifying all of them, in users per
//! second; against the same number of one-at-a-time `CreateUser` calls over gRPC (the
//! round-trip-bound way a client without the bulk API would do it) and a plain batched
//! `INSERT` of the same user rows, 1 000 a statement in one transaction (the storage limit:
//! no validation, no lookups, no group memberships). `ROSTER_BENCH_SURECLOUD_USERS` sets
//! the count (for a quick check that the section runs).

use crate::server::{Served, cli, roster_bin, tenant_json};
use anyhow::{Context, Result};
use roster_proto::v1 as pb;
use roster_proto::v1::user_service_client::UserServiceClient;
use sea_orm::ConnectionTrait as _;
use sea_orm::sea_query::Query;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tonic::transport::Endpoint;

const DEFAULT_USERS: usize = 10_000;
const GROUP: &str = "//Bench/Team";
const INSERT_ROWS: usize = 1000;

#[derive(Debug)]
pub(crate) struct Figures {
    pub(crate) users: usize,
    pub(crate) create: Duration,
    pub(crate) modify: Duration,
    pub(crate) grpc_one_at_a_time: Duration,
    pub(crate) raw_insert: Duration,
}

fn per_second(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64().max(1e-9)
}

pub(crate) fn users() -> usize {
    std::env::var("ROSTER_BENCH_SURECLOUD_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_USERS)
}

pub(crate) async fn run(database_url: Option<&str>) -> Result<Figures> {
    let served = Served::start(database_url).await?;
    let figures = measure(&served, users()).await;
    served.stop().await?;
    figures
}

fn body(n: usize, title: &str) -> Value {
    let users: Vec<Value> = (0..n)
        .map(|i| {
            json!({"email": format!("sc{i}@bench.test"), "name": format!("User {i}"),
                   "jobTitle": title, "role": "CONTRIBUTOR", "groups": [GROUP]})
        })
        .collect();
    json!({ "users": users })
}

/// One PATCH; fails unless every user came back without an error.
async fn patch(http: &reqwest::Client, url: &str, jwt: &str, body: &Value) -> Result<Duration> {
    let started = Instant::now();
    let res = http
        .patch(url)
        .header("authorization", format!("Bearer {jwt}"))
        .header("accept", "application/json")
        .json(body)
        .send()
        .await?;
    anyhow::ensure!(res.status().is_success(), "PATCH: {}", res.status());
    let users: Vec<Value> = res.json().await?;
    let elapsed = started.elapsed();
    let failed = users
        .iter()
        .filter(|u| u.get("patchErrorMessage").is_some())
        .count();
    anyhow::ensure!(failed == 0, "{failed} users failed: {:?}", users.first());
    Ok(elapsed)
}

async fn measure(served: &Served, n: usize) -> Result<Figures> {
    let t = tenant_json(
        &roster_bin()?,
        &served.dir,
        &served.database_url,
        "scbench",
        None,
    )
    .await?;
    let token = t["token"].as_str().context("token")?;
    let tenant_id = uuid::Uuid::parse_str(t["tenant_id"].as_str().context("tenant id")?)?;
    cli(served, &["group", "create", "--tenant", "scbench", GROUP]).await?;
    let key = cli(
        served,
        &[
            "user",
            "secret-key",
            "issue",
            "--tenant",
            "scbench",
            "--email",
            "admin@bench.test",
        ],
    )
    .await?;
    let http = reqwest::Client::builder().tcp_nodelay(true).build()?;
    let base = format!("http://{}/restful/v1", served.http);
    let tok: Value = http
        .post(format!("{base}/token"))
        .json(&json!({"email": "admin@bench.test", "secretKey": key}))
        .send()
        .await?
        .json()
        .await?;
    let jwt = tok["token"]
        .as_str()
        .context("a SureCloud token")?
        .to_owned();
    let url = format!("{base}/user");

    // The local PostgreSQL cluster runs with autovacuum off, and nothing here analyzes:
    // what keeps the per-item lookups fast as the PATCH fills the table is Roster's own
    // analyze between a long batch's transactions.
    eprintln!("[surecloud] PATCH of {n} new users");
    let create = patch(&http, &url, &jwt, &body(n, "Analyst")).await;
    eprintln!("[surecloud] PATCH modifying {n} users");
    let modify = match create {
        Ok(_) => patch(&http, &url, &jwt, &body(n, "Senior Analyst")).await,
        Err(_) => Ok(Duration::ZERO),
    };
    let (create, modify) = (create?, modify?);

    eprintln!("[surecloud] {n} CreateUser calls over gRPC, one at a time");
    let channel = Endpoint::from_shared(format!("http://{}", served.grpc))?
        .tcp_nodelay(true)
        .connect()
        .await?;
    let mut users = UserServiceClient::new(channel);
    let started = Instant::now();
    for i in 0..n {
        let user = pb::User {
            email: format!("grpc{i}@bench.test"),
            display_name: Some(format!("User {i}")),
            job_title: Some("Analyst".to_owned()),
            access_level: pb::AccessLevel::User.into(),
            groups: vec![pb::GroupRef {
                path: GROUP.to_owned(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut req = tonic::Request::new(pb::CreateUserRequest {
            user: Some(user),
            password: None,
            ..Default::default()
        });
        req.metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
        users.create_user(req).await?;
    }
    let grpc_one_at_a_time = started.elapsed();

    eprintln!("[surecloud] plain batched INSERT of {n} user rows");
    let raw_insert = raw_insert(&served.database_url, tenant_id, n).await?;
    Ok(Figures {
        users: n,
        create,
        modify,
        grpc_one_at_a_time,
        raw_insert,
    })
}

/// The same rows as the PATCH creates, straight into `users`.
async fn raw_insert(url: &str, tenant: uuid::Uuid, n: usize) -> Result<Duration> {
    use sea_orm::TransactionTrait as _;
    let db = sea_orm::Database::connect(url).await?;
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_micros(),
    )?;
    let started = Instant::now();
    let txn = db.begin().await?;
    for chunk in (0..n).collect::<Vec<_>>().chunks(INSERT_ROWS) {
        let mut insert = Query::insert();
        insert.into_table("users").columns([
            "id",
            "tenant_id",
            "login",
            "login_key",
            "email",
            "email_key",
            "display_name",
            "job_title",
            "status",
            "person_type",
            "access_level",
            "metadata",
            "password_change_required",
            "secret_digest",
            "created_at",
            "updated_at",
            "version",
            "license_type",
            "do_not_email",
        ]);
        for i in chunk {
            let email = format!("raw{i}@bench.test");
            insert.values_panic([
                uuid::Uuid::now_v7().into(),
                tenant.into(),
                email.clone().into(),
                email.clone().into(),
                email.clone().into(),
                email.into(),
                format!("User {i}").into(),
                "Analyst".into(),
                "ACTIVE".into(),
                "INTERNAL".into(),
                "USER".into(),
                "{}".into(),
                false.into(),
                format!("{i:064x}").into(),
                now.into(),
                now.into(),
                1_i64.into(),
                "STANDARD".into(),
                false.into(),
            ]);
        }
        txn.execute(&insert).await?;
    }
    txn.commit().await?;
    Ok(started.elapsed())
}

pub(crate) fn report<'a>(rows: impl Iterator<Item = (&'a str, &'a Figures)>, date: &str) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Measured by `make bench`, {date} run. One `PATCH /restful/v1/user` creating N new users (name, jobTitle, role, one group each), then one modifying all of them (a new jobTitle), through the gateway with a SureCloud bearer token; against N `CreateUser` calls over gRPC one at a time (same fields and group) and a plain batched `INSERT` of N rows into `users` (1 000 a statement, one transaction: no validation, lookups or memberships, the storage limit). Users per second; the ratios are PATCH over the other two.\n"
    );
    let _ = writeln!(
        s,
        "| database | N | PATCH create users/s | PATCH modify users/s | gRPC CreateUser one at a time users/s | batched INSERT rows/s | **create / gRPC** | **create / INSERT** | **modify / INSERT** |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, f) in rows {
        let create = per_second(f.users, f.create);
        let modify = per_second(f.users, f.modify);
        let grpc = per_second(f.users, f.grpc_one_at_a_time);
        let insert = per_second(f.users, f.raw_insert);
        let _ = writeln!(
            s,
            "| {name} | {} | {create:.0} | {modify:.0} | {grpc:.0} | {insert:.0} | **{:.2}** | **{:.3}** | **{:.3}** |",
            f.users,
            create / grpc,
            create / insert,
            modify / insert
        );
    }
    s
}
