//! The tonic service implementations, one per contract service.

mod auth;
mod events;
mod folders;
mod groups;
mod idempotency;
mod keys;
mod provisioning;
mod roles;
mod secret_keys;
mod tenants;
mod users;
mod webhooks;

pub use auth::AuthApi;
pub use events::EventsApi;
pub use folders::FoldersApi;
pub use groups::GroupsApi;
pub use idempotency::IdempotencyApi;
pub use keys::KeysApi;
pub use provisioning::ProvisioningTokensApi;
pub use roles::RolesApi;
pub use secret_keys::SecretKeysApi;
pub use tenants::{TenantsApi, new_tenant_from_pb};
pub use users::UsersApi;
pub use webhooks::WebhooksApi;

/// Page sizes of the small admin lists (groups, tenants).
pub(crate) fn page_size(requested: i32) -> Result<u32, roster_domain::FieldViolations> {
    match requested {
        0 => Ok(100),
        n => u32::try_from(n).ok().filter(|n| *n <= 1000).ok_or_else(|| {
            roster_domain::FieldViolations::single("page_size", "must be between 1 and 1000")
        }),
    }
}

/// A client etag as a version; text that is none of our etags can never be current.
pub(crate) fn expected_version(etag: &str) -> Option<i64> {
    if etag.is_empty() {
        None
    } else {
        Some(roster_domain::users::version_of_etag(etag).unwrap_or(-1))
    }
}

/// What binds a page token to the caller's tenant: the same query's token from another
/// tenant does not verify, so a cursor never crosses tenants.
pub(crate) fn tenant_binding(who: &roster_domain::authz::Principal) -> Vec<u8> {
    who.tenant
        .map(|t| t.as_uuid().as_bytes().to_vec())
        .unwrap_or_default()
}
