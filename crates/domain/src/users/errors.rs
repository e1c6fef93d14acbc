//! One error enum per user operation, so that each mapping to a status is exhaustive.

use super::model::GroupSelector;
use super::passwords::HashError;
use crate::folders::FolderKey;
use crate::values::{Email, ExternalId, Login};
use crate::{FieldViolations, StorageError, TryLater};

/// A unique value that another user of the tenant already holds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Taken {
    #[error("login '{0}' is already taken")]
    Login(Login),
    #[error("email '{0}' is already registered")]
    Email(Email),
    #[error("external id '{0}' is already used")]
    ExternalId(ExternalId),
}

/// A group selector (the `index`-th of the request) that names no group of the tenant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{selector} not found")]
pub struct UnknownGroup {
    pub index: usize,
    pub selector: GroupSelector,
}

/// A folder selector (the `index`-th of the request) that names no folder of the tenant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{selector} not found")]
pub struct UnknownFolder {
    pub index: usize,
    pub selector: FolderKey,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// The caller's tenant no longer exists.
    #[error("tenant not found")]
    TenantNotFound,
    #[error("invalid user: {0}")]
    Invalid(FieldViolations),
    #[error(transparent)]
    Taken(#[from] Taken),
    #[error(transparent)]
    UnknownGroup(#[from] UnknownGroup),
    #[error(transparent)]
    UnknownFolder(#[from] UnknownFolder),
    /// The password could not be hashed or checked in time; nothing was written.
    #[error(transparent)]
    TryLater(#[from] TryLater),
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetUserError {
    #[error("user not found")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListUsersError {
    #[error("invalid query: {0}")]
    Invalid(FieldViolations),
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateUserError {
    #[error("invalid update: {0}")]
    Invalid(FieldViolations),
    #[error("user not found")]
    NotFound,
    #[error("the user was changed since the etag was read")]
    EtagMismatch,
    #[error(transparent)]
    Taken(#[from] Taken),
    #[error(transparent)]
    UnknownGroup(#[from] UnknownGroup),
    #[error(transparent)]
    UnknownFolder(#[from] UnknownFolder),
    /// The password could not be hashed or checked in time; nothing was written.
    #[error(transparent)]
    TryLater(#[from] TryLater),
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum DeleteUserError {
    #[error("user not found")]
    NotFound,
    #[error("the user was changed since the etag was read")]
    EtagMismatch,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Why one batch item wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum UpsertError {
    /// The whole batch was refused: it holds more items than allowed.
    #[error(transparent)]
    TooLarge(#[from] super::service::BatchTooLarge),
    /// The caller's tenant no longer exists.
    #[error("tenant not found")]
    TenantNotFound,
    #[error("invalid item: {0}")]
    Invalid(FieldViolations),
    #[error("user not found")]
    NotFound,
    #[error(transparent)]
    Taken(#[from] Taken),
    #[error(transparent)]
    UnknownGroup(#[from] UnknownGroup),
    #[error(transparent)]
    UnknownFolder(#[from] UnknownFolder),
    /// The password could not be hashed or checked in time; nothing was written.
    #[error(transparent)]
    TryLater(#[from] TryLater),
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    #[error("invalid password: {0}")]
    Invalid(FieldViolations),
    #[error("user not found")]
    NotFound,
    /// The password could not be hashed or checked in time; nothing was written.
    #[error(transparent)]
    TryLater(#[from] TryLater),
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyPasswordError {
    #[error("user not found")]
    NotFound,
    /// Too many wrong guesses at this user's password in the current window; nothing was
    /// checked. Retry after `retry_after_secs`.
    #[error("too many password guesses for this user; retry in {retry_after_secs} s")]
    TooManyGuesses { retry_after_secs: u64 },
    /// The password could not be hashed or checked in time; nothing was written.
    #[error(transparent)]
    TryLater(#[from] TryLater),
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum RecordActivityError {
    #[error("user not found")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<CreateUserError> for UpsertError {
    fn from(e: CreateUserError) -> Self {
        match e {
            CreateUserError::TenantNotFound => Self::TenantNotFound,
            CreateUserError::Invalid(v) => Self::Invalid(v),
            CreateUserError::Taken(t) => Self::Taken(t),
            CreateUserError::UnknownGroup(g) => Self::UnknownGroup(g),
            CreateUserError::UnknownFolder(f) => Self::UnknownFolder(f),
            CreateUserError::TryLater(t) => Self::TryLater(t),
            CreateUserError::Storage(s) => Self::Storage(s),
            CreateUserError::Denied(d) => Self::Denied(d),
        }
    }
}

impl From<UpdateUserError> for UpsertError {
    fn from(e: UpdateUserError) -> Self {
        match e {
            UpdateUserError::Invalid(v) => Self::Invalid(v),
            UpdateUserError::NotFound | UpdateUserError::EtagMismatch => Self::NotFound,
            UpdateUserError::Taken(t) => Self::Taken(t),
            UpdateUserError::UnknownGroup(g) => Self::UnknownGroup(g),
            UpdateUserError::UnknownFolder(f) => Self::UnknownFolder(f),
            UpdateUserError::TryLater(t) => Self::TryLater(t),
            UpdateUserError::Storage(s) => Self::Storage(s),
            UpdateUserError::Denied(d) => Self::Denied(d),
        }
    }
}

/// A hasher's refusal or failure, as the error of each operation that hashes.
macro_rules! from_hash_error {
    ($($error:ty),*) => {$(
        impl From<HashError> for $error {
            fn from(e: HashError) -> Self {
                match e {
                    HashError::TryLater(t) => Self::TryLater(t),
                    HashError::Failed(s) => Self::Storage(s),
                }
            }
        }
    )*};
}

from_hash_error!(
    CreateUserError,
    UpdateUserError,
    ChangePasswordError,
    VerifyPasswordError
);
