//! `kill -9` of the user service under a mixed load of every dialect: while it is down the
//! gateway answers each dialect's "try again" (503, its error body, `Retry-After`) at once;
//! when it is started again the gateway finds it by itself; and every write acknowledged
//! before, during or after is in the database.

use super::deployment::{Deployment, Limits, postgres_or_skip};
use super::dialects::Dialect;
use super::load::{Load, assert_nothing_acknowledged_is_lost};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_killed_user_service_is_503_in_every_dialect_until_it_is_back_and_loses_nothing() {
    if postgres_or_skip("kill_user_service").is_none() {
        return;
    }
    let mut d = Deployment::start(Limits {
        deadline: Duration::from_secs(5),
        acquire: Duration::from_secs(1),
        lease: None,
    })
    .await;
    let load = Load::start(&d.clients);
    let started = Instant::now();
    load.until_each_acknowledged_after(started, Duration::from_mins(1))
        .await;

    d.kill_user_service().await;
    let down = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let restarting = Instant::now();
    d.restart_user_service().await;
    let up = Instant::now();
    let recovered = load
        .until_each_acknowledged_after(up, Duration::from_mins(1))
        .await;
    let outcomes = load.stop().await;

    // While it was down, every dialect answered, and with its "try again", promptly.
    let mut slowest = Duration::ZERO;
    for dialect in Dialect::ALL {
        let while_down: Vec<_> = outcomes
            .iter()
            .filter(|o| o.dialect == dialect && o.sent >= down && o.answered <= restarting)
            .collect();
        assert!(
            !while_down.is_empty(),
            "{dialect:?} was not asked while down"
        );
        for o in while_down {
            if let Err(e) = dialect.try_again(&o.answer) {
                panic!("while the user service was down: {e}");
            }
            slowest = slowest.max(o.answered.duration_since(o.sent));
            assert!(
                o.answered.duration_since(o.sent) < Duration::from_secs(2),
                "{dialect:?} took {:?} to refuse",
                o.answered.duration_since(o.sent)
            );
        }
    }
    // Before, during and after: acknowledged or "try again", and nothing acknowledged lost.
    let stored = d.stored_emails().await;
    let acknowledged = assert_nothing_acknowledged_is_lost(&outcomes, &stored);
    eprintln!(
        "kill -9: {} requests, {acknowledged} acknowledged; refused within {slowest:?} while down; every dialect served again {recovered:?} after the user service was listening again ({:?} after it was started)",
        outcomes.len(),
        up.duration_since(restarting) + recovered,
    );
}
