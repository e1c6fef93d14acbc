//! What the retrying clients must find once the fault has cleared: one effect per key.

use super::super::deployment::StoredUser;
use super::super::dialects::Dialect;
use super::writers::{Effect, How, Write, Writer};
use std::collections::{HashMap, HashSet};
use std::time::Instant;

/// The tenant's owner, made with the tenant.
const OWNER: &str = "owner@acme.test";

/// Asserts that every write had a definitive answer that was its success, and that the
/// database shows each write's effect exactly once: each created user once, with the id its
/// answer gave; each update at the version its answer gave; each deleted user gone; and no
/// user that no write made.
pub(super) fn assert_one_effect_per_key(writes: &[Write], stored: &[StoredUser]) -> Tally {
    let mut by_email: HashMap<&str, Vec<&StoredUser>> = HashMap::new();
    for u in stored {
        by_email.entry(u.email.as_str()).or_default().push(u);
    }
    let one = |email: &str, w: &Write| -> Option<&StoredUser> {
        let rows = by_email.get(email).map_or(&[][..], Vec::as_slice);
        assert!(
            rows.len() <= 1,
            "{} users with the email of {w:?}: {rows:?}",
            rows.len()
        );
        rows.first().copied()
    };
    // Each client's writes are in order: a user's later write (an update, a delete) is what
    // the database shows for it, so only the last one of each email is checked against it.
    let mut last: HashMap<&str, &Write> = HashMap::new();
    let mut keys = HashSet::new();
    for w in writes {
        assert!(
            keys.insert((w.writer, w.key.as_str())),
            "a key used twice: {w:?}"
        );
        match &w.effect {
            Effect::Failed(why) => {
                let told: Vec<&str> = w.attempts.iter().map(|a| a.said.as_str()).collect();
                panic!(
                    "{:?} write {} failed: {why}; told before: {told:?}",
                    w.writer, w.key
                );
            }
            Effect::Created { email, .. }
            | Effect::Updated { email, .. }
            | Effect::Deleted { email } => {
                last.insert(email.as_str(), w);
            }
        }
    }
    for (email, w) in &last {
        let row = one(email, w);
        match (&w.effect, row) {
            (Effect::Created { id, .. }, Some(u)) => {
                let shown = if w.writer == Writer::Rest(Dialect::Elements) {
                    u.number.to_string()
                } else {
                    u.id.clone()
                };
                // Forms On Fire writes UUIDs without their dashes.
                if let Some(id) = id {
                    assert_eq!(
                        id.replace('-', ""),
                        shown.replace('-', ""),
                        "the answer of {w:?} names another user than {u:?}"
                    );
                }
            }
            (
                Effect::Updated {
                    version,
                    first_name,
                    ..
                },
                Some(u),
            ) => {
                assert_eq!(
                    (u.version, u.first_name.as_ref()),
                    (*version, Some(first_name)),
                    "{w:?}"
                );
            }
            (Effect::Deleted { .. }, None) => {}
            (_, row) => panic!("{w:?} but the database has {row:?}"),
        }
    }
    for u in stored {
        assert!(
            u.email == OWNER || last.contains_key(u.email.as_str()),
            "a user no write made: {u:?}"
        );
    }
    let count = |how: How| writes.iter().filter(|w| w.how == how).count();
    Tally {
        writes: writes.len(),
        retried: writes.iter().filter(|w| w.attempts.len() > 1).count(),
        replayed: count(How::Replayed),
        lost: count(How::Lost),
    }
}

/// What the writes were, for the tests' reports.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tally {
    pub(super) writes: usize,
    /// Sent more than once.
    pub(super) retried: usize,
    /// Answered by a kept answer.
    pub(super) replayed: usize,
    /// Done by a send whose answer was lost ([`How::Lost`]).
    pub(super) lost: usize,
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} writes, {} sent more than once, {} answered by a kept answer, {} done by a send whose answer was lost",
            self.writes, self.retried, self.replayed, self.lost
        )
    }
}

/// The writes that were told to try again (or got no answer) at some time between `from`
/// and `to`, and succeeded in the end under the same key.
pub(super) fn retried_through(writes: &[Write], from: Instant, to: Instant) -> Vec<&Write> {
    writes
        .iter()
        .filter(|w| w.succeeded())
        .filter(|w| {
            w.attempts
                .iter()
                .any(|a| a.again && a.answered >= from && a.sent <= to)
        })
        .collect()
}
