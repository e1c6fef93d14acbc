//! The deadline of the call that takes a connection, as the database enforces it. The
//! pool's hooks set it on every connection they hand out (see [`crate::connect`]), from the
//! deadline the inbound adapter put in force ([`roster_domain::deadline`]), so that no
//! repository method has to pass it along:
//!
//! - PostgreSQL: the session's `statement_timeout` becomes what the call has left, so that a
//!   statement that stalls (on a lock, say) is cancelled by the server when the caller has
//!   stopped waiting, and its connection comes back to the pool instead of waiting with it.
//!   A connection handed out without a deadline gets the server's default back.
//! - SQLite: the connection's busy timeout (waiting for another process's write lock) is
//!   the configured one, or what the call has left if that is less.
//!
//! One statement per connection handed out: it replaces the pool's liveness ping, which was
//! a round trip of its own. The timeout is set when the connection is taken, so each
//! statement is bounded by what the call had left at that moment, not at the statement.

use roster_domain::deadline;
use sqlx::{AssertSqlSafe, Executor as _, PgConnection, SqliteConnection};
use std::time::Duration;

/// Bounds the statements of `conn` by the current call's deadline. `reused`: the connection
/// has served other calls, whose timeout it may still carry.
pub(crate) async fn bound_postgres(
    conn: &mut PgConnection,
    reused: bool,
) -> Result<(), sqlx::Error> {
    let sql = match deadline::remaining() {
        Some(left) => format!("SET statement_timeout = {}", millis(left)),
        None if reused => "SET statement_timeout = DEFAULT".to_owned(),
        None => return Ok(()),
    };
    conn.execute(AssertSqlSafe(sql)).await.map(drop)
}

/// Bounds the busy wait of `conn` by `busy` and by the current call's deadline.
pub(crate) async fn bound_sqlite(
    conn: &mut SqliteConnection,
    busy: Duration,
    reused: bool,
) -> Result<(), sqlx::Error> {
    let wait = match deadline::remaining() {
        Some(left) => left.min(busy),
        None if reused => busy,
        None => return Ok(()),
    };
    let sql = format!("PRAGMA busy_timeout = {}", millis(wait));
    conn.execute(AssertSqlSafe(sql)).await.map(drop)
}

/// Whole milliseconds, at least one: both databases read 0 as "do not wait at all" or "no
/// limit", neither of which is meant.
fn millis(d: Duration) -> u128 {
    d.as_millis().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_deadline_still_asks_for_a_millisecond() {
        assert_eq!(millis(Duration::ZERO), 1);
        assert_eq!(millis(Duration::from_micros(1500)), 1);
        assert_eq!(millis(Duration::from_secs(2)), 2000);
    }
}
