//! Managing a tenant's webhook subscriptions.

use super::port::WebhookRepository;
use super::{ParkedDelivery, Webhook, WebhookChange, WebhookState, WebhookUrl};
use crate::authz::{Action, Principal};
use crate::events::EventType;
use crate::secrets::Secrets;
use crate::{Clock, FieldViolations, StorageError, WebhookId};
use std::sync::Arc;

/// The most subscriptions a tenant holds.
pub const MAX_WEBHOOKS: usize = 50;
/// The most parked deliveries one listing shows.
const MAX_PARKED: u32 = 1000;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("invalid request: {0}")]
    Invalid(FieldViolations),
    #[error("a tenant holds at most {MAX_WEBHOOKS} webhooks")]
    TooMany,
    /// The caller's tenant no longer exists.
    #[error("tenant not found")]
    TenantNotFound,
    #[error("webhook not found")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] crate::authz::Denied),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A subscription just made: its signing secret is shown only here.
#[derive(Clone)]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    /// `whsec_` and the base64 of the HMAC key, as Standard Webhooks libraries take it.
    pub secret: String,
}

impl std::fmt::Debug for CreatedWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedWebhook")
            .field("webhook", &self.webhook)
            .finish_non_exhaustive()
    }
}

/// The webhook use cases. Every one is the policy's [`Action::ManageWebhooks`]: a webhook
/// sends every change of the tenant, its users' data with it, to a URL of its manager's
/// choosing, for as long as it exists, so only the tenant's owner and the operator manage
/// them. The policy is asked before the request is read.
#[derive(Debug)]
pub struct WebhookService<R> {
    repo: R,
    secrets: Arc<dyn Secrets>,
    clock: Arc<dyn Clock>,
    /// Whether URLs may point inside the installation's own network.
    allow_private: bool,
}

impl<R: WebhookRepository> WebhookService<R> {
    pub fn new(
        repo: R,
        secrets: Arc<dyn Secrets>,
        clock: Arc<dyn Clock>,
        allow_private: bool,
    ) -> Self {
        Self {
            repo,
            secrets,
            clock,
            allow_private,
        }
    }

    fn url(&self, raw: &str, v: &mut FieldViolations) -> Option<WebhookUrl> {
        v.check("url", WebhookUrl::parse(raw, self.allow_private))
    }

    /// A new subscription of the caller's tenant to `types` (every type when empty), from
    /// the tenant's next event on.
    ///
    /// # Errors
    /// `Denied`, `Invalid` (`url`, `event_types[i]`), `TooMany`, `TenantNotFound`.
    pub async fn create(
        &self,
        who: &Principal,
        url: &str,
        types: &[String],
    ) -> Result<CreatedWebhook, WebhookError> {
        let tenant = who.authorized(Action::ManageWebhooks)?;
        let mut v = FieldViolations::new();
        let url = self.url(url, &mut v);
        let types = event_types(types, &mut v);
        let Some(url) = url.filter(|_| v.is_empty()) else {
            return Err(WebhookError::Invalid(v));
        };
        if self.repo.list_webhooks(tenant).await?.len() >= MAX_WEBHOOKS {
            return Err(WebhookError::TooMany);
        }
        let now = self.clock.now();
        let key = self.secrets.generate();
        let secret = format!("whsec_{}", base64_standard(key.as_bytes()));
        let draft = Webhook {
            id: WebhookId::generate(),
            tenant,
            url,
            types,
            state: WebhookState::Active,
            after_sequence: 0,
            attempts: 0,
            failing_since: None,
            next_attempt: None,
            last_error: None,
            parked_in_a_row: 0,
            created: now,
            updated: now,
        };
        let webhook = self
            .repo
            .create_webhook(&draft, &secret)
            .await?
            .ok_or(WebhookError::TenantNotFound)?;
        Ok(CreatedWebhook { webhook, secret })
    }

    /// The caller's tenant's subscriptions, oldest first.
    ///
    /// # Errors
    /// `Denied`, `Storage`.
    pub async fn list(&self, who: &Principal) -> Result<Vec<Webhook>, WebhookError> {
        let tenant = who.authorized(Action::ManageWebhooks)?;
        Ok(self.repo.list_webhooks(tenant).await?)
    }

