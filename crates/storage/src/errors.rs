//! Classifying database failures: which unique index a write collided with, and whether a
//! failure is one that trying again later may get past ([`StorageFault`]).

use roster_domain::{StorageError, StorageFault};
use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr, SqlErr};

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
    StorageError::with_fault(fault(&err), err)
}

/// What `err` means to the caller. Unknown failures are [`StorageFault::Failed`]: only what
/// is known to pass is offered as "try later".
fn fault(err: &DbErr) -> StorageFault {
    if let DbErr::ConnectionAcquire(e) = err {
        return if matches!(e, ConnAcquireErr::Timeout) {
            StorageFault::Busy
        } else {
            StorageFault::Unreachable
        };
    }
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = err
    else {
        return StorageFault::Failed;
    };
    sqlx_fault(e)
}

fn sqlx_fault(e: &sqlx::Error) -> StorageFault {
    if matches!(e, sqlx::Error::PoolTimedOut) {
        return StorageFault::Busy;
    }
    if matches!(
        e,
        sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed
    ) {
        return StorageFault::Unreachable;
    }
    let Some(code) = e
        .as_database_error()
        .and_then(sqlx::error::DatabaseError::code)
    else {
        return StorageFault::Failed;
    };
    match &*code {
        // query_canceled: the statement_timeout the call's deadline set (see crate::deadline).
        "57014" => StorageFault::DeadlineExceeded,
        // The server is shutting down, crashed or is starting up.
        "57P01" | "57P02" | "57P03" => StorageFault::Unreachable,
        // connection_exception and its subclasses.
        c if c.starts_with("08") => StorageFault::Unreachable,
        // SQLITE_BUSY and its extended codes: another process held the write lock for the
        // whole busy timeout.
        "5" | "261" | "517" | "773" => StorageFault::Busy,
        _ => StorageFault::Failed,
    }
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
