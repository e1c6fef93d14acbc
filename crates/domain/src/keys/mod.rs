//! SSH public keys of the tenant owner (account keys) and of users.

use crate::ports::KeyRepository;
use crate::users::UserKey;
use crate::values::SshPublicKey;
use crate::{Clock, StorageError, TenantId, Timestamp};
use std::sync::Arc;

/// A registered key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub key: SshPublicKey,
    pub created: Timestamp,
}

/// Whose keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOwner {
    /// The tenant owner's account keys.
    Account,
    User(UserKey),
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("user not found")]
    UserNotFound,
    #[error("key not found")]
    KeyNotFound,
    #[error("a key with that name or fingerprint already exists")]
    Exists,
    #[error("tenant not found")]
    TenantNotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

#[derive(Debug)]
pub struct KeyService<R> {
    repo: R,
    clock: Arc<dyn Clock>,
}

impl<R: Clone> Clone for KeyService<R> {
    fn clone(&self) -> Self {
        Self {
            repo: self.repo.clone(),
            clock: Arc::clone(&self.clock),
        }
    }
}

impl<R: KeyRepository> KeyService<R> {
    pub fn new(repo: R, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// The owner's keys, oldest first.
    pub async fn list(&self, tenant: TenantId, owner: &KeyOwner) -> Result<Vec<Key>, KeyError> {
        self.repo.list_keys(tenant, owner).await
    }

    /// A key by name or MD5 fingerprint.
    pub async fn get(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        name_or_fp: &str,
    ) -> Result<Key, KeyError> {
        self.repo
            .get_key(tenant, owner, name_or_fp)
            .await?
            .ok_or(KeyError::KeyNotFound)
    }

    pub async fn create(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        key: SshPublicKey,
    ) -> Result<Key, KeyError> {
        self.repo
            .create_key(tenant, owner, key, self.clock.now())
            .await
    }

    pub async fn delete(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        name_or_fp: &str,
    ) -> Result<(), KeyError> {
        self.repo.delete_key(tenant, owner, name_or_fp).await
    }
}
