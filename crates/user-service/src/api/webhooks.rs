//! `roster.v1.WebhookService`: a tenant's webhook subscriptions, for its owner (and the
//! operator). Who may is the domain policy's decision (`Action::ManageWebhooks`); the scope
//! `webhooks.manage` is only the first gate.

use crate::convert::time::to_pb;
use crate::core::{Core, Store};
use crate::status::IntoStatus;
use crate::tokens::scopes;
use roster_domain::webhooks::{ParkedDelivery, Webhook, WebhookError};
use roster_domain::{FieldViolations, WebhookId};
use roster_proto::v1 as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

#[derive(Debug)]
pub struct WebhooksApi<R> {
    core: Arc<Core<R>>,
}

impl<R> WebhooksApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

pub(crate) fn webhook_to_pb(w: &Webhook) -> pb::Webhook {
    pb::Webhook {
        id: w.id.to_string(),
        url: w.url.as_str().to_owned(),
        event_types: w.types.iter().map(|t| t.as_str().to_owned()).collect(),
        state: w.state.as_str().to_owned(),
        after_sequence: w.after_sequence,
        attempts: w.attempts,
        failing_since: w.failing_since.map(to_pb),
        next_attempt_time: w.next_attempt.map(to_pb),
        last_error: w.last_error.clone().unwrap_or_default(),
        parked_in_a_row: w.parked_in_a_row,
        create_time: Some(to_pb(w.created)),
        update_time: Some(to_pb(w.updated)),
    }
}

fn parked_to_pb(p: &ParkedDelivery) -> pb::ParkedDelivery {
    pb::ParkedDelivery {
        sequence: p.sequence,
        event_id: p.event_id.to_string(),
        r#type: p.event_type.clone(),
        attempts: p.attempts,
        last_error: p.last_error.clone(),
        park_time: Some(to_pb(p.parked)),
    }
}

/// The id in `field`; one that is no id names no webhook of anyone's.
fn id(raw: &str, field: &str) -> Result<WebhookId, Status> {
    WebhookId::parse(raw)
        .map_err(|e| WebhookError::Invalid(FieldViolations::single(field, e)).into_status())
}

#[tonic::async_trait]
impl<R: Store> pb::webhook_service_server::WebhookService for WebhooksApi<R> {
    async fn create_webhook(
        &self,
        req: Request<pb::CreateWebhookRequest>,
    ) -> Result<Response<pb::CreateWebhookResponse>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self
                    .core
                    .principal_for(&req, scopes::WEBHOOKS_MANAGE)
                    .await?;
                let r = req.get_ref();
                let made = self
                    .core
                    .webhooks
                    .create(&who, &r.url, &r.event_types)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(pb::CreateWebhookResponse {
                    webhook: Some(webhook_to_pb(&made.webhook)),
                    secret: made.secret,
                }))
            })
            .await
    }

    async fn list_webhooks(
        &self,
        req: Request<pb::ListWebhooksRequest>,
    ) -> Result<Response<pb::ListWebhooksResponse>, Status> {
        let who = self
            .core
            .principal_for(&req, scopes::WEBHOOKS_MANAGE)
            .await?;
        let all = self
            .core
            .webhooks
            .list(&who)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(pb::ListWebhooksResponse {
            webhooks: all.iter().map(webhook_to_pb).collect(),
        }))
    }

    async fn get_webhook(
        &self,
        req: Request<pb::GetWebhookRequest>,
    ) -> Result<Response<pb::Webhook>, Status> {
        let who = self
            .core
            .principal_for(&req, scopes::WEBHOOKS_MANAGE)
            .await?;
        let w = self
            .core
            .webhooks
            .get(&who, id(&req.get_ref().id, "id")?)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(webhook_to_pb(&w)))
    }

    async fn update_webhook(
        &self,
        req: Request<pb::UpdateWebhookRequest>,
    ) -> Result<Response<pb::Webhook>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self
                    .core
                    .principal_for(&req, scopes::WEBHOOKS_MANAGE)
                    .await?;
                let r = req.get_ref();
                let w = r.webhook.clone().unwrap_or_default();
                let paths = r.update_mask.clone().unwrap_or_default().paths;
                let w = self
                    .core
                    .webhooks
                    .update(
                        &who,
                        id(&w.id, "webhook.id")?,
                        &paths,
                        (&w.url, &w.event_types, &w.state),
                    )
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(webhook_to_pb(&w)))
            })
            .await
    }

    async fn delete_webhook(
        &self,
        req: Request<pb::DeleteWebhookRequest>,
    ) -> Result<Response<()>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self
                    .core
                    .principal_for(&req, scopes::WEBHOOKS_MANAGE)
                    .await?;
                self.core
                    .webhooks
                    .delete(&who, id(&req.get_ref().id, "id")?)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(()))
            })
            .await
    }

    async fn list_parked_deliveries(
        &self,
        req: Request<pb::ListParkedDeliveriesRequest>,
    ) -> Result<Response<pb::ListParkedDeliveriesResponse>, Status> {
        let who = self
            .core
            .principal_for(&req, scopes::WEBHOOKS_MANAGE)
            .await?;
        let parked = self
            .core
            .webhooks
            .parked(&who, id(&req.get_ref().webhook_id, "webhook_id")?)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(pb::ListParkedDeliveriesResponse {
            deliveries: parked.iter().map(parked_to_pb).collect(),
        }))
    }
}
