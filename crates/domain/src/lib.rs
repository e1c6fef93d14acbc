//! Roster's core: the user directory's entities, validated values, ports and use cases.
//!
//! This crate knows no framework: no gRPC, HTTP or SQL. Adapters implement the ports (each
//! beside its aggregate, all listed in [`ports`]) and call the use cases
//! ([`users::UserService`], [`groups::GroupService`], [`tenants::TenantService`],
//! [`auth::AuthService`], [`provisioning::ProvisioningTokenService`],
//! [`idempotency::Idempotency`]).

pub mod auth;
pub mod authz;
pub mod deadline;
pub mod error;
pub mod events;
pub mod filter;
pub mod folders;
pub mod groups;
pub mod idempotency;
pub mod ids;
pub mod keys;
pub mod page;
pub mod ports;
pub mod provisioning;
pub mod rbac;
pub mod secret_keys;
pub mod secrets;
pub mod signatures;
pub mod tenants;
pub mod time;
pub mod users;
pub mod values;
pub mod webhooks;
pub mod write_counter;

pub use error::{FieldViolation, FieldViolations, StorageError, StorageFault, TryLater};
pub use ids::{
    FolderId, GroupId, PolicyId, ProvisioningTokenId, RoleId, TenantId, UserId, WebhookId,
};
pub use time::{Clock, SystemClock, Timestamp};
