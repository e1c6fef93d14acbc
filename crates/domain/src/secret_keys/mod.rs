//! Users' secret keys (SureCloud's "Secret Key"): a random credential per user, exchanged for
//! a token. Only a digest is stored; the key is shown once, when issued. Issuing again
//! rotates it, and tokens name the key they came from, so revoking or rotating a key ends
//! those tokens at once, and a user's address restrictions refuse its key, and the tokens
//! of it, to clients they do not admit (see [`crate::auth::AuthService::secret_key_use`]).

mod port;
mod restrictions;

pub use port::SecretKeyRepository;
pub use restrictions::{
    AddressRestrictions, AllowedClient, HostNames, MAX_RESTRICTION_LEN, MAX_RESTRICTIONS,
    NoHostNames,
};

use crate::authz::{Action, Denied, Principal};
use crate::secrets::Secrets;
use crate::users::{UserKey, UserRepository};
use crate::{Clock, StorageError, TenantId, Timestamp, UserId};
use std::sync::Arc;
use uuid::Uuid;

/// Names one issue of a secret key; a new one on every issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretKeyId(Uuid);

impl SecretKeyId {
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    pub fn from_uuid(id: Uuid) -> Self {
        Self(id)
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Uuid::try_parse(raw.trim()).ok().map(Self)
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl std::fmt::Display for SecretKeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// A stored key, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecretKey {
    pub tenant: TenantId,
    pub user: UserId,
    pub id: SecretKeyId,
    pub created: Timestamp,
}

/// A key just issued: the only time the secret exists outside its holder.
#[derive(Clone)]
pub struct IssuedSecretKey {
    pub secret: String,
    pub key: StoredSecretKey,
}

impl std::fmt::Debug for IssuedSecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedSecretKey")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretKeyError {
    #[error("user not found")]
    UserNotFound,
    #[error("the user holds no secret key")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Issuing and revoking secret keys.
#[derive(Debug)]
pub struct SecretKeyService<R> {
    repo: R,
    secrets: Arc<dyn Secrets>,
    clock: Arc<dyn Clock>,
}

impl<R: UserRepository + SecretKeyRepository> SecretKeyService<R> {
    pub fn new(repo: R, secrets: Arc<dyn Secrets>, clock: Arc<dyn Clock>) -> Self {
        Self {
            repo,
            secrets,
            clock,
        }
    }

    /// The user `key` names, once the policy allowed `who` to run `action` on it (manage its
    /// secret key, or read it).
    async fn target(
        &self,
        who: &Principal,
        key: &UserKey,
        action: Action,
    ) -> Result<(TenantId, crate::users::User), SecretKeyError> {
        let tenant = who.tenant.ok_or(Denied::NotAllowed)?;
        let user = self
            .repo
            .get(tenant, key)
            .await?
            .ok_or(SecretKeyError::UserNotFound)?;
        who.authorized_on(action, &user)?;
        Ok((tenant, user))
    }

    /// A new key for the user, replacing the one it held.
    ///
    /// # Errors
    /// `UserNotFound` when no user of the tenant matches `user`.
    pub async fn issue(
        &self,
        who: &Principal,
        user: &UserKey,
    ) -> Result<IssuedSecretKey, SecretKeyError> {
        let (tenant, user) = self.target(who, user, Action::WriteSecretKeys).await?;
        let secret = self.secrets.generate();
        let key = StoredSecretKey {
            tenant,
            user: user.id,
            id: SecretKeyId::generate(),
            created: self.clock.now(),
        };
        if !self
            .repo
            .put_secret_key(&key, user.number, &self.secrets.digest(&secret))
            .await?
        {
            // Deleted between the read and the write.
            return Err(SecretKeyError::UserNotFound);
        }
        Ok(IssuedSecretKey { secret, key })
    }

    /// The user's address restrictions, for a caller who may read the user.
    ///
    /// # Errors
    /// `UserNotFound`, or `Denied`.
    pub async fn restrictions(
        &self,
        who: &Principal,
        user: &UserKey,
    ) -> Result<(crate::users::User, AddressRestrictions), SecretKeyError> {
        let (tenant, user) = self.target(who, user, Action::GetUser).await?;
        let list = self.repo.address_restrictions(tenant, user.id).await?;
        Ok((user, list))
    }

    /// Replaces the user's address restrictions (empty: none), for a caller who may manage
    /// its secret key: who may hand out the key decides where it may be used.
    ///
    /// # Errors
    /// `UserNotFound`, or `Denied`.
    pub async fn restrict(
        &self,
        who: &Principal,
        user: &UserKey,
        list: &AddressRestrictions,
    ) -> Result<crate::users::User, SecretKeyError> {
        let (tenant, user) = self.target(who, user, Action::WriteSecretKeys).await?;
        if !self
            .repo
            .put_address_restrictions(tenant, user.number, list)
            .await?
        {
            return Err(SecretKeyError::UserNotFound);
        }
        Ok(user)
    }

    /// Removes the user's key.
    ///
    /// # Errors
    /// `UserNotFound`, or `NotFound` when the user holds no key.
    pub async fn revoke(&self, who: &Principal, user: &UserKey) -> Result<(), SecretKeyError> {
        let (_, user) = self.target(who, user, Action::WriteSecretKeys).await?;
        if self.repo.delete_secret_key(user.number).await? {
            Ok(())
        } else {
            Err(SecretKeyError::NotFound)
        }
    }
}
