//! PostgreSQL restarted under a mixed load of every dialect: while it is down the clients
//! are told to try again; once it is back the user service's pool reconnects by itself
//! (Roster is not restarted), and every write acknowledged before, during and after is in
//! the database.
//!
//! It restarts the whole local cluster, which every other test using it would notice: it
//! runs only with `ROSTER_FAULTS_PG_RESTART=1`, alone (`make faults`).

use super::deployment::{Deployment, Limits, postgres_or_skip};
use super::load::{Load, assert_nothing_acknowledged_is_lost};
use std::time::{Duration, Instant};

/// `pg_ctlcluster <version> main restart`, for the cluster the tests use.
pub(super) async fn restart_postgres() {
    let version = std::fs::read_dir("/etc/postgresql")
        .expect("a Debian PostgreSQL cluster (/etc/postgresql)")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .min()
        .expect("a PostgreSQL version");
    let status = tokio::process::Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", &version, "main", "restart"])
        .status()
        .await
        .expect("pg_ctlcluster runs");
    assert!(status.success(), "pg_ctlcluster restart failed: {status}");
}

#[tokio::test]
async fn a_restarted_database_is_served_again_without_restarting_roster_and_loses_nothing() {
    if std::env::var("ROSTER_FAULTS_PG_RESTART").as_deref() != Ok("1") {
        eprintln!(
            "pg_restart: skipped: it restarts the PostgreSQL cluster; set ROSTER_FAULTS_PG_RESTART=1 (make faults)"
        );
        return;
    }
    if postgres_or_skip("pg_restart").is_none() {
        return;
    }
    let began = Instant::now();
    let d = Deployment::start(Limits {
        deadline: Duration::from_secs(5),
        acquire: Duration::from_secs(1),
        lease: None,
    })
    .await;
    let load = Load::start(&d.clients);
    load.until_each_acknowledged_after(Instant::now(), Duration::from_mins(1))
        .await;

    let restarting = Instant::now();
    restart_postgres().await;
    let restarted = Instant::now();
    let recovered = load
        .until_each_acknowledged_after(restarted, Duration::from_mins(1))
        .await;
    let outcomes = load.stop().await;

    let during = outcomes
        .iter()
        .filter(|o| o.sent <= restarted && o.answered >= restarting)
        .count();
    assert!(
        during > 0,
        "no request was under way while PostgreSQL restarted"
    );
    let stored = d.stored_emails().await;
    let acknowledged = assert_nothing_acknowledged_is_lost(&outcomes, &stored);
    let refused = outcomes.iter().filter(|o| !o.acknowledged()).count();
    eprintln!(
        "pg_restart: {} requests ({during} under way during the restart), {acknowledged} acknowledged, {refused} told to try again; pg_ctlcluster restart took {:?}; every dialect served again {recovered:?} after it returned; the test took {:?}",
        outcomes.len(),
        restarted.duration_since(restarting),
        began.elapsed(),
    );
}
