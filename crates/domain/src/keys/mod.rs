//! SSH public keys of the tenant owner (account keys) and of users.

mod port;

pub use port::KeyRepository;

use crate::authz::{Action, Denied, Principal};
use crate::users::{UserKey, UserRepository};
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
    Denied(#[from] crate::authz::Denied),
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

impl<R: KeyRepository + UserRepository> KeyService<R> {
    pub fn new(repo: R, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// Checks `action` (the account's variant; the user's is derived) and returns the tenant.
    /// A user's keys are never the owner's: user routes do not resolve to the owner, whose
    /// keys are the account's.
    async fn authorize(
        &self,
        who: &Principal,
        owner: &KeyOwner,
        account: Action,
        user: Action,
    ) -> Result<TenantId, KeyError> {
        match owner {
            KeyOwner::Account => Ok(who.authorized(account)?),
            KeyOwner::User(key) => {
                let tenant = who.tenant.ok_or(Denied::NotAllowed)?;
                let target = self
                    .repo
                    .get(tenant, key)
                    .await?
                    .filter(|u| who.owner != Some(u.id))
                    .ok_or(KeyError::UserNotFound)?;
                Ok(who.authorized_on(user, &target)?)
            }
        }
    }

    /// The owner's keys, oldest first.
    pub async fn list(&self, who: &Principal, owner: &KeyOwner) -> Result<Vec<Key>, KeyError> {
        let tenant = self
            .authorize(who, owner, Action::ListAccountKeys, Action::ListUserKeys)
            .await?;
        self.repo.list_keys(tenant, owner).await
    }

    /// A key by name or MD5 fingerprint.
    pub async fn get(
        &self,
        who: &Principal,
        owner: &KeyOwner,
        name_or_fp: &str,
    ) -> Result<Key, KeyError> {
        let tenant = self
            .authorize(who, owner, Action::GetAccountKey, Action::GetUserKey)
            .await?;
        self.repo
            .get_key(tenant, owner, name_or_fp)
            .await?
            .ok_or(KeyError::KeyNotFound)
    }

    pub async fn create(
        &self,
        who: &Principal,
        owner: &KeyOwner,
        key: SshPublicKey,
    ) -> Result<Key, KeyError> {
        let tenant = self
            .authorize(who, owner, Action::CreateAccountKey, Action::CreateUserKey)
            .await?;
        self.repo
            .create_key(tenant, owner, key, self.clock.now())
            .await
    }

    /// Removes a key. Tokens the key's holder obtained with any credential stop working (the
    /// store moves the holder's authorization epoch).
    pub async fn delete(
        &self,
        who: &Principal,
        owner: &KeyOwner,
        name_or_fp: &str,
    ) -> Result<(), KeyError> {
        let tenant = self
            .authorize(who, owner, Action::DeleteAccountKey, Action::DeleteUserKey)
            .await?;
        self.repo.delete_key(tenant, owner, name_or_fp).await
    }
}
