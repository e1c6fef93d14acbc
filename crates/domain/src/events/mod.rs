//! Change events: what every committed write tells the systems that copy from the directory
//! (a payroll app, a mail system). Each write appends its events in its own transaction (the
//! outbox), numbered by a per-tenant sequence with no holes, so a reader that resumes after
//! sequence N misses nothing and sees nothing twice.

mod port;
mod service;

pub use port::EventRepository;
pub use service::{DEFAULT_PAGE, EventError, EventService, MAX_PAGE};

use crate::{TenantId, Timestamp};

macro_rules! event_types {
    ($($variant:ident = $text:literal),+ $(,)?) => {
        /// What happened, as the CloudEvents `type` names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventType { $($variant),+ }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(EventType::$variant => $text),+ }
            }
        }
    };
}

event_types! {
    UserCreated = "roster.user.created",
    UserUpdated = "roster.user.updated",
    UserDeleted = "roster.user.deleted",
    GroupCreated = "roster.group.created",
    GroupUpdated = "roster.group.updated",
    GroupDeleted = "roster.group.deleted",
    GroupMemberAdded = "roster.group.member_added",
    GroupMemberRemoved = "roster.group.member_removed",
    FolderCreated = "roster.folder.created",
    FolderGranted = "roster.folder.granted",
    FolderRevoked = "roster.folder.revoked",
    FolderDeleted = "roster.folder.deleted",
    RoleCreated = "roster.role.created",
    RoleUpdated = "roster.role.updated",
    RoleDeleted = "roster.role.deleted",
    PolicyCreated = "roster.policy.created",
    PolicyUpdated = "roster.policy.updated",
    PolicyDeleted = "roster.policy.deleted",
    KeyCreated = "roster.key.created",
    KeyDeleted = "roster.key.deleted",
    SecretKeyIssued = "roster.secret_key.issued",
    SecretKeyRevoked = "roster.secret_key.revoked",
    AddressRestrictionsUpdated = "roster.address_restrictions.updated",
    ProvisioningTokenCreated = "roster.provisioning_token.created",
    ProvisioningTokenDeleted = "roster.provisioning_token.deleted",
    WebhookCreated = "roster.webhook.created",
    WebhookUpdated = "roster.webhook.updated",
    WebhookDeleted = "roster.webhook.deleted",
    TenantCreated = "roster.tenant.created",
    TenantDeleted = "roster.tenant.deleted",
}

impl EventType {
    /// The type named `text` exactly.
    pub fn from_name(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == text)
    }
}

/// One committed change, as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Unique and stable: the CloudEvents `id`, the NATS message id, the webhook id.
    pub id: uuid::Uuid,
    pub tenant: TenantId,
    /// The tenant's sequence number: 1, 2, 3, … in commit order, without holes.
    pub sequence: i64,
    pub kind: EventType,
    /// The id of the resource the event is about.
    pub subject: String,
    pub time: Timestamp,
    /// The CloudEvents `data`, JSON: the resource after the change (before it, for a
    /// deletion) and, for an update, the paths of the fields that changed. Never a secret.
    pub data: String,
}

/// Which events a reader asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    /// Events after this sequence (0: from the first).
    pub after: i64,
    /// At most this many events.
    pub limit: u32,
    /// Only these types; every type when empty.
    pub types: Vec<EventType>,
}

/// A page of a tenant's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPage {
    pub events: Vec<Event>,
    /// The last sequence read, matched or not: where the next page starts. It passes the
    /// last event when the type filter hid events after it.
    pub next_after: i64,
    /// The tenant's latest sequence when the page was read.
    pub high_water: i64,
    /// Every event up to this sequence has been pruned (0: none has).
    pub pruned_through: i64,
}
