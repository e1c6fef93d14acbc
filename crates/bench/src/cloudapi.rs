//! CloudAPI through the gateway, signed as the triton CLI signs, against the same calls made
//! directly over gRPC: the cost of the REST path (signature, translation, one gRPC call).

use crate::grpc::authed;
use crate::load::{self, LoadResult};
use crate::server::{Served, roster_bin, tenant_token};
use anyhow::{Context, Result};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer as _, SigningKey};
use roster_proto::v1 as pb;
use roster_proto::v1::user_service_client::UserServiceClient;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tonic::transport::Endpoint;

pub(crate) const USERS: usize = 100;
const CONCURRENCY: usize = 16;
const PHASE: Duration = Duration::from_secs(8);

#[derive(Debug)]
pub(crate) struct CloudFigures {
    pub(crate) get_rest: LoadResult,
    /// GetUser through a `roster gateway` of its own, over loopback gRPC.
    pub(crate) get_split: LoadResult,
    pub(crate) get_grpc: LoadResult,
    pub(crate) list_rest: LoadResult,
    pub(crate) list_grpc: LoadResult,
}

pub(crate) fn ssh_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(0).to_be_bytes());
    out.extend_from_slice(bytes);
}

pub(crate) struct Signer {
    pub(crate) key: SigningKey,
    pub(crate) key_id: String,
}

impl Signer {
    /// The `date` and `authorization` headers of a signed request.
    pub(crate) fn headers(&self, method: &str, target: &str) -> (String, String) {
        let date = httpdate::fmt_http_date(SystemTime::now());
        let message = format!("(request-target): {method} {target}\ndate: {date}");
        let sig = STANDARD.encode(self.key.sign(message.as_bytes()).to_bytes());
        let auth = format!(
            r#"Signature keyId="{}",algorithm="ed25519-sha512",headers="(request-target) date",signature="{sig}""#,
            self.key_id
        );
        (date, auth)
    }
}

/// The tenant `cloud` with an Ed25519 owner key, and its users.
struct Prepared {
    signer: Arc<Signer>,
    token: Arc<String>,
    channel: tonic::transport::Channel,
    owner: String,
}

async fn prepare(served: &Served) -> Result<Prepared> {
    let key = SigningKey::from_bytes(&[9; 32]);
    let mut blob = Vec::new();
    ssh_string(&mut blob, b"ssh-ed25519");
    ssh_string(&mut blob, key.verifying_key().as_bytes());
    let line = format!("ssh-ed25519 {} bench", STANDARD.encode(&blob));
    let fp = roster_httpsig::PublicKey::parse_openssh(&line)?.fingerprint_md5();
    let key_file = served.dir.join("cloud.pub");
    std::fs::write(&key_file, &line)?;
    let token = tenant_token(
        &roster_bin()?,
        &served.dir,
        &served.database_url,
        "cloud",
        Some(&key_file),
    )
    .await?;
    let channel = Endpoint::from_shared(format!("http://{}", served.grpc))?
        .tcp_nodelay(true)
        .connect()
        .await?;
    let mut users = UserServiceClient::new(channel.clone());
    for i in 0..USERS {
        let u = pb::User {
            login: format!("user{i}"),
            email: format!("user{i}@cloud.test"),
            ..Default::default()
        };
        users
            .create_user(authed(
                pb::CreateUserRequest {
                    user: Some(u),
                    password: None,
                    ..Default::default()
                },
                &token,
            ))
            .await?;
    }
    let owner = users
        .get_user(authed(
            pb::GetUserRequest {
                key: Some(pb::UserKey {
                    key: Some(pb::user_key::Key::Login("cloud".into())),
                }),
            },
            &token,
        ))
        .await?
        .into_inner()
        .id;
    Ok(Prepared {
        signer: Arc::new(Signer {
            key,
            key_id: format!("/cloud/keys/{fp}"),
        }),
        token: Arc::new(token),
        channel,
        owner,
    })
}

/// A `roster serve` on `database_url` (SQLite when `None`), measured, then stopped.
pub(crate) async fn run(database_url: Option<&str>) -> Result<CloudFigures> {
    let served = Served::start(database_url).await?;
    let figures = measure(&served).await;
    served.stop().await?;
    figures
}

