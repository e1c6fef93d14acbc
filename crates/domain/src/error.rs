//! Errors shared by every operation: opaque storage failures and field violations.

use std::fmt;
use std::time::Duration;

/// A failure inside a driven adapter (the database, the hasher). The domain never looks
/// inside it; the inbound adapter answers by its [`StorageFault`]: an opaque internal error
/// (logged) unless the adapter said that trying again later may succeed.
#[derive(Debug, thiserror::Error)]
#[error("storage failure")]
pub struct StorageError(
    #[source] pub Box<dyn std::error::Error + Send + Sync>,
    StorageFault,
);

/// What a storage failure means to the caller, as the adapter that failed classified it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StorageFault {
    /// A failure that trying again will not cure (a broken row, a bug), or one nobody
    /// classified.
    #[default]
    Failed,
    /// Every database connection stayed taken for as long as the pool waits: the step that
    /// needed one did nothing.
    Busy,
    /// The call's deadline ran out while the database worked (see [`crate::deadline`]): the
    /// statement was cancelled, and a write's transaction rolled back.
    DeadlineExceeded,
    /// The database could not be reached, or dropped the connection (it is restarting, say).
    Unreachable,
}

impl StorageError {
    pub fn new(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Box::new(err), StorageFault::Failed)
    }

    /// A failure the adapter has classified.
    pub fn with_fault(
        fault: StorageFault,
        err: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self(Box::new(err), fault)
    }

    /// A failure described only by a message (a row that no longer parses, say).
    pub fn msg(message: impl Into<String>) -> Self {
        Self(message.into().into(), StorageFault::Failed)
    }

    pub fn fault(&self) -> StorageFault {
        self.1
    }
}

/// More work of this kind is waiting than the service takes on (the password hashing slots
/// of the caller's tenant, say): the request was refused before it changed anything, and a
/// retry after `retry_after` may succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the service is busy; try again later")]
pub struct TryLater {
    pub retry_after: Duration,
}

/// One invalid request field: its path (`user.email`, `user.groups[2]`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

/// Every invalid field of one request, so that a client learns all of them at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldViolations(Vec<FieldViolation>);

impl FieldViolations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: impl Into<String>, description: impl fmt::Display) -> Self {
        let mut v = Self::new();
        v.add(field, description);
        v
    }

    pub fn add(&mut self, field: impl Into<String>, description: impl fmt::Display) {
        self.0.push(FieldViolation {
            field: field.into(),
            description: description.to_string(),
        });
    }

    /// Records the error of `result`, if any, and returns its value.
    pub fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e);
                None
            }
        }
    }

    /// Records every violation of `result`, if any, and returns its value.
    pub fn absorb<T>(&mut self, result: Result<T, FieldViolations>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.extend(e);
                None
            }
        }
    }

    pub fn extend(&mut self, other: FieldViolations) {
        self.0.extend(other.0);
    }

    /// Prefixes every field path, e.g. `user.` for violations found in a nested message.
    #[must_use]
    pub fn prefixed(mut self, prefix: &str) -> Self {
        for v in &mut self.0 {
            v.field = format!("{prefix}{}", v.field);
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldViolation> {
        self.0.iter()
    }

    /// `Ok(())` when nothing was recorded.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for FieldViolations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for v in &self.0 {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{}: {}", v.field, v.description)?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldViolations {}
