//! The relay to NATS JetStream (the machine's server at 127.0.0.1:4222), each test with a
//! stream and subject prefix of its own: every committed event is stored once, in its
//! tenant's order, with its id as `Nats-Msg-Id`; events written while NATS is away arrive
//! when it is back; an event told twice (a crash between the acknowledgement and the mark)
//! is stored once.

use super::{events_after, high_water};
use crate::support::{TestApp, TestTenant, create, user};
use async_nats::jetstream::{self, stream::Stream};
use roster_proto::v1 as pb;
use sea_orm::ConnectionTrait as _;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub(super) const NATS: &str = "127.0.0.1:4222";

/// A stream name and subject prefix no other test uses.
pub(super) fn names() -> (String, String) {
    let n = uuid::Uuid::new_v4().simple().to_string();
    (format!("T{n}"), format!("rt{n}"))
}

async fn spawn(url: &str, stream: &str, prefix: &str) -> TestApp {
    let (url, stream, prefix) = (url.to_owned(), stream.to_owned(), prefix.to_owned());
    TestApp::spawn_with(move |s| {
        s.nats_url = Some(url);
        s.nats_stream = stream;
        s.nats_subject_prefix = prefix;
        s.relay_lease_secs = 2;
    })
    .await
}

pub(super) async fn jetstream() -> jetstream::Context {
    jetstream::new(
        async_nats::connect(NATS)
            .await
            .expect("NATS at 127.0.0.1:4222"),
    )
}

/// One stored message: subject, `Nats-Msg-Id`, the CloudEvent.
#[derive(Debug)]
pub(super) struct Stored {
    pub(super) subject: String,
    pub(super) msg_id: String,
    pub(super) event: serde_json::Value,
}

/// Every message of the stream once it holds at least `n` (within 20 s), then whatever
/// else arrives in the next half second (so that a copy would show).
pub(super) async fn stored(js: &jetstream::Context, name: &str, n: u64) -> Vec<Stored> {
    loop_until(|| async {
        let mut stream = js.get_stream(name).await.ok()?;
        let info = stream.info().await.ok()?;
        (info.state.messages >= n).then_some(())
    })
    .await;
    let mut stream: Stream = js.get_stream(name).await.expect("the stream");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let last = stream.info().await.unwrap().state.last_sequence;
    let mut out = Vec::new();
    for seq in 1..=last {
        let m = stream.get_raw_message(seq).await.expect("a stored message");
        let msg_id = m
            .headers
            .get("Nats-Msg-Id")
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default();
        assert_eq!(
            m.headers
                .get("Content-Type")
                .map(|v| v.as_str().to_owned())
                .as_deref(),
            Some("application/cloudevents+json")
        );
        out.push(Stored {
            subject: m.subject.to_string(),
            msg_id,
            event: serde_json::from_slice(&m.payload).expect("a CloudEvent"),
        });
    }
    out
}

