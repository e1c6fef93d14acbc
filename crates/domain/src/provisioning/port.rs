//! The port of the provisioning token store.

use super::ProvisioningToken;
use crate::secrets::SecretDigest;
use crate::{ProvisioningTokenId, StorageError, TenantId, Timestamp};
use std::future::Future;

/// Tenants' provisioning tokens, their secrets stored as digests.
pub trait ProvisioningTokenRepository: Send + Sync + 'static {
    /// Stores a new token with the digest of its secret. Returns false, writing nothing,
    /// when its tenant no longer exists.
    fn create_provisioning_token(
        &self,
        token: &ProvisioningToken,
        digest: &SecretDigest,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// The tenant's tokens, oldest first.
    fn list_provisioning_tokens(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<Vec<ProvisioningToken>, StorageError>> + Send;

    /// The token `id`, in any tenant, and the digest of its secret: what a presented
    /// token is checked against.
    fn provisioning_token(
        &self,
        id: ProvisioningTokenId,
    ) -> impl Future<Output = Result<Option<(ProvisioningToken, SecretDigest)>, StorageError>> + Send;

    /// Whether `tenant` still holds the token `id`: one read by primary key, made on every
    /// call of a token exchanged for it.
    fn provisioning_token_exists(
        &self,
        tenant: TenantId,
        id: ProvisioningTokenId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// Records that the token was used at `now`; nothing when it is gone.
    fn touch_provisioning_token(
        &self,
        id: ProvisioningTokenId,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;

    /// Deletes the token `id` of `tenant`; false when the tenant holds no such token.
    fn delete_provisioning_token(
        &self,
        tenant: TenantId,
        id: ProvisioningTokenId,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
}
