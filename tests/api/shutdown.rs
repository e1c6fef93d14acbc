//! Graceful shutdown of the real binary, as Kubernetes drives it: SIGTERM arrives while gRPC
//! and HTTP requests stream in; Roster reports not-ready at once, serves on for the delay,
//! then stops accepting, answers every request it accepted, and exits 0.
//!
//! Slow requests come from argon2: with `ROSTER_HASH_CONCURRENCY=1`, every create with a
//! password queues behind the others, so a burst keeps requests in flight for seconds (with
//! the argon2 wait and queue limits raised, so that none is refused with TRY_LATER).

use crate::support::cloudapi::{Signer, TestKey, signed};
use crate::support::process::{Installation, RosterProcess};
use reqwest::Method;
use roster_proto::v1 as pb;
use roster_proto::v1::user_service_client::UserServiceClient;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// `authorization: Bearer <token>` on every call.
#[derive(Debug, Clone)]
struct Token(tonic::metadata::MetadataValue<tonic::metadata::Ascii>);

impl tonic::service::Interceptor for Token {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        req.metadata_mut().insert("authorization", self.0.clone());
        Ok(req)
    }
}

type Users = UserServiceClient<InterceptedService<Channel, Token>>;

fn users(channel: Channel, token: &str) -> Users {
    let value = format!("Bearer {token}").parse().unwrap();
    UserServiceClient::with_interceptor(channel, Token(value))
}

async fn connect(url: &str) -> Channel {
    Endpoint::from_shared(url.to_owned())
        .unwrap()
        .timeout(Duration::from_mins(2))
        .connect()
        .await
        .expect("the user service accepts connections")
}

/// What happened to one request.
#[derive(Debug, Clone)]
struct Outcome {
    what: String,
    answered_at: Instant,
    result: Result<(), String>,
}

/// Every outcome, shared by the clients.
#[derive(Debug, Clone, Default)]
struct Record(Arc<Mutex<Vec<Outcome>>>);

impl Record {
    fn push(&self, what: impl Into<String>, result: Result<(), String>) {
        self.0.lock().unwrap().push(Outcome {
            what: what.into(),
            answered_at: Instant::now(),
            result,
        });
    }

    fn all(&self) -> Vec<Outcome> {
        self.0.lock().unwrap().clone()
    }

    fn answered(&self) -> usize {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|o| o.result.is_ok())
            .count()
    }
}

fn with_password(tag: &str) -> pb::CreateUserRequest {
    pb::CreateUserRequest {
        user: Some(crate::support::user(&format!("{tag}@acme.test"))),
        password: Some("s3cret-Passw0rd".to_owned()),
        ..Default::default()
    }
}

/// Where the clients send, and where they write down what happened.
#[derive(Debug, Clone)]
struct Clients {
    http: reqwest::Client,
    base: String,
    owner: Signer,
    record: Record,
}

impl Clients {
    /// Creates a user with a password over gRPC (one argon2 hash in the server's queue).
    async fn grpc_create(self, mut u: Users, tag: String) {
        let r = u.create_user(with_password(&tag)).await;
        let result = r.map(|_| ()).map_err(|s| format!("{s:?}"));
        self.record.push(format!("gRPC CreateUser {tag}"), result);
    }

    async fn grpc_list(self, mut u: Users) {
        let page = pb::ListUsersRequest {
            page_size: 5,
            ..Default::default()
        };
        let result = u
            .list_users(page)
            .await
            .map(|_| ())
            .map_err(|s| format!("{s:?}"));
        self.record.push("gRPC ListUsers", result);
    }

    /// A CloudAPI call through the gateway that must answer `expected`.
    async fn http(self, method: Method, body: Option<serde_json::Value>, expected: u16) {
        let mut req = signed(
            &self.http,
            &self.base,
            &self.owner,
            method.clone(),
            "/acme/users",
        );
        if let Some(b) = &body {
            req = req.json(b);
        }
        let result = match req.send().await {
            Ok(res) if res.status() == expected => Ok(()),
            Ok(res) => Err(format!(
                "HTTP {}: {}",
                res.status(),
                res.text().await.unwrap_or_default()
            )),
            Err(e) => Err(format!("{e:?}")),
        };
        self.record
            .push(format!("HTTP {method} /acme/users {body:?}"), result);
    }

