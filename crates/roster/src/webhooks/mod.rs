//! The webhook dispatcher: delivers each tenant's change events to its active subscriptions,
//! each subscription in sequence order.
//!
//! - One dispatcher delivers at a time per database: it holds the lease `webhooks` (the
//!   relay's kind of lease, see `roster_storage::Store::hold_relay_lease`); every record it
//!   makes is fenced by that lease and by the subscription's position as read, so a paused
//!   or changed subscription, or a second dispatcher, is never overwritten.
//! - A subscription's next event goes only once the one before it was delivered or parked:
//!   receivers get them in order. A failed attempt (not 2xx, a timeout, no answer, an
//!   address that is not allowed) is tried again after a pause that doubles from
//!   `first_retry` up to five minutes; once the event has failed for `retry_for` it is parked
//!   and the next one goes; `pause_after` parked in a row pause the subscription.
//! - Delivery is at least once: a crash between the receiver's answer and the record sends
//!   the event again, with the same `webhook-id` for the receiver to drop it.

mod http;
mod sign;

use anyhow::Result;
use roster_domain::events::{Event, EventQuery};
use roster_domain::ports::EventRepository as _;
use roster_domain::webhooks::WebhookUrl;
use roster_domain::{Clock as _, SystemClock, Timestamp};
use roster_storage::{DueWebhook, Lease, Outcome, Store};
use roster_user_service::events::{CONTENT_TYPE, cloud_event_json};
use std::future::Future;
use std::time::Duration;

/// The lease's name in the database.
const LEASE: &str = "webhooks";
/// Subscriptions looked at per round.
const DUE: u64 = 100;
/// Events one subscription is sent per round.
const PER_ROUND: u32 = 50;
/// The longest pause between attempts.
const MAX_PAUSE: Duration = Duration::from_mins(5);
/// How often to look again when nothing woke the dispatcher (retries that came due, other
/// replicas' writes).
const POLL: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// How long a failing event is tried before it is parked.
    pub retry_for: Duration,
    /// The pause after the first failed attempt; it doubles after each.
    pub first_retry: Duration,
    /// Events parked in a row that pause a subscription.
    pub pause_after: i32,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// Whether targets inside the installation's network may be reached.
    pub allow_private: bool,
    /// How long the dispatcher's lease lasts without renewal.
    pub lease: Duration,
}

/// Runs the dispatcher until `until` resolves.
pub async fn run(store: Store, s: WebhookSettings, until: impl Future<Output = ()>) -> Result<()> {
    tokio::pin!(until);
    let client = http::Client::new(s.timeout, s.allow_private)?;
    let me = uuid::Uuid::new_v4();
    loop {
        let now = SystemClock.now();
        let lease = match store.hold_relay_lease(LEASE, me, s.lease, now).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = ?e, "Cannot read the webhook lease.");
                None
            }
        };
        let seen = store.commits();
        let due = match lease {
            Some(_) => store.due_webhooks(now, DUE).await.unwrap_or_else(|e| {
                tracing::warn!(error = ?e, "Cannot read the webhooks due.");
                Vec::new()
            }),
            None => Vec::new(),
        };
        if let (Some(lease), false) = (lease, due.is_empty()) {
            let sends = due
                .iter()
                .map(|d| deliver_some(&store, &client, &s, lease, d));
            futures::future::join_all(sends).await;
            continue;
        }
        let wait = if lease.is_some() { POLL } else { s.lease / 3 };
        tokio::select! {
            () = &mut until => break,
            () = store.wait_for_commit(seen, wait) => {}
        }
    }
    Ok(())
}