async fn loop_until<T, F, Fut>(mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..200 {
        if let Some(v) = f().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not in time");
}

async fn writes(app: &TestApp, t: &TestTenant, prefix: &str) {
    let mut users = app.users(&t.token);
    for i in 0..5 {
        users
            .create_user(create(user(&format!("{prefix}{i}@example.com"))))
            .await
            .unwrap();
    }
    app.groups(&t.token)
        .create_group(pb::CreateGroupRequest {
            path: format!("//{prefix}/Team"),
            ..Default::default()
        })
        .await
        .unwrap();
}

/// Each tenant's events are stored in sequence order, each once, under
/// `<prefix>.<tenant>.<type>`, as the outbox has them.
async fn check(app: &TestApp, tenants: &[&TestTenant], got: &[Stored], prefix: &str) {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for s in got {
        *ids.entry(s.msg_id.as_str()).or_default() += 1;
    }
    assert!(ids.values().all(|n| *n == 1), "a message stored twice");
    for t in tenants {
        let want = events_after(app, t, 0).await;
        let mine: Vec<&Stored> = got
            .iter()
            .filter(|s| s.event["source"] == format!("/tenants/{}", t.id))
            .collect();
        assert_eq!(mine.len(), want.len(), "every event of {} once", t.id);
        for (s, e) in mine.iter().zip(&want) {
            assert_eq!(s.msg_id, e.id);
            assert_eq!(s.event["id"], e.id.as_str());
            assert_eq!(s.event["sequence"], format!("{:020}", e.sequence));
            let kind = e.r#type.strip_prefix("roster.").unwrap();
            assert_eq!(s.subject, format!("{prefix}.{}.{kind}", t.id));
        }
    }
}

#[tokio::test]
async fn every_committed_event_is_stored_once_in_its_tenants_order() {
    let (stream, prefix) = names();
    let app = spawn(&format!("nats://{NATS}"), &stream, &prefix).await;
    let a = app.tenant("acme").await;
    let b = app.tenant("globex").await;
    let (wa, wb) = (writes(&app, &a, "a"), writes(&app, &b, "b"));
    tokio::join!(wa, wb);
    let n = u64::try_from(high_water(&app, &a).await + high_water(&app, &b).await).unwrap();
    let js = jetstream().await;
    let got = stored(&js, &stream, n).await;
    check(&app, &[&a, &b], &got, &prefix).await;
    js.delete_stream(&stream).await.unwrap();
}

/// A TCP relay to NATS that can be cut and restored on the same port: NATS away and back,
/// as the client sees it.
struct Cable {
    addr: SocketAddr,
    task: Option<JoinHandle<()>>,
}

impl Cable {
    async fn up(addr: Option<SocketAddr>) -> Self {
        let listener = TcpListener::bind(addr.unwrap_or_else(|| "127.0.0.1:0".parse().unwrap()))
            .await
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let mut links = tokio::task::JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                links.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(NATS).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Self {
            addr,
            task: Some(task),
        }
    }

    /// Drops every connection and refuses new ones.
    fn cut(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

#[tokio::test]
async fn events_written_while_nats_is_away_arrive_once_when_it_is_back() {
    let (stream, prefix) = names();
    let mut cable = Cable::up(None).await;
    let app = spawn(&format!("nats://{}", cable.addr), &stream, &prefix).await;
    let a = app.tenant("acme").await;
    writes(&app, &a, "before").await;
    let js = jetstream().await;
    let first = u64::try_from(high_water(&app, &a).await).unwrap();
    stored(&js, &stream, first).await;

    // NATS away: writes go on.
    cable.cut();
    tokio::time::sleep(Duration::from_millis(300)).await;
    writes(&app, &a, "during").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let during = js
        .get_stream(&stream)
        .await
        .unwrap()
        .info()
        .await
        .unwrap()
        .state
        .messages;
    assert_eq!(
        during, first,
        "nothing reaches the stream while NATS is away"
    );

    // Back on the same address: what was written meanwhile arrives, once, in order.
    let _cable = Cable::up(Some(cable.addr)).await;
    let all = u64::try_from(high_water(&app, &a).await).unwrap();
    let got = stored(&js, &stream, all).await;
    check(&app, &[&a], &got, &prefix).await;
    js.delete_stream(&stream).await.unwrap();
}

#[tokio::test]
async fn an_event_told_again_after_a_lost_mark_is_stored_once() {
    let (stream, prefix) = names();
    let app = spawn(&format!("nats://{NATS}"), &stream, &prefix).await;
    let a = app.tenant("acme").await;
    writes(&app, &a, "x").await;
    let n = u64::try_from(high_water(&app, &a).await).unwrap();
    let js = jetstream().await;
    stored(&js, &stream, n).await;

    // As if the relay had crashed after NATS acknowledged and before it marked them: the
    // events are unpublished again, and the relay tells them again.
    let db = sea_orm::Database::connect(&app.db.url).await.unwrap();
    db.execute_unprepared("UPDATE outbox_events SET published_at = NULL")
        .await
        .unwrap();
    loop_until(|| {
        let db = &db;
        async move {
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    "SELECT COUNT(*) FROM outbox_events WHERE published_at IS NULL",
                ))
                .await
                .ok()??;
            (row.try_get_by_index::<i64>(0).ok()? == 0).then_some(())
        }
    })
    .await;
    let got = stored(&js, &stream, n).await;
    assert_eq!(got.len() as u64, n, "the copies were dropped by the stream");
    check(&app, &[&a], &got, &prefix).await;
    js.delete_stream(&stream).await.unwrap();
}
