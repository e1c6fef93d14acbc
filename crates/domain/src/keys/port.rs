//! The port of the SSH key store.

use super::{Key, KeyError, KeyOwner};
use crate::values::SshPublicKey;
use crate::{TenantId, Timestamp};
use std::future::Future;

/// SSH keys of tenant owners and users.
pub trait KeyRepository: Send + Sync + 'static {
    /// # Errors
    /// MUST return `UserNotFound` when the owner is a user that does not exist.
    fn list_keys(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
    ) -> impl Future<Output = Result<Vec<Key>, KeyError>> + Send;

    /// The key with this name or MD5 fingerprint.
    fn get_key(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        name_or_fingerprint: &str,
    ) -> impl Future<Output = Result<Option<Key>, KeyError>> + Send;

    /// # Errors
    /// MUST return `Exists` when the owner has a key with that name or fingerprint.
    fn create_key(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        key: SshPublicKey,
        now: Timestamp,
    ) -> impl Future<Output = Result<Key, KeyError>> + Send;

    /// # Errors
    /// MUST return `KeyNotFound` when there is no such key.
    fn delete_key(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        name_or_fingerprint: &str,
    ) -> impl Future<Output = Result<(), KeyError>> + Send;
}
