//! One error enum per user operation, so that each mapping to a status is exhaustive.

use super::model::GroupSelector;
use crate::values::{Email, ExternalId, Login};
use crate::{FieldViolations, StorageError};

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// The caller's tenant no longer exists.
    #[error("tenant not found")]
    TenantNotFound,
    #[error("invalid user: {0}")]
    Invalid(FieldViolations),
    #[error("login '{0}' is already taken")]
    LoginTaken(Login),
    #[error("email '{0}' is already registered")]
    EmailTaken(Email),
    #[error("external id '{0}' is already used")]
    ExternalIdTaken(ExternalId),
    #[error("{selector} not found")]
    GroupNotFound {
        index: usize,
        selector: GroupSelector,
    },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum GetUserError {
    #[error("user not found")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum ListUsersError {
    #[error("invalid query: {0}")]
    Invalid(FieldViolations),
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
    #[error("login '{0}' is already taken")]
    LoginTaken(Login),
    #[error("email '{0}' is already registered")]
    EmailTaken(Email),
    #[error("external id '{0}' is already used")]
    ExternalIdTaken(ExternalId),
    #[error("{selector} not found")]
    GroupNotFound {
        index: usize,
        selector: GroupSelector,
    },
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
    Storage(#[from] StorageError),
}

/// Why one batch item wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum UpsertError {
    /// The caller's tenant no longer exists.
    #[error("tenant not found")]
    TenantNotFound,
    #[error("invalid item: {0}")]
    Invalid(FieldViolations),
    #[error("user not found")]
    NotFound,
    #[error("login '{0}' is already taken")]
    LoginTaken(Login),
    #[error("email '{0}' is already registered")]
    EmailTaken(Email),
    #[error("external id '{0}' is already used")]
    ExternalIdTaken(ExternalId),
    #[error("{selector} not found")]
    GroupNotFound {
        index: usize,
        selector: GroupSelector,
    },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    #[error("invalid password: {0}")]
    Invalid(FieldViolations),
    #[error("user not found")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyPasswordError {
    #[error("user not found")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug, thiserror::Error)]
pub enum RecordActivityError {
    #[error("user not found")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<CreateUserError> for UpsertError {
    fn from(e: CreateUserError) -> Self {
        match e {
            CreateUserError::TenantNotFound => Self::TenantNotFound,
            CreateUserError::Invalid(v) => Self::Invalid(v),
            CreateUserError::LoginTaken(l) => Self::LoginTaken(l),
            CreateUserError::EmailTaken(m) => Self::EmailTaken(m),
            CreateUserError::ExternalIdTaken(x) => Self::ExternalIdTaken(x),
            CreateUserError::GroupNotFound { index, selector } => {
                Self::GroupNotFound { index, selector }
            }
            CreateUserError::Storage(s) => Self::Storage(s),
        }
    }
}

impl From<UpdateUserError> for UpsertError {
    fn from(e: UpdateUserError) -> Self {
        match e {
            UpdateUserError::Invalid(v) => Self::Invalid(v),
            UpdateUserError::NotFound | UpdateUserError::EtagMismatch => Self::NotFound,
            UpdateUserError::LoginTaken(l) => Self::LoginTaken(l),
            UpdateUserError::EmailTaken(m) => Self::EmailTaken(m),
            UpdateUserError::ExternalIdTaken(x) => Self::ExternalIdTaken(x),
            UpdateUserError::GroupNotFound { index, selector } => {
                Self::GroupNotFound { index, selector }
            }
            UpdateUserError::Storage(s) => Self::Storage(s),
        }
    }
}
