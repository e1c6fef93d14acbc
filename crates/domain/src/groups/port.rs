//! The port of the group store.

use super::{CreateGroupError, DeleteGroupError, Group, GroupKey, GroupQuery};
use crate::values::{ExternalId, GroupPath};
use crate::{GroupId, StorageError, TenantId, Timestamp};
use std::future::Future;

/// The group trees of every tenant.
pub trait GroupRepository: Send + Sync + 'static {
    /// Creates `path` and every missing ancestor; safe against concurrent creators of the
    /// same ancestors.
    ///
    /// # Errors
    /// MUST return `Exists` when `path` itself already exists and `ExternalIdTaken` on an
    /// external-id collision.
    fn create_path(
        &self,
        tenant: TenantId,
        path: &GroupPath,
        external_id: Option<ExternalId>,
        now: Timestamp,
    ) -> impl Future<Output = Result<Group, CreateGroupError>> + Send;

    fn get(
        &self,
        tenant: TenantId,
        key: &GroupKey,
    ) -> impl Future<Output = Result<Option<Group>, StorageError>> + Send;

    /// Up to `query.limit` groups in path order.
    fn list(
        &self,
        tenant: TenantId,
        query: &GroupQuery,
    ) -> impl Future<Output = Result<Vec<Group>, StorageError>> + Send;

    /// # Errors
    /// MUST return `NotFound` for an unknown id and `HasChildren` when the group has children
    /// and `recursive` is false.
    fn delete(
        &self,
        tenant: TenantId,
        id: GroupId,
        recursive: bool,
    ) -> impl Future<Output = Result<(), DeleteGroupError>> + Send;
}