async fn measure(served: &Served) -> Result<CloudFigures> {
    let Prepared {
        signer,
        token: grpc_token,
        channel,
        owner,
    } = prepare(served).await?;
    let http = reqwest::Client::builder()
        .tcp_nodelay(true)
        .build()
        .context("http client")?;
    let base = Arc::new(format!("http://{}", served.http));

    let rest = |base: &Arc<String>, path: fn(usize) -> String| {
        let (signer, http, base) = (Arc::clone(&signer), http.clone(), Arc::clone(base));
        move |w: usize, i: usize| {
            let target = path(w * 7 + i);
            let (date, auth) = signer.headers("get", &target);
            let req = http
                .get(format!("{base}{target}"))
                .header("date", date)
                .header("authorization", auth);
            async move { req.send().await.is_ok_and(|r| r.status().is_success()) }
        }
    };
    eprintln!(
        "[cloudapi] GetUser over REST and over gRPC, {CONCURRENCY} concurrent, {PHASE:?} each"
    );
    let user = |n| format!("/cloud/users/user{}", n % USERS);
    let get_rest = load::run(CONCURRENCY, PHASE, rest(&base, user)).await;
    let (gateway, split) = served.split_gateway().await?;
    let split = Arc::new(format!("http://{split}"));
    let get_split = load::run(CONCURRENCY, PHASE, rest(&split, user)).await;
    drop(gateway);
    let get_grpc = {
        let (channel, token) = (channel.clone(), Arc::clone(&grpc_token));
        load::run(CONCURRENCY, PHASE, move |w, i| {
            let mut c = UserServiceClient::new(channel.clone());
            let token = Arc::clone(&token);
            async move {
                let key = pb::UserKey {
                    key: Some(pb::user_key::Key::Login(format!(
                        "user{}",
                        (w * 7 + i) % USERS
                    ))),
                };
                c.get_user(authed(pb::GetUserRequest { key: Some(key) }, &token))
                    .await
                    .is_ok()
            }
        })
        .await
    };
    eprintln!("[cloudapi] ListUsers ({USERS} users) over REST and over gRPC");
    let list_rest = load::run(
        CONCURRENCY,
        PHASE,
        rest(&base, |_| "/cloud/users".to_owned()),
    )
    .await;
    let not_owner = pb::UserFilter {
        kind: Some(pb::user_filter::Kind::Compare(pb::UserComparison {
            field: pb::UserField::Id.into(),
            operator: pb::ComparisonOperator::Ne.into(),
            values: vec![pb::FilterValue {
                kind: Some(pb::filter_value::Kind::StringValue(owner)),
            }],
            metadata_key: String::new(),
        })),
    };
    let list_grpc = {
        let (channel, token) = (channel.clone(), Arc::clone(&grpc_token));
        load::run(CONCURRENCY, PHASE, move |_, _| {
            let mut c = UserServiceClient::new(channel.clone());
            let (token, filter) = (Arc::clone(&token), not_owner.clone());
            async move {
                let req = pb::ListUsersRequest {
                    page_size: 1000,
                    filter: Some(filter),
                    ..Default::default()
                };
                c.list_users(authed(req, &token))
                    .await
                    .is_ok_and(|r| r.get_ref().users.len() == USERS)
            }
        })
        .await
    };
    Ok(CloudFigures {
        get_rest,
        get_split,
        get_grpc,
        list_rest,
        list_grpc,
    })
}

/// The CloudAPI section of BENCHMARKS.md.
pub(crate) fn report<'a>(
    rows: impl Iterator<Item = (&'a str, &'a CloudFigures)>,
    date: &str,
) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Measured by `make bench`, {date} run. Each call is signed with an Ed25519 key as the triton CLI signs (`(request-target) date`), {CONCURRENCY} concurrent callers, {} s per phase; gRPC calls carry the tenant's bearer token. `roster serve`'s gateway calls its user service in-process; the row \"through a `roster gateway` of its own\" sends the same GetUser through a second process that reaches the user service over loopback gRPC, as a split deployment does.\n",
        PHASE.as_secs()
    );
    let _ = writeln!(
        s,
        "| database | call | REST calls/s | REST p50 ms | REST p99 ms | gRPC calls/s | gRPC p50 ms | gRPC p99 ms | errors | **REST / gRPC throughput** |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, f) in rows {
        for (call, rest, grpc) in [
            ("GetUser", &f.get_rest, &f.get_grpc),
            (
                "GetUser, through a `roster gateway` of its own",
                &f.get_split,
                &f.get_grpc,
            ),
            ("ListUsers (100 users)", &f.list_rest, &f.list_grpc),
        ] {
            let _ = writeln!(
                s,
                "| {name} | {call} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {} | **{:.2}** |",
                rest.per_second(),
                rest.percentile_ms(50.0),
                rest.percentile_ms(99.0),
                grpc.per_second(),
                grpc.percentile_ms(50.0),
                grpc.percentile_ms(99.0),
                rest.errors + grpc.errors,
                rest.per_second() / grpc.per_second()
            );
        }
    }
    s
}
