//! Change events: every committed write has exactly its events, numbered per tenant without
//! holes; a refused or rolled-back write has none; `ListEvents` pages them and `WatchEvents`
//! streams them, resuming from a sequence with nothing missed; only the tenant's
//! administrators and services read them.

mod access;
mod dialects;
mod groups;
mod nats;
mod relay_processes;
mod resources;
mod retention;
mod users;
mod watch;
mod webhooks;
mod webhooks_cli;

use crate::support::{TestApp, TestTenant};
use roster_proto::v1 as pb;
use serde_json::Value;

/// Every event of the tenant after `after`, read page by page.
pub(crate) async fn events_after(app: &TestApp, t: &TestTenant, after: i64) -> Vec<pb::Event> {
    let mut out = Vec::new();
    let mut after = after;
    loop {
        let page = app
            .events(&t.token)
            .list_events(pb::ListEventsRequest {
                after_sequence: after,
                page_size: 50,
                types: Vec::new(),
            })
            .await
            .expect("list events")
            .into_inner();
        let done = page.events.is_empty() || page.next_after_sequence >= page.high_water_sequence;
        out.extend(page.events);
        after = page.next_after_sequence;
        if done {
            return out;
        }
    }
}

/// The tenant's latest sequence.
pub(crate) async fn high_water(app: &TestApp, t: &TestTenant) -> i64 {
    app.events(&t.token)
        .list_events(pb::ListEventsRequest {
            // Past every event: an empty page that tells the latest.
            after_sequence: i64::MAX,
            page_size: 1,
            types: Vec::new(),
        })
        .await
        .expect("list events")
        .into_inner()
        .high_water_sequence
}

/// `(type, subject)` of each event.
pub(crate) fn kinds(events: &[pb::Event]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| (e.r#type.clone(), e.subject.clone()))
        .collect()
}

pub(crate) fn data(e: &pb::Event) -> Value {
    serde_json::from_str(&e.data).expect("event data is JSON")
}

/// The sequences run on from `first` with no hole and no repeat.
#[track_caller]
pub(crate) fn contiguous(events: &[pb::Event], first: i64) {
    let seqs: Vec<i64> = events.iter().map(|e| e.sequence).collect();
    let want: Vec<i64> = (first..).take(seqs.len()).collect();
    assert_eq!(seqs, want, "sequences");
}