    /// Creates a CloudAPI sub-user with a password.
    async fn http_create(self, tag: String) {
        let body = serde_json::json!({
            "login": tag,
            "email": format!("{tag}@example.com"),
            "password": "s3cret-Passw0rd",
        });
        self.http(Method::POST, Some(body), 201).await;
    }
}

/// The gRPC health of the whole server, watched: returns once it reports NOT_SERVING.
async fn until_not_serving(channel: Channel) {
    let mut health = HealthClient::new(channel);
    let mut watch = health
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("health watch")
        .into_inner();
    while let Some(r) = watch.message().await.expect("health stream") {
        if r.status == ServingStatus::NotServing as i32 {
            return;
        }
    }
    panic!("the health stream ended before NOT_SERVING");
}

#[tokio::test]
async fn sigterm_during_a_stream_of_requests_answers_every_accepted_one_and_exits_0() {
    // Arrange: a tenant made with the CLI, then `roster serve` with a drain delay.
    let install = Installation::new().await;
    let key = TestKey::ed25519(1);
    let tenant = install.tenant("acme", &key).await;
    let token = tenant["token"].as_str().unwrap().to_owned();
    let owner = Signer::account("acme", &key);
    let mut env = install.env();
    env.push(("ROSTER_SHUTDOWN_DELAY_SECS", "2".to_owned()));
    env.push(("ROSTER_SHUTDOWN_GRACE_SECS", "120".to_owned()));
    env.push(("ROSTER_HASH_CONCURRENCY", "1".to_owned()));
    // The queue is the point here: no request is refused for waiting long.
    env.push(("ROSTER_ARGON2_MAX_WAIT_MS", "600000".to_owned()));
    env.push(("ROSTER_ARGON2_MAX_QUEUED_PER_TENANT", "100000".to_owned()));
    let mut roster = RosterProcess::start("serve", &env).await;
    let grpc_url = roster.grpc_url();
    let base = roster.http_url();
    let http = reqwest::Client::new();
    let record = Record::default();
    let cx = Clients {
        http: http.clone(),
        base: base.clone(),
        owner,
        record: record.clone(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let serial = Arc::new(AtomicUsize::new(0));

    // A steady stream: gRPC reads and writes, CloudAPI reads and writes through the gateway.
    let mut clients = JoinSet::new();
    for _ in 0..3 {
        let u = users(connect(&grpc_url).await, &token);
        let (cx, stop, serial) = (cx.clone(), Arc::clone(&stop), Arc::clone(&serial));
        clients.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let n = serial.fetch_add(1, Ordering::Relaxed);
                match n % 6 {
                    0 => {
                        let tag = format!("stream{n}");
                        cx.clone().grpc_create(u.clone(), tag).await;
                    }
                    1 => cx.clone().http_create(format!("web{n}")).await,
                    2 | 4 => cx.clone().grpc_list(u.clone()).await,
                    _ => cx.clone().http(Method::GET, None, 200).await,
                }
            }
        });
    }
    let started = Instant::now();
    while record.answered() < 30 {
        assert!(
            started.elapsed() < Duration::from_mins(2),
            "the stream does not flow: {:?}",
            record.all()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Act: SIGTERM in the middle of the stream.
    let health_channel = connect(&grpc_url).await;
    roster.sigterm();
    let sigterm_at = Instant::now();

    // Not ready at once, while still serving: gRPC health NOT_SERVING, /readyz 503.
    until_not_serving(health_channel.clone()).await;
    let per_service = HealthClient::new(health_channel)
        .check(HealthCheckRequest {
            service: "roster.v1.UserService".to_owned(),
        })
        .await
        .expect("health answers while draining")
        .into_inner();
    assert_eq!(per_service.status, ServingStatus::NotServing as i32);
    let ready = http
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("the gateway answers while draining");
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.headers()["connection"],
        "close",
        "keep-alive clients are asked to leave"
    );
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["status"],
        "draining"
    );

    // A burst accepted during the delay: more hashing than the delay lasts, so that it is
    // still in flight when the listeners close.
    let mut burst = JoinSet::new();
    for c in 0..3 {
        let u = users(connect(&grpc_url).await, &token);
        for n in 0..80 {
            burst.spawn(cx.clone().grpc_create(u.clone(), format!("burst{c}-{n}")));
        }
    }
    for n in 0..20 {
        burst.spawn(cx.clone().http_create(format!("late{n}")));
    }
    // The load balancer has caught up: no new requests from here on.
    stop.store(true, Ordering::Relaxed);

    // The gateway's listener closes once the delay is over, while the burst still runs.
    let http_addr = roster.http.unwrap();
    let closed_at = loop {
        if tokio::net::TcpStream::connect(http_addr).await.is_err() {
            break Instant::now();
        }
        assert!(
            sigterm_at.elapsed() < Duration::from_mins(2),
            "the gateway never stopped accepting"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    while clients.join_next().await.is_some() {}
    while burst.join_next().await.is_some() {}
    let status = roster.wait().await;

    // Assert: every accepted request was answered, some of them after the listener closed.
    let all = record.all();
    let failed: Vec<String> = all
        .iter()
        .filter_map(|o| o.result.as_ref().err().map(|e| format!("{}: {e}", o.what)))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} requests failed: {failed:#?}",
        failed.len(),
        all.len()
    );
    let after_sigterm = all.iter().filter(|o| o.answered_at > sigterm_at).count();
    let after_close = all.iter().filter(|o| o.answered_at > closed_at).count();
    assert!(
        after_sigterm >= 260,
        "only {after_sigterm} answers after SIGTERM"
    );
    assert!(
        after_close > 0,
        "no request was still in flight when the listener closed"
    );
    // (A little under 2 s: the signal may be handled a moment before `kill` returns.)
    assert!(
        closed_at - sigterm_at >= Duration::from_millis(1500),
        "the listener closed before the delay was over"
    );
    assert!(
        status.success(),
        "exit status {status:?}; log: {:#?}",
        roster.log()
    );
    assert!(roster.logged("Shutting down."));
    assert!(!roster.logged("In-flight requests outlived the grace period; they are cut."));
}

