//! Webhooks: a tenant's subscriptions that receive its change events over HTTP, each event
//! POSTed as a CloudEvent and signed in the Standard Webhooks style. The core keeps the
//! subscriptions and who may manage them; the delivery itself (retries, parking, pausing)
//! runs beside the user service and writes its progress back through the store.

mod port;
mod service;
mod target;

pub use port::WebhookRepository;
pub use service::{CreatedWebhook, MAX_WEBHOOKS, WebhookError, WebhookService};
pub use target::{TargetError, WebhookUrl, is_public};

pub use crate::ids::WebhookId;

use crate::events::EventType;
use crate::{TenantId, Timestamp};

/// Whether a subscription is being delivered to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookState {
    Active,
    /// Not delivered to: paused by its manager, or by Roster after deliveries kept failing.
    /// Events wait (within the retention) until it is made active again.
    Paused,
}

impl WebhookState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
        }
    }

    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "paused" => Some(Self::Paused),
            _ => None,
        }
    }
}

/// A subscription and where its delivery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: WebhookId,
    pub tenant: TenantId,
    pub url: WebhookUrl,
    /// The types delivered; every type when empty.
    pub types: Vec<EventType>,
    pub state: WebhookState,
    /// Every event of the tenant up to this sequence has been delivered, parked or skipped
    /// (not of its types).
    pub after_sequence: i64,
    /// Failed attempts at the event after `after_sequence`.
    pub attempts: i32,
    /// When the first of those attempts failed.
    pub failing_since: Option<Timestamp>,
    /// When the next attempt is due (None: now).
    pub next_attempt: Option<Timestamp>,
    pub last_error: Option<String>,
    /// Events given up on and parked since the last delivery that succeeded.
    pub parked_in_a_row: i32,
    pub created: Timestamp,
    pub updated: Timestamp,
}

/// A change a manager makes to a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookChange {
    Url(WebhookUrl),
    Types(Vec<EventType>),
    /// Active again resumes delivery from where it stopped, and clears the failures.
    State(WebhookState),
}

/// An event a subscription gave up on: kept to be seen (and fetched again from the event log
/// while it is retained).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParkedDelivery {
    pub sequence: i64,
    pub event_id: uuid::Uuid,
    pub event_type: String,
    pub attempts: i32,
    pub last_error: String,
    pub parked: Timestamp,
}
