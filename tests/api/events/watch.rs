//! WatchEvents: what was missed first, then each new event as it commits; resumed from the
//! last sequence received it sends exactly what came after; a type filter sends bookmarks for
//! what it hid.

use super::high_water;
use crate::support::{TestApp, TestTenant, create, user};
use roster_proto::v1 as pb;
use roster_proto::v1::watch_events_response::Kind;
use std::time::Duration;
use tonic::Streaming;

async fn watch(
    app: &TestApp,
    t: &TestTenant,
    after: i64,
    types: &[&str],
) -> Streaming<pb::WatchEventsResponse> {
    app.events(&t.token)
        .watch_events(pb::WatchEventsRequest {
            after_sequence: after,
            types: types.iter().map(|s| (*s).to_owned()).collect(),
        })
        .await
        .expect("watch")
        .into_inner()
}

/// The next `n` events of the stream (bookmarks skipped), each within a few seconds.
async fn next_events(s: &mut Streaming<pb::WatchEventsResponse>, n: usize) -> Vec<pb::Event> {
    let mut out = Vec::new();
    while out.len() < n {
        let msg = tokio::time::timeout(Duration::from_secs(10), s.message())
            .await
            .expect("an event in time")
            .expect("the stream goes on")
            .expect("not ended");
        if let Some(Kind::Event(e)) = msg.kind {
            out.push(e);
        }
    }
    out
}

async fn create_users(app: &TestApp, t: &TestTenant, names: &[&str]) -> Vec<String> {
    let mut users = app.users(&t.token);
    let mut ids = Vec::new();
    for n in names {
        ids.push(
            users
                .create_user(create(user(&format!("{n}@example.com"))))
                .await
                .unwrap()
                .into_inner()
                .id,
        );
    }
    ids
}

#[tokio::test]
async fn a_watch_resumed_from_its_last_sequence_gets_exactly_what_it_missed() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let start = high_water(&app, &t).await;
    let before = create_users(&app, &t, &["a", "b"]).await;

    // What happened before the watch began comes first, then what happens during it.
    let mut s = watch(&app, &t, start, &[]).await;
    let first = next_events(&mut s, 2).await;
    let during = create_users(&app, &t, &["c"]).await;
    let live = next_events(&mut s, 1).await;
    assert_eq!(
        first
            .iter()
            .chain(&live)
            .map(|e| e.subject.clone())
            .collect::<Vec<_>>(),
        [before, during].concat()
    );
    let last = live[0].sequence;
    assert_eq!(last, start + 3);

    // Disconnected; writes go on; resumed from the last sequence seen.
    drop(s);
    let missed = create_users(&app, &t, &["d", "e"]).await;
    let mut s = watch(&app, &t, last, &[]).await;
    let got = next_events(&mut s, 2).await;
    assert_eq!(
        got.iter().map(|e| e.subject.clone()).collect::<Vec<_>>(),
        missed
    );
    assert_eq!(
        got.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        [last + 1, last + 2]
    );
    // Nothing more: no event sent twice.
    let more = tokio::time::timeout(Duration::from_millis(1500), s.message()).await;
    assert!(more.is_err(), "nothing else arrives: {more:?}");
}

#[tokio::test]
async fn a_filtered_watch_sends_what_matches_and_bookmarks_what_it_hid() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let start = high_water(&app, &t).await;
    let mut s = watch(&app, &t, start, &["roster.user.deleted"]).await;
    create_users(&app, &t, &["a"]).await;
    let msg = tokio::time::timeout(Duration::from_secs(10), s.message())
        .await
        .expect("a bookmark in time")
        .unwrap()
        .unwrap();
    assert_eq!(msg.kind, Some(Kind::BookmarkSequence(start + 1)));
    let ids = create_users(&app, &t, &["b"]).await;
    app.users(&t.token)
        .delete_user(pb::DeleteUserRequest {
            id: ids[0].clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let got = next_events(&mut s, 1).await;
    assert_eq!(got[0].r#type, "roster.user.deleted");
    assert_eq!(got[0].subject, ids[0]);
    assert_eq!(got[0].sequence, start + 3);
}
