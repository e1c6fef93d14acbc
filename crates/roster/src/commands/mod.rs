//! The operator commands.

pub mod group;
pub mod restrict;
pub mod scim_token;
pub mod secret_key;
pub mod serve;
pub mod tenant;
pub mod token;
pub mod webhook;

use crate::app::{self, open_store};
use crate::settings::Settings;
use anyhow::{Result, anyhow};
use roster_domain::authz::Principal;
use roster_domain::tenants::{Tenant, TenantKey};
use roster_domain::values::TenantLogin;
use roster_storage::Store;
use roster_user_service::Core;

/// The store, migrated: operator commands work on a fresh data directory too.
pub async fn migrated_store(s: &Settings) -> Result<Store> {
    let store = open_store(s).await?;
    app::migrate(&store).await?;
    Ok(store)
}

/// The tenant whose login is `login`.
pub async fn tenant_by_login<R: roster_user_service::Store>(
    core: &Core<R>,
    login: &str,
) -> Result<Tenant> {
    let login =
        TenantLogin::parse(login).map_err(|e| anyhow!("invalid tenant login `{login}`: {e}"))?;
    core.tenants()
        .get(&Principal::operator(), &TenantKey::Login(login.clone()))
        .await
        .map_err(|e| anyhow!("tenant `{login}`: {e}"))
}

/// The operator acting in the tenant whose login is `login`.
pub async fn operator_in<R: roster_user_service::Store>(
    core: &Core<R>,
    login: &str,
) -> Result<Principal> {
    let tenant = tenant_by_login(core, login).await?;
    Ok(Principal::operator_in(tenant.id, tenant.owner))
}

pub async fn migrate(s: &Settings) -> Result<()> {
    migrated_store(s).await?;
    eprintln!("Database is up to date.");
    Ok(())
}
