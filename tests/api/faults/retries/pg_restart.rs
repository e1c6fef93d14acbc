//! PostgreSQL restarted while every client retries its writes with their keys. A write in
//! flight at the restart may keep its key claimed (its release could not reach the
//! database) until the claim's lease ends, which is why the lease here is short.
//!
//! Like [`super::super::pg_restart`], it runs only with `ROSTER_FAULTS_PG_RESTART=1`, alone
//! (`make faults`).

use super::super::deployment::{Deployment, Limits, postgres_or_skip};
use super::super::pg_restart::restart_postgres;
use super::check::{assert_one_effect_per_key, retried_through};
use super::writers::Writers;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(2);
/// Twice the deadline, as `idempotency_lease_secs` should be.
const LEASE: Duration = Duration::from_secs(4);

#[tokio::test]
async fn writes_retried_with_their_keys_through_a_database_restart_take_effect_once_each() {
    if std::env::var("ROSTER_FAULTS_PG_RESTART").as_deref() != Ok("1") {
        eprintln!(
            "retries_through_pg_restart: skipped: it restarts the PostgreSQL cluster; set ROSTER_FAULTS_PG_RESTART=1 (make faults)"
        );
        return;
    }
    if postgres_or_skip("retries_through_pg_restart").is_none() {
        return;
    }
    let began = Instant::now();
    let d = Deployment::start(Limits {
        deadline: DEADLINE,
        acquire: Duration::from_secs(1),
        lease: Some(LEASE),
    })
    .await;
    let clients = Writers::start(&d.clients, DEADLINE);
    clients
        .until_each_wrote_after(Instant::now(), Duration::from_mins(1))
        .await;

    let restarting = Instant::now();
    restart_postgres().await;
    let restarted = Instant::now();
    let recovered = clients
        .until_each_wrote_after(restarted, Duration::from_mins(1))
        .await;
    let writes = clients.stop().await;

    let tally = assert_one_effect_per_key(&writes, &d.stored_users().await);
    let through = retried_through(&writes, restarting, restarted);
    assert!(
        !through.is_empty(),
        "no write was retried through the restart"
    );
    eprintln!(
        "retries through a database restart: {tally} ({} retried through the restart); every client wrote again {recovered:?} after it returned; the test took {:?}",
        through.len(),
        began.elapsed(),
    );
}
