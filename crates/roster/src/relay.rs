//! The event relay: publishes the outbox's events to NATS JetStream, in each tenant's order,
//! and marks them published once the stream has acknowledged them.
//!
//! - One relay publishes at a time per database: it holds a lease (see
//!   `roster_storage::Store::hold_relay_lease`) that it renews every third of its length;
//!   replicas wait for it to end. A relay that lost its lease marks nothing (fencing), and
//!   what it may still have published is told again by the new holder.
//! - Each event goes with `Nats-Msg-Id` = its id, so the stream drops a copy published again
//!   (a crash between the acknowledgement and the mark, a lost lease) within its duplicate
//!   window.
//! - A tenant's events go one after the other, each acknowledged before the next: a failed
//!   publish stops that tenant until the next round, so the stream never holds a later event
//!   of a tenant before an earlier one. Tenants go side by side.
//! - NATS away: nothing is marked, writes go on, the relay retries with a growing pause.

use anyhow::{Context as _, Result};
use async_nats::HeaderMap;
use async_nats::jetstream::{self, stream};
use futures::future::join_all;
use roster_domain::events::Event;
use roster_domain::ports::EventRepository as _;
use roster_domain::{Clock as _, SystemClock};
use roster_storage::{Lease, Store};
use roster_user_service::events::{CONTENT_TYPE, cloud_event_json};
use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

/// The lease's name in the database.
const LEASE: &str = "events-nats";
/// Events read per round.
const BATCH: u64 = 500;
/// Longest pause after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Where and how events are published.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    pub nats_url: String,
    /// The JetStream stream that stores them (made if missing).
    pub stream: String,
    /// First token of every subject: `<prefix>.<tenant>.<type>`.
    pub subject_prefix: String,
    /// How long the stream keeps an event.
    pub max_age: Duration,
    /// How long the stream remembers an event id to drop a copy of it.
    pub duplicate_window: Duration,
    /// How long a relay's lease lasts without renewal.
    pub lease: Duration,
}

/// `<prefix>.<tenant>.<type without its "roster." prefix>`: `roster.<tenant>.user.created`.
pub fn subject_of(prefix: &str, e: &Event) -> String {
    let kind = e.kind.as_str();
    let kind = kind.strip_prefix("roster.").unwrap_or(kind);
    format!("{prefix}.{}.{kind}", e.tenant)
}

/// Runs the relay until `until` resolves.
pub async fn run(store: Store, s: RelaySettings, until: impl Future<Output = ()>) -> Result<()> {
    tokio::pin!(until);
    let client = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect(&s.nats_url)
        .await
        .with_context(|| format!("cannot reach NATS at {}", s.nats_url))?;
    let js = jetstream::new(client);
    let me = uuid::Uuid::new_v4();
    let mut stream_ready = false;
    let mut pause = Duration::ZERO;
    let mut held: Option<Lease> = None;
    loop {
        if !pause.is_zero() {
            tokio::select! {
                () = &mut until => break,
                () = tokio::time::sleep(pause) => {}
            }
        }
        if !stream_ready {
            match ensure_stream(&js, &s).await {
                Ok(()) => stream_ready = true,
                Err(e) => {
                    tracing::warn!(error = %e, "Cannot make the events stream; trying again.");
                    pause = grow(pause);
                    continue;
                }
            }
        }
        let now = SystemClock.now();
        held = match store.hold_relay_lease(LEASE, me, s.lease, now).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = ?e, "Cannot read the relay lease.");
                None
            }
        };
        let Some(lease) = held else {
            // Another replica publishes; look again before its lease could end.
            pause = s.lease / 3;
            continue;
        };
        let seen = store.commits();
        let events = match store.unpublished_events(BATCH).await {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = ?e, "Cannot read the outbox.");
                pause = grow(pause);
                continue;
            }
        };
        if events.is_empty() {
            pause = Duration::ZERO;
            tokio::select! {
                () = &mut until => break,
                () = store.wait_for_commit(seen, s.lease / 3) => {}
            }
            continue;
        }
        let (sent, failed) = publish_round(&js, &s.subject_prefix, events).await;
        let now = SystemClock.now();
        if let Err(e) = store.mark_published(LEASE, lease, &sent, now).await {
            tracing::warn!(error = ?e, "Cannot mark events published; they will be told again.");
        }
        for (id, why) in &failed {
            let _ = store.note_publish_failure(*id, why).await;
        }
        pause = if failed.is_empty() {
            Duration::ZERO
        } else {
            tracing::warn!(failed = failed.len(), error = %failed[0].1, "Events could not be published; trying again.");
            grow(pause)
        };
    }
    if let Some(lease) = held {
        let _ = store.release_relay_lease(LEASE, lease).await;
    }
    Ok(())
}

