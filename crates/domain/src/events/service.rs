//! Reading a tenant's events: a page at a time, or waiting for the next ones.

use super::port::EventRepository;
use super::{EventPage, EventQuery};
use crate::StorageError;
use crate::authz::{Action, Principal};
use std::time::Duration;

/// The most events one page holds.
pub const MAX_PAGE: u32 = 1000;
/// A page's size when the caller names none.
pub const DEFAULT_PAGE: u32 = 100;

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error("{0}")]
    Invalid(crate::FieldViolations),
    /// Events after the sequence asked for were pruned (older than the retention): the
    /// reader cannot resume there without a gap, and must start again from `oldest` (or from
    /// its own copy of the data).
    #[error("the events after sequence {after} were pruned; the oldest kept is {oldest}")]
    Pruned {
        after: i64,
        oldest: i64,
        latest: i64,
    },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The event use cases. Events carry every user of the tenant and every change made to
/// them, so reading them is the policy's [`Action::ReadEvents`]: the tenant's administrators,
/// its service accounts and the operator, never a member who is not an administrator nor a
/// provisioning token. The tenant is the caller's, never the request's.
#[derive(Debug)]
pub struct EventService<R> {
    repo: R,
}

impl<R: EventRepository> EventService<R> {
    pub fn new(repo: R) -> Self {
        Self { repo }
    }

    /// The caller's tenant's events after `query.after`. A `limit` of 0 asks for the
    /// default page; more than [`MAX_PAGE`] is cut to it.
    ///
    /// # Errors
    /// `Denied`, `Invalid` (a negative `after`), `Pruned`, `Storage`.
    pub async fn list(&self, who: &Principal, query: EventQuery) -> Result<EventPage, EventError> {
        let tenant = who.authorized(Action::ReadEvents)?;
        if query.after < 0 {
            return Err(EventError::Invalid(crate::FieldViolations::single(
                "after_sequence",
                "must not be negative",
            )));
        }
        let limit = match query.limit {
            0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let after = query.after;
        let page = self
            .repo
            .list_events(tenant, &EventQuery { limit, ..query })
            .await?;
        if after < page.pruned_through {
            return Err(EventError::Pruned {
                after,
                oldest: page.pruned_through + 1,
                latest: page.high_water,
            });
        }
        Ok(page)
    }

    /// Whether the caller may read events at all: asked once when a watch starts, before
    /// anything is read.
    ///
    /// # Errors
    /// `Denied`.
    pub fn may_read(&self, who: &Principal) -> Result<(), EventError> {
        who.authorized(Action::ReadEvents)?;
        Ok(())
    }

    /// See [`EventRepository::commits`].
    pub fn commits(&self) -> u64 {
        self.repo.commits()
    }

    /// See [`EventRepository::wait_for_commit`].
    pub async fn wait_for_commit(&self, seen: u64, max: Duration) {
        self.repo.wait_for_commit(seen, max).await;
    }
}