#[tokio::test]
async fn requests_outliving_the_grace_period_are_cut_and_the_process_still_exits_0() {
    // Arrange: no delay, one second of grace, and far more hashing queued than that.
    let install = Installation::new().await;
    let tenant = install.tenant("acme", &TestKey::ed25519(1)).await;
    let token = tenant["token"].as_str().unwrap().to_owned();
    let mut env = install.env();
    env.push(("ROSTER_SHUTDOWN_GRACE_SECS", "1".to_owned()));
    env.push(("ROSTER_HASH_CONCURRENCY", "1".to_owned()));
    // The queue is the point here: no request is refused for waiting long.
    env.push(("ROSTER_ARGON2_MAX_WAIT_MS", "600000".to_owned()));
    env.push(("ROSTER_ARGON2_MAX_QUEUED_PER_TENANT", "100000".to_owned()));
    let mut roster = RosterProcess::start("user-service", &env).await;
    let record = Record::default();
    let cx = Clients {
        http: reqwest::Client::new(),
        base: String::new(),
        owner: Signer::account("acme", &TestKey::ed25519(1)),
        record: record.clone(),
    };
    let mut burst = JoinSet::new();
    for c in 0..4 {
        let u = users(connect(&roster.grpc_url()).await, &token);
        for n in 0..90 {
            burst.spawn(cx.clone().grpc_create(u.clone(), format!("c{c}-{n}")));
        }
    }
    let started = Instant::now();
    while record.answered() == 0 {
        assert!(
            started.elapsed() < Duration::from_mins(2),
            "nothing answered: {:?}",
            record.all()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Act
    roster.sigterm();
    let status = roster.wait().await;
    while burst.join_next().await.is_some() {}

    // Assert: the process did not wait for the 360 hashes, and said so; exit status 0.
    assert!(
        status.success(),
        "exit status {status:?}; log: {:#?}",
        roster.log()
    );
    assert!(
        record.answered() < 360,
        "every request finished: the grace period was not applied"
    );
    assert!(roster.logged("In-flight requests outlived the grace period; they are cut."));
}
