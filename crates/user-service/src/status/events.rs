//! The errors of the event and webhook use cases.

use super::IntoStatus;
use super::builders::{not_found, status, storage_failure, tenant_gone};
use roster_domain::events::EventError;
use roster_domain::webhooks::{MAX_WEBHOOKS, WebhookError};
use roster_proto::v1::ErrorReason;
use tonic::{Code, Status};

impl IntoStatus for EventError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::Denied(d) => d.into_status(),
            Self::Invalid(v) => v.into_status(),
            Self::Pruned { oldest, latest, .. } => status(
                Code::OutOfRange,
                msg,
                ErrorReason::EventsPruned,
                &[
                    ("oldest_sequence", oldest.to_string()),
                    ("latest_sequence", latest.to_string()),
                ],
                None,
            ),
            Self::Storage(e) => storage_failure("events", &e),
        }
    }
}

impl IntoStatus for WebhookError {
    fn into_status(self) -> Status {
        let msg = self.to_string();
        match self {
            Self::Invalid(v) => v.into_status(),
            Self::TooMany => status(
                Code::ResourceExhausted,
                msg,
                ErrorReason::TooManyWebhooks,
                &[("max", MAX_WEBHOOKS.to_string())],
                None,
            ),
            Self::TenantNotFound => tenant_gone(),
            Self::NotFound => not_found(msg, ErrorReason::WebhookNotFound),
            Self::Denied(d) => d.into_status(),
            Self::Storage(e) => storage_failure("webhooks", &e),
        }
    }
}
