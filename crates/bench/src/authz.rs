//! The cost of judging every call on the store as it is now: gRPC GetUser with a
//! service-account token (the token's signature, scopes and tenant; the tenant's owner comes
//! from a cache) against the same calls with a user's token (also the user's status,
//! authorization epoch, access level and roles, read on every call).

use crate::grpc::{authed, upsert_all};
use crate::load::{self, LoadResult};
use crate::server::{Served, roster_bin, tenant_json};
use anyhow::{Context, Result};
use roster_proto::v1 as pb;
use roster_proto::v1::auth_service_client::AuthServiceClient;
use roster_proto::v1::user_service_client::UserServiceClient;
use std::fmt::Write as _;
use std::time::Duration;
use tonic::transport::{Channel, Endpoint};

const USERS: usize = 1000;
const CONCURRENCY: usize = 16;
const PHASE: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub(crate) struct Figures {
    pub(crate) service: LoadResult,
    pub(crate) member: LoadResult,
}

async fn get_users(channel: Channel, token: String) -> LoadResult {
    load::run(CONCURRENCY, PHASE, move |w, i| {
        let mut client = UserServiceClient::new(channel.clone());
        let token = token.clone();
        async move {
            let n = (w * 7919 + i * 104_729) % USERS;
            let key = pb::UserKey {
                key: Some(pb::user_key::Key::Email(format!("u{n}@authz.test"))),
            };
            client
                .get_user(authed(pb::GetUserRequest { key: Some(key) }, &token))
                .await
                .is_ok()
        }
    })
    .await
}

pub(crate) async fn run(database_url: Option<&str>) -> Result<Figures> {
    let served = Served::start(database_url).await?;
    let tenant = tenant_json(
        &roster_bin()?,
        &served.dir,
        &served.database_url,
        "authz",
        None,
    )
    .await?;
    let service_token = tenant["token"].as_str().context("token")?.to_owned();
    let channel = Endpoint::from_shared(format!("http://{}", served.grpc))?
        .tcp_nodelay(true)
        .connect()
        .await?;
    let items = (0..USERS)
        .map(|i| pb::UpsertUserItem {
            key: Some(pb::UserKey {
                key: Some(pb::user_key::Key::Email(format!("u{i}@authz.test"))),
            }),
            create_if_missing: true,
            ..Default::default()
        })
        .collect();
    upsert_all(
        &mut UserServiceClient::new(channel.clone()),
        &service_token,
        items,
    )
    .await?;
    // The owner signs in with its Cloud Elements secrets: a token bound to a user.
    let owner_token = AuthServiceClient::new(channel.clone())
        .authenticate(pb::AuthenticateRequest {
            credential: Some(pb::authenticate_request::Credential::Organization(
                pb::OrganizationCredential {
                    user_secret: tenant["admin"]["secret"]
                        .as_str()
                        .context("admin secret")?
                        .to_owned(),
                    organization_secret: tenant["organization_secret"]
                        .as_str()
                        .context("organization secret")?
                        .to_owned(),
                },
            )),
        })
        .await?
        .into_inner()
        .token;
    eprintln!("[authz] GetUser with a service token, {CONCURRENCY} concurrent, {PHASE:?}");
    let service = get_users(channel.clone(), service_token).await;
    eprintln!("[authz] GetUser with the owner's token, {CONCURRENCY} concurrent, {PHASE:?}");
    let member = get_users(channel, owner_token).await;
    Ok(Figures { service, member })
}

pub(crate) fn report<'a>(runs: impl Iterator<Item = (&'a str, &'a Figures)>, date: &str) -> String {
    let mut s = format!(
        "Measured by `make bench SECTIONS=authz` on 2 cores, {date} run. GetUser over gRPC on {USERS} users, {CONCURRENCY} concurrent callers, {} s per token.\n\n",
        PHASE.as_secs()
    );
    let _ = writeln!(
        s,
        "| database | service token calls/s | p50 ms | user token calls/s | p50 ms | errors | user ÷ service |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|");
    for (name, f) in runs {
        let ratio = f.member.per_second() / f.service.per_second().max(1.0);
        let _ = writeln!(
            s,
            "| {name} | {:.0} | {:.2} | {:.0} | {:.2} | {} | **{ratio:.2}** |",
            f.service.per_second(),
            f.service.percentile_ms(50.0),
            f.member.per_second(),
            f.member.percentile_ms(50.0),
            f.service.errors + f.member.errors,
        );
    }
    s
}

/// The section on both databases, written into `out`.
pub(crate) async fn section(out: &str, pg_admin: &str) -> Result<()> {
    let sqlite = run(None).await?;
    let postgres =
        crate::server::with_database(pg_admin, |url| async move { run(Some(&url)).await }).await?;
    let body = report(
        [("SQLite", &sqlite), ("PostgreSQL", &postgres)].into_iter(),
        &crate::chrono_free_date(),
    );
    print!("{body}");
    crate::write_section(out, "authz", &body)
}
