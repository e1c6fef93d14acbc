//! The relay as operators run it: a replica that commits events it cannot publish and is
//! killed with SIGKILL; then two `roster user-service` processes on the same database, both
//! relaying to NATS, one of them killed in the middle of the writes and started again. Every committed event is in the stream once (the stream drops what a relay tells
//! again with the same `Nats-Msg-Id`), and each tenant's in its sequence order.

use super::nats::{NATS, Stored, jetstream, names, stored};
use crate::support::cloudapi::TestKey;
use crate::support::process::{Installation, RosterProcess};
use crate::support::{create, user};
use roster_proto::v1 as pb;
use roster_proto::v1::event_service_client::EventServiceClient;
use roster_proto::v1::user_service_client::UserServiceClient;
use std::collections::HashMap;
use tonic::transport::Channel;

fn channel(p: &RosterProcess) -> Channel {
    tonic::transport::Endpoint::from_shared(p.grpc_url())
        .unwrap()
        .connect_lazy()
}

fn authed<T>(token: &str, msg: T) -> tonic::Request<T> {
    let mut r = tonic::Request::new(msg);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    r
}

/// Every event of the tenant, through `p`.
async fn all_events(p: &RosterProcess, token: &str) -> Vec<pb::Event> {
    let mut events = EventServiceClient::new(channel(p));
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = events
            .list_events(authed(
                token,
                pb::ListEventsRequest {
                    after_sequence: after,
                    page_size: 1000,
                    types: Vec::new(),
                },
            ))
            .await
            .unwrap()
            .into_inner();
        let done = page.next_after_sequence >= page.high_water_sequence;
        out.extend(page.events);
        after = page.next_after_sequence;
        if done {
            return out;
        }
    }
}

#[tokio::test]
async fn two_relays_and_a_kill_9_store_every_event_once_in_its_tenants_order() {
    let inst = Installation::new().await;
    let tenants = [
        inst.tenant("acme", &TestKey::ed25519(1)).await,
        inst.tenant("globex", &TestKey::ed25519(2)).await,
    ];
    let tokens: Vec<String> = tenants
        .iter()
        .map(|t| t["token"].as_str().unwrap().to_owned())
        .collect();
    let (stream, prefix) = names();
    let mut env = inst.env();
    env.push(("ROSTER_NATS_URL", format!("nats://{NATS}")));
    env.push(("ROSTER_NATS_STREAM", stream.clone()));
    env.push(("ROSTER_NATS_SUBJECT_PREFIX", prefix.clone()));
    env.push(("ROSTER_RELAY_LEASE_SECS", "1".to_owned()));
    // First a replica that cannot reach NATS: what it commits stays unpublished, and it is
    // killed so: committed, never published by it.
    let unreachable = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut cut_off = env.clone();
    cut_off.retain(|(k, _)| *k != "ROSTER_NATS_URL");
    cut_off.push((
        "ROSTER_NATS_URL",
        format!("nats://{}", unreachable.local_addr().unwrap()),
    ));
    drop(unreachable);
    let mut lone = RosterProcess::start("user-service", &cut_off).await;
    for i in 0..6 {
        UserServiceClient::new(channel(&lone))
            .create_user(authed(
                &tokens[i % 2],
                create(user(&format!("early{i}@example.com"))),
            ))
            .await
            .unwrap();
    }
    lone.kill().await;

    let mut a = RosterProcess::start("user-service", &env).await;
    let b = RosterProcess::start("user-service", &env).await;

    // Writes through both replicas; the first is killed halfway, at once, and comes back.
    for i in 0..40 {
        if i == 20 {
            a.kill().await;
            a = RosterProcess::start("user-service", &env).await;
        }
        let via = if i % 2 == 0 { &a } else { &b };
        let token = &tokens[i % 2];
        UserServiceClient::new(channel(via))
            .create_user(authed(token, create(user(&format!("u{i}@example.com")))))
            .await
            .unwrap();
    }

    let committed: Vec<Vec<pb::Event>> = vec![
        all_events(&b, &tokens[0]).await,
        all_events(&b, &tokens[1]).await,
    ];
    let n = u64::try_from(committed.iter().map(Vec::len).sum::<usize>()).unwrap();
    let js = jetstream().await;
    let got: Vec<Stored> = stored(&js, &stream, n).await;
    let mut copies: HashMap<&str, usize> = HashMap::new();
    for s in &got {
        *copies.entry(s.msg_id.as_str()).or_default() += 1;
    }
    assert!(copies.values().all(|c| *c == 1), "an event stored twice");
    assert_eq!(
        got.len(),
        usize::try_from(n).unwrap(),
        "every committed event, once"
    );
    for want in &committed {
        let mine: Vec<&Stored> = got
            .iter()
            .filter(|s| want.iter().any(|e| e.id == s.msg_id))
            .collect();
        let ids: Vec<&str> = mine.iter().map(|s| s.msg_id.as_str()).collect();
        let want_ids: Vec<&str> = want.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, want_ids, "in the tenant's sequence order");
    }
    js.delete_stream(&stream).await.unwrap();
}
