//! Classifying database failures: which unique index a write collided with.

use roster_domain::StorageError;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// The unique rule a write broke. PostgreSQL names the index (`ux_users_login_key`), SQLite
/// the columns (`users.tenant_id, users.login_key`); both contain the column name matched here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unique {
    Login,
    Email,
    ExternalId,
    GroupPath,
    CompanyId,
    FolderName,
    Other,
}

pub(crate) fn unique_violation(err: &DbErr) -> Option<Unique> {
    let Some(SqlErr::UniqueConstraintViolation(msg)) = err.sql_err() else {
        return None;
    };
    Some(if msg.contains("login_key") {
        Unique::Login
    } else if msg.contains("email_key") {
        Unique::Email
    } else if msg.contains("external_id") {
        Unique::ExternalId
    } else if msg.contains("path") {
        Unique::GroupPath
    } else if msg.contains("company_id") {
        Unique::CompanyId
    } else if msg.contains("name_key") {
        Unique::FolderName
    } else {
        Unique::Other
    })
}

pub(crate) fn storage(err: DbErr) -> StorageError {
    StorageError::new(err)
}

/// A write referenced a row that does not exist (a deleted tenant, in practice).
pub(crate) fn foreign_key_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(SqlErr::ForeignKeyConstraintViolation(_))
    )
}

/// A PostgreSQL transaction that failed only because of a concurrent one (a deadlock, a
/// serialization failure): it wrote nothing, and running it again may succeed.
pub(crate) fn is_transient(err: &StorageError) -> bool {
    let Some(
        DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e))
        | DbErr::Conn(RuntimeErr::SqlxError(e)),
    ) = err.0.downcast_ref::<DbErr>()
    else {
        return false;
    };
    e.as_database_error()
        .and_then(sqlx::error::DatabaseError::code)
        .is_some_and(|c| c == "40P01" || c == "40001")
}