fn grow(pause: Duration) -> Duration {
    (pause * 2).clamp(Duration::from_millis(200), MAX_BACKOFF)
}

async fn ensure_stream(js: &jetstream::Context, s: &RelaySettings) -> Result<()> {
    js.get_or_create_stream(stream::Config {
        name: s.stream.clone(),
        subjects: vec![format!("{}.>", s.subject_prefix)],
        storage: stream::StorageType::File,
        max_age: s.max_age,
        duplicate_window: s.duplicate_window,
        ..Default::default()
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// Publishes a round of events, each tenant's in order and tenants side by side: the ids
/// acknowledged, and those that failed with why (a tenant stops at its first failure).
async fn publish_round(
    js: &jetstream::Context,
    prefix: &str,
    events: Vec<Event>,
) -> (Vec<uuid::Uuid>, Vec<(uuid::Uuid, String)>) {
    let mut by_tenant: BTreeMap<roster_domain::TenantId, Vec<Event>> = BTreeMap::new();
    for e in events {
        by_tenant.entry(e.tenant).or_default().push(e);
    }
    let rounds = by_tenant
        .into_values()
        .map(|events| publish_tenant(js, prefix, events));
    let mut sent = Vec::new();
    let mut failed = Vec::new();
    for (ok, bad) in join_all(rounds).await {
        sent.extend(ok);
        failed.extend(bad);
    }
    (sent, failed)
}

async fn publish_tenant(
    js: &jetstream::Context,
    prefix: &str,
    events: Vec<Event>,
) -> (Vec<uuid::Uuid>, Option<(uuid::Uuid, String)>) {
    let mut sent = Vec::with_capacity(events.len());
    for e in events {
        match publish_one(js, prefix, &e).await {
            Ok(()) => sent.push(e.id),
            Err(why) => return (sent, Some((e.id, why))),
        }
    }
    (sent, None)
}

async fn publish_one(js: &jetstream::Context, prefix: &str, e: &Event) -> Result<(), String> {
    let mut headers = HeaderMap::new();
    headers.insert("Nats-Msg-Id", e.id.to_string().as_str());
    headers.insert("Content-Type", CONTENT_TYPE);
    let ack = js
        .publish_with_headers(subject_of(prefix, e), headers, cloud_event_json(e).into())
        .await
        .map_err(|err| err.to_string())?;
    ack.await.map_err(|err| err.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_domain::events::EventType;

    #[test]
    fn subjects_name_the_tenant_and_the_type_without_its_prefix() {
        let tenant = roster_domain::TenantId::generate();
        let e = Event {
            id: uuid::Uuid::now_v7(),
            tenant,
            sequence: 1,
            kind: EventType::GroupMemberAdded,
            subject: "g".into(),
            time: roster_domain::Timestamp::from_micros(0),
            data: "{}".into(),
        };
        assert_eq!(
            subject_of("roster", &e),
            format!("roster.{tenant}.group.member_added")
        );
    }

    #[test]
    fn the_pause_grows_to_a_bound() {
        let mut p = Duration::ZERO;
        for _ in 0..20 {
            p = grow(p);
        }
        assert_eq!(p, MAX_BACKOFF);
        assert_eq!(grow(Duration::ZERO), Duration::from_millis(200));
    }
}
