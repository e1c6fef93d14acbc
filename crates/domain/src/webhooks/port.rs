//! The port of the webhook store.

use super::{ParkedDelivery, Webhook, WebhookChange};
use crate::{StorageError, TenantId, Timestamp, WebhookId};
use std::future::Future;

/// Tenants' webhook subscriptions. Each write tells its own change event.
pub trait WebhookRepository: Send + Sync + 'static {
    /// Stores a new subscription with its signing secret; it starts after the tenant's latest
    /// event (`webhook.after_sequence` is ignored). Returns it as stored, or `None` when its
    /// tenant no longer exists.
    fn create_webhook(
        &self,
        webhook: &Webhook,
        secret: &str,
    ) -> impl Future<Output = Result<Option<Webhook>, StorageError>> + Send;

    /// The tenant's subscriptions, oldest first.
    fn list_webhooks(
        &self,
        tenant: TenantId,
    ) -> impl Future<Output = Result<Vec<Webhook>, StorageError>> + Send;

    fn get_webhook(
        &self,
        tenant: TenantId,
        id: WebhookId,
    ) -> impl Future<Output = Result<Option<Webhook>, StorageError>> + Send;

    /// Applies `changes`; `None` when the tenant has no such subscription.
    fn update_webhook(
        &self,
        tenant: TenantId,
        id: WebhookId,
        changes: &[WebhookChange],
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<Webhook>, StorageError>> + Send;

    /// False when the tenant has no such subscription.
    fn delete_webhook(
        &self,
        tenant: TenantId,
        id: WebhookId,
        now: Timestamp,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;

    /// The events the subscription gave up on, oldest first (at most `limit`).
    fn parked_deliveries(
        &self,
        tenant: TenantId,
        id: WebhookId,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<ParkedDelivery>, StorageError>> + Send;
}
