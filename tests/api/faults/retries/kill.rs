//! `kill -9` of the user service while every client retries its writes with their keys.
//! A write in flight at the kill may have claimed its key in the database with nobody left
//! to release it: its retries are told the first request still runs (409, ABORTED) until
//! the claim's lease ends, which is why the lease here is short.

use super::super::deployment::{Deployment, Limits, postgres_or_skip};
use super::check::{assert_one_effect_per_key, retried_through};
use super::writers::{Writer, Writers};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(2);
/// Twice the deadline, as `idempotency_lease_secs` should be.
const LEASE: Duration = Duration::from_secs(4);

#[tokio::test]
async fn writes_retried_with_their_keys_through_a_kill_take_effect_once_each() {
    if postgres_or_skip("retries_through_a_kill").is_none() {
        return;
    }
    let began = Instant::now();
    let mut d = Deployment::start(Limits {
        deadline: DEADLINE,
        acquire: Duration::from_secs(1),
        lease: Some(LEASE),
    })
    .await;
    let clients = Writers::start(&d.clients, DEADLINE);
    clients
        .until_each_wrote_after(Instant::now(), Duration::from_mins(1))
        .await;

    let down = Instant::now();
    d.kill_user_service().await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    d.restart_user_service().await;
    let up = Instant::now();
    let recovered = clients
        .until_each_wrote_after(up, Duration::from_mins(1))
        .await;
    let writes = clients.stop().await;

    let tally = assert_one_effect_per_key(&writes, &d.stored_users().await);
    let through = retried_through(&writes, down, up);
    for writer in Writer::all() {
        assert!(
            through.iter().any(|w| w.writer == writer),
            "{writer:?} had no write retried through the kill"
        );
    }
    eprintln!(
        "retries through kill -9: {tally} ({} retried through the kill); every client wrote again {recovered:?} after the restart; the test took {:?}",
        through.len(),
        began.elapsed(),
    );
}
