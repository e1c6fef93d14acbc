//! Retention: events older than `events_retention_secs` are pruned, and a reader that asks
//! for events after a pruned sequence is told so (OUT_OF_RANGE, EVENTS_PRUNED, the oldest
//! sequence kept) instead of getting a page with a gap; the sequence runs on.

use super::{events_after, high_water};
use crate::support::{TestApp, create, expect_code, info, reason, user};
use roster_proto::v1 as pb;
use std::time::Duration;
use tonic::Code;

fn after(seq: i64) -> pb::ListEventsRequest {
    pb::ListEventsRequest {
        after_sequence: seq,
        page_size: 10,
        types: Vec::new(),
    }
}

#[tokio::test]
async fn pruned_events_are_refused_by_sequence_and_the_sequence_runs_on() {
    let app = TestApp::spawn_with(|s| s.events_retention_secs = 1).await;
    let t = app.tenant("acme").await;
    app.users(&t.token)
        .create_user(create(user("ada@example.com")))
        .await
        .unwrap();
    let last = high_water(&app, &t).await;
    assert!(last >= 3, "the tenant, its owner and ada: {last}");

    // Pruned within a few seconds (one second's retention, looked at every second).
    let mut refused = None;
    for _ in 0..100 {
        match app.events(&t.token).list_events(after(0)).await {
            Err(st) => {
                refused = Some(st);
                break;
            }
            Ok(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let st = refused.expect("the events were pruned");
    assert_eq!(st.code(), Code::OutOfRange);
    assert_eq!(reason(&st), "EVENTS_PRUNED");
    let oldest: i64 = info(&st, "oldest_sequence").parse().unwrap();
    assert!(oldest > 1 && oldest <= last + 1, "{oldest}");
    assert_eq!(info(&st, "latest_sequence"), last.to_string());

    // A stream resumed there is refused alike.
    let watched = app
        .events(&t.token)
        .watch_events(pb::WatchEventsRequest {
            after_sequence: 0,
            types: Vec::new(),
        })
        .await;
    let st = match watched {
        Err(st) => st,
        Ok(stream) => expect_code(stream.into_inner().message().await, Code::OutOfRange),
    };
    assert_eq!(reason(&st), "EVENTS_PRUNED");

    // From the last sequence read, reading goes on, and the next write follows it.
    let last = high_water(&app, &t).await;
    let bob = app
        .users(&t.token)
        .create_user(create(user("bob@example.com")))
        .await
        .unwrap()
        .into_inner();
    let events = events_after(&app, &t, last).await;
    assert_eq!(events[0].sequence, last + 1);
    assert_eq!(events[0].subject, bob.id);
}
