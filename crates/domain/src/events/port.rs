//! The port of the event store (the outbox).

use super::{EventPage, EventQuery};
use crate::{StorageError, TenantId};
use std::future::Future;
use std::time::Duration;

/// Reads the outbox. Writing events is each repository's own job, inside the transaction of
/// the write they describe.
pub trait EventRepository: Send + Sync + 'static {
    /// The tenant's events after `query.after`, in sequence order.
    fn list_events(
        &self,
        tenant: TenantId,
        query: &EventQuery,
    ) -> impl Future<Output = Result<EventPage, StorageError>> + Send;

    /// Returns when a write of this process has committed events since `seen` (a value
    /// [`EventRepository::commits`] returned), or after `max` at the latest: other processes'
    /// writes are only found by reading again.
    fn wait_for_commit(&self, seen: u64, max: Duration) -> impl Future<Output = ()> + Send;

    /// A counter that grows whenever a write of this process commits events.
    fn commits(&self) -> u64;
}
