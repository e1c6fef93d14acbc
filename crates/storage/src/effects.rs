//! What a write owes besides its own rows, settled when it commits ([`Store::finish`]): the
//! groups whose members it changed get new versions, and the events it caused go to the
//! outbox. A savepoint collects its own and merges them into the write's only when it holds,
//! so an item that rolled back leaves neither.

use crate::groups::TouchedGroups;
use crate::outbox::{self, Outbox};
use crate::{Store, WriteTxn};
use roster_domain::{StorageError, Timestamp};

#[derive(Debug, Default)]
pub(crate) struct Effects {
    pub(crate) groups: TouchedGroups,
    pub(crate) events: Outbox,
}

impl Effects {
    pub(crate) fn merge(&mut self, other: Effects) {
        self.groups.merge(other.groups);
        self.events.merge(other.events);
    }
}

/// When a write whose port is given no time happens: the wall clock, for its events' time.
pub(crate) fn wall_clock() -> Timestamp {
    roster_domain::Clock::now(&roster_domain::SystemClock)
}

impl Store {
    /// Settles `effects` inside `w`, commits it, and then wakes this process's event readers.
    pub(crate) async fn finish(
        &self,
        w: WriteTxn,
        effects: Effects,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        let Effects { groups, events } = effects;
        groups.apply(&w.txn, self.locks_rows(), now).await?;
        let events = if self.events {
            events
        } else {
            Outbox::default()
        };
        let any = !events.is_empty();
        // Last: the tenant's sequence row is locked from here to the commit only.
        outbox::append(&w.txn, events, now).await?;
        w.txn.commit().await.map_err(crate::errors::storage)?;
        if any {
            self.commits.committed();
        }
        Ok(())
    }
}
