//! A user's entry for a group or a folder names it by id if set, else by name (a group's
//! path), else by external id. The first one set must be valid: a bad id is not silently
//! passed over for the name.

use roster_domain::ids::IdError;
use roster_domain::values::{ExternalId, ExternalIdError};

/// Why an entry names no group or folder; `N` is why a name is invalid.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RefError<N> {
    #[error(transparent)]
    Id(IdError),
    #[error(transparent)]
    Name(N),
    #[error(transparent)]
    ExternalId(ExternalIdError),
    /// Nothing is set; says what the entry names and what its name is called.
    #[error("name the {kind} by id, {name} or external_id")]
    Unnamed {
        kind: &'static str,
        name: &'static str,
    },
}

/// An entry as the message holds it.
pub(crate) struct Entry<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) external_id: Option<&'a str>,
}

/// How one kind of entry (groups, folders) becomes its key.
pub(crate) struct Keys<K, N> {
    pub(crate) kind: &'static str,
    /// What the name is called in the entry.
    pub(crate) name: &'static str,
    pub(crate) by_id: fn(&str) -> Result<K, IdError>,
    pub(crate) by_name: fn(&str) -> Result<K, N>,
    pub(crate) by_external_id: fn(ExternalId) -> K,
}

impl<K, N> Keys<K, N> {
    /// The key of the first way `e` names something.
    pub(crate) fn of(&self, e: &Entry<'_>) -> Result<K, RefError<N>> {
        if !e.id.is_empty() {
            return (self.by_id)(e.id).map_err(RefError::Id);
        }
        if !e.name.is_empty() {
            return (self.by_name)(e.name).map_err(RefError::Name);
        }
        match e.external_id {
            Some(x) => ExternalId::parse(x)
                .map(self.by_external_id)
                .map_err(RefError::ExternalId),
            None => Err(RefError::Unnamed {
                kind: self.kind,
                name: self.name,
            }),
        }
    }
}
