//! The idempotency key store on its own, on both databases: of many claims of one key on two
//! pools (two replicas) exactly one wins; an answer is kept and found again; a claim whose
//! lease ended is taken over and can no longer complete; the purge takes only expired keys,
//! a bounded batch at a time; a tenant's keys go with it.

// A failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestDb;
use roster_domain::Timestamp;
use roster_domain::authz::Principal;
use roster_domain::idempotency::{
    ClaimId, Fingerprint, IdempotencyKey, IdempotencyRecords as _, IdempotencyScope, KeyState,
    NewClaim,
};
use roster_storage::Store;
use std::time::Duration;

async fn store() -> (Store, TestDb) {
    let db = TestDb::create().await;
    let store = db.connect().await;
    store.migrate().await.unwrap();
    (store, db)
}

const NOW: Timestamp = Timestamp::from_micros(1_800_000_000_000_000);
const LEASE: Duration = Duration::from_mins(1);

fn scope(name: &str) -> IdempotencyScope {
    IdempotencyScope::of(&Principal::operator(), name)
}

fn key(k: &str) -> IdempotencyKey {
    IdempotencyKey::parse(k).unwrap()
}

async fn claim(
    store: &Store,
    scope: &IdempotencyScope,
    key: &IdempotencyKey,
    fingerprint: u8,
    now: Timestamp,
) -> (ClaimId, KeyState) {
    let id = ClaimId::generate();
    let state = store
        .claim_key(&NewClaim {
            scope,
            key,
            fingerprint: Fingerprint::new([fingerprint; 32]),
            claim: id,
            now,
            lease_until: now.plus(LEASE),
        })
        .await
        .unwrap();
    (id, state)
}

async fn count(store: &Store) -> i64 {
    use sea_orm::ConnectionTrait as _;
    let row = store
        .connection()
        .query_one_raw(sea_orm::Statement::from_string(
            store.backend(),
            "SELECT COUNT(*) AS n FROM idempotency_keys",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn one_claim_of_a_key_wins_across_replicas() {
    let (store, db) = store().await;
    let replica = db.connect().await;
    for round in 0..3 {
        let k = key(&format!("k{round}"));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..16 {
            let s = if i % 2 == 0 {
                store.clone()
            } else {
                replica.clone()
            };
            let k = k.clone();
            tasks.spawn(async move { claim(&s, &scope("a"), &k, 1, NOW).await.1 });
        }
        let states = tasks.join_all().await;
        let won = states.iter().filter(|s| **s == KeyState::Claimed).count();
        assert_eq!(won, 1, "round {round}: {states:?}");
        assert!(states.iter().all(|s| *s == KeyState::Claimed
            || *s
                == KeyState::Running {
                    fingerprint: Fingerprint::new([1; 32])
                }));
    }
}

#[tokio::test]
async fn answers_are_kept_per_scope_and_claims_released_or_taken_over() {
    let (store, _db) = store().await;
    let (a, b, k) = (
        scope("a"),
        scope("b"),
        key("8e03978e-40d5-43e8-bc93-6894a57f9324"),
    );
    let (first, state) = claim(&store, &a, &k, 1, NOW).await;
    assert_eq!(state, KeyState::Claimed);
    assert_eq!(
        claim(&store, &b, &k, 2, NOW).await.1,
        KeyState::Claimed,
        "another scope"
    );

    // Completed: the answer is found again, whatever fingerprint asks.
    let expires = NOW.plus(Duration::from_hours(24));
    assert!(
        store
            .complete_key(&a, &k, first, b"answer", expires)
            .await
            .unwrap()
    );
    assert!(
        !store
            .complete_key(&a, &k, first, b"again", expires)
            .await
            .unwrap()
    );
    let answered = KeyState::Answered {
        fingerprint: Fingerprint::new([1; 32]),
        answer: b"answer".to_vec(),
    };
    assert_eq!(claim(&store, &a, &k, 1, NOW).await.1, answered);
    assert!(
        !store.release_key(&a, &k, first).await.unwrap(),
        "an answer stays"
    );

    // Released: the next claim runs.
    let (second, _) = claim(&store, &b, &k, 2, NOW).await;
    assert_ne!(second, first);
    let held = claim(&store, &b, &k, 2, NOW).await.1;
    assert!(matches!(held, KeyState::Running { .. }), "{held:?}");

    // A lease that ran out is taken over; its claim can then neither complete nor release.
    let later = NOW.plus(LEASE + Duration::from_secs(1));
    let (third, state) = claim(&store, &b, &k, 3, later).await;
    assert_eq!(state, KeyState::Claimed);
    assert!(
        !store
            .complete_key(&b, &k, second, b"late", expires)
            .await
            .unwrap()
    );
    assert!(!store.release_key(&b, &k, second).await.unwrap());
    assert!(store.release_key(&b, &k, third).await.unwrap());
    assert_eq!(claim(&store, &b, &k, 4, later).await.1, KeyState::Claimed);

    // An answer past its retention is taken over too.
    let after = expires.plus(Duration::from_secs(1));
    assert_eq!(claim(&store, &a, &k, 5, after).await.1, KeyState::Claimed);
}

#[tokio::test]
async fn the_purge_takes_expired_keys_a_bounded_batch_at_a_time() {
    let (store, _db) = store().await;
    let s = scope("a");
    for i in 0..5 {
        claim(&store, &s, &key(&format!("old{i}")), 1, NOW).await;
    }
    let later = NOW.plus(LEASE + Duration::from_secs(1));
    claim(&store, &s, &key("fresh"), 1, later).await;
    assert_eq!(store.prune_keys(later, 3).await.unwrap(), 3);
    assert_eq!(count(&store).await, 3);
    assert_eq!(store.prune_keys(later, 3).await.unwrap(), 2);
    assert_eq!(store.prune_keys(later, 3).await.unwrap(), 0);
    assert_eq!(count(&store).await, 1, "the fresh claim stays");
}
