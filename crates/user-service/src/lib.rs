//! The user service: roster.v1 over gRPC on top of the domain core.
//!
//! Every call is authorised from its bearer token (tenant and scopes; for a secret key's
//! token, also the client's address against the user's restrictions), converted from
//! protobuf into validated domain values, run as a use case, and answered with the domain
//! result or an error with google.rpc details. The storage adapter is chosen by the binary.

mod api;
mod client_address;
pub mod convert;
mod core;
mod deadline;
pub mod events;
mod hasher;
mod host_names;
mod idempotency;
mod in_process;
mod page_token;
mod secrets;
mod server;
mod ssh;
mod status;
pub mod telemetry;
mod tokens;

pub use api::{
    AuthApi, EventsApi, FoldersApi, GroupsApi, IdempotencyApi, KeysApi, ProvisioningTokensApi,
    RolesApi, SecretKeysApi, TenantsApi, UsersApi, WebhooksApi,
};
pub use client_address::default_trusted_gateways;
pub use convert::users::user_to_pb;
pub use core::{Core, CoreConfig, Store};
pub use hasher::{Argon2Hasher, Argon2Memory, HashLimits};
pub use host_names::SystemHostNames;
pub use idempotency::prune_idempotency_keys;
pub use in_process::InProcessService;
pub use secrets::{ServerSecrets, random_bytes};
pub use server::{GrpcServer, MAX_MESSAGE_BYTES, Readiness, ServeError};
pub use ssh::parse_public_key;
pub use status::ERROR_DOMAIN;
pub use tokens::{
    Binding, Caller, Claims, IssuedToken, TokenConfig, TokenError, TokenKey, Tokens, scopes,
};

/// The tenant-creation request check, shared with the operator CLI.
pub use api::new_tenant_from_pb;