    /// # Errors
    /// `Denied`, `NotFound`, `Storage`.
    pub async fn get(&self, who: &Principal, id: WebhookId) -> Result<Webhook, WebhookError> {
        let tenant = who.authorized(Action::ManageWebhooks)?;
        self.repo
            .get_webhook(tenant, id)
            .await?
            .ok_or(WebhookError::NotFound)
    }

    /// Changes the URL, the types or the state (named by `paths`: `url`, `event_types`,
    /// `state`) to those given.
    ///
    /// # Errors
    /// `Denied`, `Invalid`, `NotFound`, `Storage`.
    pub async fn update(
        &self,
        who: &Principal,
        id: WebhookId,
        paths: &[String],
        (url, types, state): (&str, &[String], &str),
    ) -> Result<Webhook, WebhookError> {
        let tenant = who.authorized(Action::ManageWebhooks)?;
        let mut v = FieldViolations::new();
        let mut changes = Vec::new();
        for path in paths {
            match path.as_str() {
                "url" => changes.extend(self.url(url, &mut v).map(WebhookChange::Url)),
                "event_types" => changes.push(WebhookChange::Types(event_types(types, &mut v))),
                "state" => match WebhookState::from_name(state) {
                    Some(s) => changes.push(WebhookChange::State(s)),
                    None => v.add("webhook.state", "must be active or paused"),
                },
                other => v.add("update_mask", format!("cannot update {other}")),
            }
        }
        if !v.is_empty() {
            return Err(WebhookError::Invalid(v));
        }
        self.repo
            .update_webhook(tenant, id, &changes, self.clock.now())
            .await?
            .ok_or(WebhookError::NotFound)
    }

    /// # Errors
    /// `Denied`, `NotFound`, `Storage`.
    pub async fn delete(&self, who: &Principal, id: WebhookId) -> Result<(), WebhookError> {
        let tenant = who.authorized(Action::ManageWebhooks)?;
        if self
            .repo
            .delete_webhook(tenant, id, self.clock.now())
            .await?
        {
            Ok(())
        } else {
            Err(WebhookError::NotFound)
        }
    }

    /// The events the subscription gave up on, oldest first.
    ///
    /// # Errors
    /// `Denied`, `NotFound`, `Storage`.
    pub async fn parked(
        &self,
        who: &Principal,
        id: WebhookId,
    ) -> Result<Vec<ParkedDelivery>, WebhookError> {
        let tenant = who.authorized(Action::ManageWebhooks)?;
        if self.repo.get_webhook(tenant, id).await?.is_none() {
            return Err(WebhookError::NotFound);
        }
        Ok(self.repo.parked_deliveries(tenant, id, MAX_PARKED).await?)
    }
}

/// The types named, each known, without repeats.
fn event_types(names: &[String], v: &mut FieldViolations) -> Vec<EventType> {
    let mut out: Vec<EventType> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        match EventType::from_name(n) {
            Some(t) if !out.contains(&t) => out.push(t),
            Some(_) => {}
            None => v.add(
                format!("event_types[{i}]"),
                format!("unknown event type {n}"),
            ),
        }
    }
    out
}

/// Standard base64 with padding, as Standard Webhooks secrets spell their key.
fn base64_standard(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_standard_base64() {
        assert_eq!(base64_standard(b""), "");
        assert_eq!(base64_standard(b"f"), "Zg==");
        assert_eq!(base64_standard(b"fo"), "Zm8=");
        assert_eq!(base64_standard(b"foo"), "Zm9v");
        assert_eq!(base64_standard(b"foobar?>"), "Zm9vYmFyPz4=");
    }

    #[test]
    fn event_types_are_known_and_kept_once() {
        let mut v = FieldViolations::new();
        let names = ["roster.user.created", "nope", "roster.user.created"].map(String::from);
        assert_eq!(event_types(&names, &mut v), [EventType::UserCreated]);
        assert!(!v.is_empty());
    }
}
