//! The port of the user store, with the records the use cases hand it.

use super::{
    CreateUserError, DeleteUserError, Device, NewUser, UpdateUserError, UpsertError, UpsertItem,
    UpsertOutcome, User, UserChange, UserKey,
};
use crate::authz::Denied;
use crate::page::{UserPage, UserQuery};
use crate::secrets::SecretDigest;
use crate::values::PasswordHash;
use crate::{FieldViolations, StorageError, TenantId, Timestamp, UserId};
use std::future::Future;

/// A user ready to insert: identity and credentials decided by the use case.
#[derive(Debug, Clone)]
pub struct NewUserRecord {
    pub id: UserId,
    pub user: NewUser,
    pub password_hash: Option<PasswordHash>,
    pub secret_digest: SecretDigest,
    pub now: Timestamp,
}

/// One batch item ready to run: the item, or why it was refused before reaching storage,
/// plus the identity it gets if it creates a user.
#[derive(Debug, Clone)]
pub struct UpsertPlan {
    pub item: Result<UpsertItem, FieldViolations>,
    pub new_id: UserId,
    pub new_secret_digest: SecretDigest,
}

/// A check the store runs inside a user write, on the user as the write found it (`None`:
/// a user about to be created), before it writes anything. Use cases pass the policy's
/// decision here, so that it judges the very row the write changes.
pub type UserGuard<'a> =
    &'a (dyn Fn(Option<&User>, &[UserChange]) -> Result<(), Denied> + Send + Sync);

/// Users of every tenant. Every method is scoped to one tenant: rows of another tenant are
/// invisible, whatever the key.
pub trait UserRepository: Send + Sync + 'static {
    /// Inserts a user with its group memberships, all or nothing.
    ///
    /// # Errors
    /// MUST return `Taken` on a uniqueness collision (also one lost to a concurrent writer),
    /// `UnknownGroup` for a selector that names no group of the tenant, and `TenantNotFound`
    /// when the tenant is gone; never a bare storage error for those.
    fn create(
        &self,
        tenant: TenantId,
        record: NewUserRecord,
    ) -> impl Future<Output = Result<User, CreateUserError>> + Send;

    fn get(
        &self,
        tenant: TenantId,
        key: &UserKey,
    ) -> impl Future<Output = Result<Option<User>, StorageError>> + Send;

    /// One page in the query's order, and the cursor after it when more rows follow.
    fn list(
        &self,
        tenant: TenantId,
        query: &UserQuery,
    ) -> impl Future<Output = Result<UserPage, StorageError>> + Send;

    /// Applies `changes` to the current row, atomically: concurrent writers never lose an
    /// update. With `expected_version`, MUST return `EtagMismatch` unless it is current.
    fn modify(
        &self,
        tenant: TenantId,
        id: UserId,
        changes: &[UserChange],
        expected_version: Option<i64>,
        now: Timestamp,
        guard: UserGuard<'_>,
    ) -> impl Future<Output = Result<User, UpdateUserError>> + Send;

    /// Deletes the user and its memberships; the groups it was in get a new version (`now`).
    fn delete(
        &self,
        tenant: TenantId,
        id: UserId,
        expected_version: Option<i64>,
        now: Timestamp,
        guard: UserGuard<'_>,
    ) -> impl Future<Output = Result<(), DeleteUserError>> + Send;

    /// Runs every plan, each all or nothing, and answers one result per plan in order.
    /// Plans whose item is `Err` come back as `UpsertError::Invalid` untouched.
    fn upsert_batch(
        &self,
        tenant: TenantId,
        plans: Vec<UpsertPlan>,
        now: Timestamp,
        guard: UserGuard<'_>,
    ) -> impl Future<Output = Vec<Result<UpsertOutcome, UpsertError>>> + Send;

    /// `None` when there is no such user.
    fn set_password(
        &self,
        tenant: TenantId,
        id: UserId,
        hash: PasswordHash,
        change_required: bool,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<User>, StorageError>> + Send;

    /// The user and its password hash (`None` when it has no password).
    fn password_hash(
        &self,
        tenant: TenantId,
        key: &UserKey,
    ) -> impl Future<Output = Result<Option<(User, Option<PasswordHash>)>, StorageError>> + Send;

    /// Sets the last activity (never moving it back) and upserts the device.
    fn record_activity(
        &self,
        tenant: TenantId,
        key: &UserKey,
        at: Timestamp,
        device: Option<Device>,
    ) -> impl Future<Output = Result<Option<User>, StorageError>> + Send;

    /// The user whose API secret has this digest.
    fn find_by_secret(
        &self,
        tenant: TenantId,
        digest: &SecretDigest,
    ) -> impl Future<Output = Result<Option<User>, StorageError>> + Send;
}
