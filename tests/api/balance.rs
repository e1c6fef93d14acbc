//! The gateway balances its calls over every user-service replica. Two `roster user-service`
//! processes on one database listen at 127.0.0.1 and 127.0.0.2 on the same port, and one
//! `roster gateway` is given both URLs (as a name resolving to both addresses would give them;
//! the resolver's own test resolves `localhost`). Signed CloudAPI reads spread evenly; when
//! one replica is killed, only the calls in flight on it may fail and the later ones go to
//! the other; restarted, it takes calls again; one that drains is let go at once.

use crate::support::cloudapi::{Signer, TestKey, signed};
use crate::support::process::{Installation, RosterProcess};
use futures::StreamExt as _;
use reqwest::Method;
use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

/// The gRPC method a CloudAPI read of one user calls, once per read.
const GET_USER: &str = r#"method="/roster.v1.UserService/GetUser""#;

/// How long after a replica's death the gateway may still send it a call: it must first see
/// the death, which takes it a millisecond or so (more on a loaded machine).
const SETTLE: Duration = Duration::from_millis(100);

/// Reads to measure the spread with: each replica's share is then within a fifth of half
/// of them but once in a million runs (binomial, standard deviation 12 calls).
const READS: usize = 600;

/// GetUser calls `replica` has served, from its Prometheus metrics.
async fn get_user_calls(http: &reqwest::Client, replica: &RosterProcess) -> u64 {
    let addr = replica.metrics.expect("a metrics listener");
    let text = http
        .get(format!("http://{addr}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("roster_grpc_requests_total{") && l.contains(GET_USER))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

/// One signed read of `ann` through the gateway: its status, 0 if the gateway did not answer.
async fn read(http: &reqwest::Client, base: &str, owner: &Signer) -> u16 {
    signed(http, base, owner, Method::GET, "/acme/users/ann")
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

/// `n` reads, `at_once` at a time: their statuses.
async fn reads(
    http: &reqwest::Client,
    base: &str,
    owner: &Signer,
    n: usize,
    at_once: usize,
) -> Vec<u16> {
    futures::stream::iter(0..n)
        .map(|_| read(http, base, owner))
        .buffer_unordered(at_once)
        .collect()
        .await
}

/// Reads one after another until `done`, each logged with when it began.
async fn keep_reading(
    http: &reqwest::Client,
    base: &str,
    owner: &Signer,
    done: &Cell<bool>,
    log: &RefCell<Vec<(Instant, u16)>>,
) {
    while !done.get() {
        let started = Instant::now();
        let status = read(http, base, owner).await;
        log.borrow_mut().push((started, status));
    }
}

/// A user service on `addr` (`127.0.0.2:<port>`; port 0 for any).
async fn replica(install: &Installation, addr: &str) -> RosterProcess {
    let mut env = install.env();
    env.push(("ROSTER_MIGRATE_ON_START", "false".to_owned()));
    env.push(("ROSTER_GRPC_ADDR", addr.to_owned()));
    RosterProcess::start("user-service", &env).await
}

#[tokio::test]
async fn calls_spread_over_the_replicas_and_leave_a_killed_one_at_once() {
    // Arrange: a tenant, two replicas on one port of two loopback addresses, one gateway.
    let install = Installation::new().await;
    let key = TestKey::ed25519(5);
    install.tenant("acme", &key).await;
    let owner = Signer::account("acme", &key);
    let mut a = replica(&install, "127.0.0.1:0").await;
    let port = a.grpc.expect("a user service").port();
    let b_addr = format!("127.0.0.2:{port}");
    let mut b = replica(&install, &b_addr).await;
    let urls = format!("http://127.0.0.1:{port},http://{b_addr}");
    let gw_data = install.dir.path().join("gateway-data");
    let gw_env = [
        ("ROSTER_USER_SERVICE_URL", urls),
        ("ROSTER_DATA_DIR", gw_data.display().to_string()),
    ];
    let gateway = RosterProcess::start("gateway", &gw_env).await;
    let base = gateway.http_url();
    let http = reqwest::Client::new();
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let body = serde_json::json!({"login": "ann", "email": "ann@example.com", "password": "s3cret-Passw0rd"});
    let created = signed(&http, &base, &owner, Method::POST, "/acme/users")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{:?}", created.text().await);

    // Act 1: reads, eight at a time.
    let (a0, b0) = (
        get_user_calls(&http, &a).await,
        get_user_calls(&http, &b).await,
    );
    let statuses = reads(&http, &base, &owner, READS, 8).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");

    // Assert 1: each replica took its half, within a fifth of it.
    let on_a = get_user_calls(&http, &a).await - a0;
    let on_b = get_user_calls(&http, &b).await - b0;
    assert_eq!(
        on_a + on_b,
        u64::try_from(READS).unwrap(),
        "one GetUser per read"
    );
    assert!(
        on_a.abs_diff(on_b) * 5 <= on_a + on_b,
        "uneven spread: {on_a} calls on one replica, {on_b} on the other"
    );

    // Act 2: reads keep going, four at a time, while replica b is killed mid-stream.
    let killed_at: Cell<Option<Instant>> = Cell::new(None);
    let done = Cell::new(false);
    let log: RefCell<Vec<(Instant, u16)>> = RefCell::new(Vec::new());
    let worker = || keep_reading(&http, &base, &owner, &done, &log);
    let kill = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        b.kill().await;
        killed_at.set(Some(Instant::now()));
        tokio::time::sleep(Duration::from_secs(2)).await;
        done.set(true);
    };
    tokio::join!(worker(), worker(), worker(), worker(), kill);

    // Assert 2: the reads that failed are those b had in flight, or that the gateway sent it
    // in the moment before it saw b die (a few, at most two per reader); every read begun
    // from a tenth of a second after the kill succeeded. Were b kept until a resolution
    // dropped it, about half of the reads would fail for seconds.
    let killed_at = killed_at.get().expect("b was killed");
    let settled = killed_at + SETTLE;
    let log = log.into_inner();
    let failed: Vec<Duration> = log
        .iter()
        .filter(|(_, status)| *status != 200)
        .map(|(began, _)| began.saturating_duration_since(killed_at))
        .collect();
    let later = log.iter().filter(|(began, _)| *began >= settled).count();
    assert!(later >= 20, "only {later} reads after the kill");
    assert!(
        failed.len() <= 8
            && log
                .iter()
                .all(|(began, status)| *began < settled || *status == 200),
        "{} of {} reads failed, begun this long after the kill: {failed:?}",
        failed.len(),
        log.len()
    );

    // Assert 3: the survivor takes every call; the gateway stays ready.
    let a1 = get_user_calls(&http, &a).await;
    let statuses = reads(&http, &base, &owner, 50, 4).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(get_user_calls(&http, &a).await - a1, 50);
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);

    // Act 4 and assert: b back on its address takes calls again, within seconds.
    let b = replica(&install, &b_addr).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while get_user_calls(&http, &b).await == 0 {
        assert!(
            Instant::now() < deadline,
            "the restarted replica got no call"
        );
        let statuses = reads(&http, &base, &owner, 10, 2).await;
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A replica that drains is let go: the gateway's health stream on it does not hold its
    // shutdown up until the grace period (30 s) runs out, and b takes the calls.
    let stopping = Instant::now();
    a.sigterm();
    assert!(a.wait().await.success());
    assert!(!a.logged("In-flight requests outlived the grace period; they are cut."));
    assert!(
        stopping.elapsed() < Duration::from_secs(10),
        "{:?}",
        stopping.elapsed()
    );
    let statuses = reads(&http, &base, &owner, 20, 4).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
}
