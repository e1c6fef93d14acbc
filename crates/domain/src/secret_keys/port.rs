//! The port of the secret key store.

use super::{AddressRestrictions, SecretKeyId, StoredSecretKey};
use crate::secrets::SecretDigest;
use crate::{StorageError, TenantId, UserId};
use std::future::Future;

/// Users' secret keys, at most one per user, stored as digests.
pub trait SecretKeyRepository: Send + Sync + 'static {
    /// Stores `key` as the user's (number `user_number`) only key, replacing any other.
    /// Returns false, writing nothing, when the user no longer exists.
    fn put_secret_key(
        &self,
        key: &StoredSecretKey,
        user_number: i64,
        digest: &SecretDigest,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// Removes the user's key; false when it held none.
    fn delete_secret_key(
        &self,
        user_number: i64,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// The key whose secret has this digest, in any tenant.
    fn secret_key_by_digest(
        &self,
        digest: &SecretDigest,
    ) -> impl Future<Output = Result<Option<StoredSecretKey>, StorageError>> + Send;

    /// Whether `key` is still the user's key and the user is not disabled: one indexed
    /// read, made on every call of a token issued for a secret key.
    fn secret_key_is_current(
        &self,
        tenant: TenantId,
        user: UserId,
        key: SecretKeyId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// Where the user's secret key may be used from (empty: anywhere). Kept on the user's
    /// account, so they outlive a rotated or revoked key.
    fn address_restrictions(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> impl Future<Output = Result<AddressRestrictions, StorageError>> + Send;

    /// Replaces the user's (number `user_number`) restrictions; an empty list removes them.
    /// Returns false, writing nothing, when the user no longer exists.
    fn put_address_restrictions(
        &self,
        tenant: TenantId,
        user_number: i64,
        restrictions: &AddressRestrictions,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
}
