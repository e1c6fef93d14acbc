//! Event retention on both databases: only events older than the cutoff go, and with a relay
//! only those it published; each tenant's events go as a prefix of its sequence, recorded
//! before they go; another tenant's stay; the sequence runs on.

// A failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestDb;
use roster_domain::events::{EventPage, EventQuery};
use roster_domain::ports::{
    EventRepository as _, NewUserRecord, SecretDigest, TenantRepository as _, UserRepository as _,
};
use roster_domain::tenants::NewTenantRecord;
use roster_domain::users::NewUser;
use roster_domain::values::{Email, TenantLogin};
use roster_domain::{TenantId, Timestamp, UserId};
use roster_storage::Store;
use std::time::Duration;

const T0: Timestamp = Timestamp::from_micros(1_700_000_000_000_000);

fn at(secs: u64) -> Timestamp {
    T0.plus(Duration::from_secs(secs))
}

fn record(user: NewUser, now: Timestamp) -> NewUserRecord {
    NewUserRecord {
        id: UserId::generate(),
        user,
        password_hash: None,
        secret_digest: SecretDigest::from_hex(uuid::Uuid::new_v4().simple().to_string()),
        now,
    }
}

/// A tenant made at `T0`: its own event and its owner's.
async fn tenant(store: &Store, login: &str) -> TenantId {
    let owner = NewUser::new(Email::parse(&format!("owner@{login}.test")).unwrap());
    let (t, _) = store
        .create_tenant(NewTenantRecord {
            id: TenantId::generate(),
            login: TenantLogin::parse(login).unwrap(),
            name: login.to_owned(),
            company_id: None,
            organization_secret_digest: SecretDigest::from_hex(format!("org-{login}")),
            integration_key_digest: SecretDigest::from_hex(format!("key-{login}")),
            owner: record(owner, T0),
            owner_keys: vec![],
            now: T0,
        })
        .await
        .unwrap();
    t.id
}

async fn page(store: &Store, t: TenantId) -> EventPage {
    store
        .list_events(
            t,
            &EventQuery {
                after: 0,
                limit: 100,
                types: Vec::new(),
            },
        )
        .await
        .unwrap()
}

fn sequences(p: &EventPage) -> Vec<i64> {
    p.events.iter().map(|e| e.sequence).collect()
}

#[tokio::test]
async fn old_events_go_as_a_prefix_and_only_once_published_when_a_relay_owes_them() {
    let db = TestDb::create().await;
    let store = db.connect().await;
    store.migrate().await.unwrap();
    let acme = tenant(&store, "acme").await;
    let other = tenant(&store, "other").await;
    // Three users ten seconds later: events 3, 4, 5.
    for i in 1..=3 {
        store
            .create(acme, record(NewUser::fake(i), at(10)))
            .await
            .unwrap();
    }
    assert_eq!(sequences(&page(&store, acme).await), [1, 2, 3, 4, 5]);

    // A relay owes every event: nothing goes.
    assert_eq!(store.prune_events(at(5), true, 1000).await.unwrap(), 0);
    assert_eq!(page(&store, acme).await.pruned_through, 0);

    // Published through 3: the old ones among them go (1 and 2), one row per statement.
    let lease = store
        .hold_relay_lease(
            "events-nats",
            uuid::Uuid::new_v4(),
            Duration::from_mins(1),
            at(20),
        )
        .await
        .unwrap()
        .unwrap();
    let first_three: Vec<uuid::Uuid> = page(&store, acme).await.events[..3]
        .iter()
        .map(|e| e.id)
        .collect();
    store
        .mark_published("events-nats", lease, &first_three, at(20))
        .await
        .unwrap();
    assert_eq!(store.prune_events(at(5), true, 1).await.unwrap(), 2);
    let p = page(&store, acme).await;
    assert_eq!((sequences(&p), p.pruned_through), (vec![3, 4, 5], 2));

    // Later events are old now, but 4 and 5 are owed: only 3 goes.
    assert_eq!(store.prune_events(at(60), true, 1000).await.unwrap(), 1);
    let p = page(&store, acme).await;
    assert_eq!((sequences(&p), p.pruned_through), (vec![4, 5], 3));

    // Without a relay, age alone decides; the other tenant's events (never published,
    // made at T0) go too, and each tenant keeps its own mark.
    assert_eq!(store.prune_events(at(60), false, 1000).await.unwrap(), 4);
    let p = page(&store, acme).await;
    assert_eq!(
        (sequences(&p), p.pruned_through, p.high_water),
        (vec![], 5, 5)
    );
    assert_eq!(page(&store, other).await.pruned_through, 2);

    // The sequence runs on after a prune.
    store
        .create(acme, record(NewUser::fake(9), at(70)))
        .await
        .unwrap();
    let p = page(&store, acme).await;
    assert_eq!((sequences(&p), p.pruned_through), (vec![6], 5));
}