/// Sends the subscription its next events, one after the other, until one fails or the
/// round's share is sent.
async fn deliver_some(
    store: &Store,
    client: &http::Client,
    s: &WebhookSettings,
    lease: Lease,
    due: &DueWebhook,
) {
    let mut w = due.webhook.clone();
    let query = EventQuery {
        after: w.after_sequence,
        limit: PER_ROUND,
        types: w.types.clone(),
    };
    let page = match store.list_events(w.tenant, &query).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = ?e, webhook = %w.id, "Cannot read the events of a webhook.");
            return;
        }
    };
    if page.pruned_through > w.after_sequence {
        tracing::warn!(webhook = %w.id, after = w.after_sequence, pruned_through = page.pruned_through,
            "Events a paused or failing webhook had not received were pruned; it goes on after them.");
    }
    for event in &page.events {
        let now = SystemClock.now();
        let outcome = match send(client, s, &due.secret, &w.url, event, now).await {
            Ok(()) => Outcome::Passed {
                through: event.sequence,
                delivered: true,
            },
            Err(why) => {
                tracing::info!(webhook = %w.id, sequence = event.sequence, error = %why, "A webhook delivery failed.");
                failed(store, s, lease, &w, event, &why, now).await;
                return;
            }
        };
        match store.record_webhook((LEASE, lease), &w, outcome, now).await {
            Ok(true) => {
                w.after_sequence = event.sequence;
                w.attempts = 0;
                w.failing_since = None;
            }
            // Changed meanwhile (paused, or another dispatcher): the next round reads it again.
            Ok(false) => return,
            Err(e) => {
                tracing::warn!(error = ?e, webhook = %w.id, "Cannot record a webhook delivery; it will be sent again.");
                return;
            }
        }
    }
    // Nothing (more) of its types: move past what the filter hid.
    if page.next_after > w.after_sequence && page.events.len() < PER_ROUND as usize {
        let skip = Outcome::Passed {
            through: page.next_after,
            delivered: false,
        };
        if let Err(e) = store
            .record_webhook((LEASE, lease), &w, skip, SystemClock.now())
            .await
        {
            tracing::warn!(error = ?e, webhook = %w.id, "Cannot move a webhook past events not of its types.");
        }
    }
}

/// Records a failed attempt at `event`: a retry later, or the event parked once it has
/// failed for `retry_for`.
async fn failed(
    store: &Store,
    s: &WebhookSettings,
    lease: Lease,
    w: &roster_domain::webhooks::Webhook,
    event: &Event,
    why: &str,
    now: Timestamp,
) {
    let attempts = w.attempts.saturating_add(1);
    let since = w.failing_since.unwrap_or(now);
    let outcome = if now >= since.plus(s.retry_for) {
        let pause = w.parked_in_a_row.saturating_add(1) >= s.pause_after;
        if pause {
            tracing::warn!(webhook = %w.id, "A webhook keeps failing; it is paused.");
        }
        Outcome::Parked {
            event,
            attempts,
            error: why,
            pause,
        }
    } else {
        Outcome::Failed {
            error: why,
            retry_at: now.plus(backoff(s.first_retry, attempts)),
        }
    };
    if let Err(e) = store.record_webhook((LEASE, lease), w, outcome, now).await {
        tracing::warn!(error = ?e, webhook = %w.id, "Cannot record a failed webhook delivery.");
    }
}

/// The pause after `attempts` failed attempts: `first`, doubled after each, at most
/// [`MAX_PAUSE`].
fn backoff(first: Duration, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    first.saturating_mul(1 << doublings).min(MAX_PAUSE)
}

/// One attempt: the event POSTed, signed; `Err` says why it did not count as delivered.
async fn send(
    client: &http::Client,
    s: &WebhookSettings,
    secret: &str,
    url: &WebhookUrl,
    event: &Event,
    now: Timestamp,
) -> Result<(), String> {
    // Checked again at each attempt: the installation's rule may have changed since.
    WebhookUrl::parse(url.as_str(), s.allow_private).map_err(|e| e.to_string())?;
    let body = cloud_event_json(event);
    let id = event.id.to_string();
    let ts = now.seconds();
    let sig = sign::signature(secret, &id, ts, body.as_bytes())
        .ok_or_else(|| "the stored signing secret is unusable".to_owned())?;
    let headers = [
        ("content-type", CONTENT_TYPE),
        ("webhook-id", id.as_str()),
        ("webhook-timestamp", &ts.to_string()),
        ("webhook-signature", sig.as_str()),
    ];
    let status = client.post(url.as_str(), &headers, body).await?;
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", status.as_u16()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_longest() {
        let first = Duration::from_secs(1);
        let pauses: Vec<u64> = (1..=4).map(|a| backoff(first, a).as_secs()).collect();
        assert_eq!(pauses, [1, 2, 4, 8]);
        assert_eq!(backoff(first, 40), MAX_PAUSE);
    }
}
