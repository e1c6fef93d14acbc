//! The operator commands.

pub mod group;
pub mod secret_key;
pub mod serve;
pub mod tenant;
pub mod token;

use crate::app::open_store;
use crate::settings::Settings;
use anyhow::{Context, Result};
use roster_storage::Store;

/// The store, migrated: operator commands work on a fresh data directory too.
pub async fn migrated_store(s: &Settings) -> Result<Store> {
    let store = open_store(s).await?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    Ok(store)
}

/// The operator acting in the tenant whose login is `login`.
pub async fn operator_in<R: roster_user_service::Store>(
    core: &roster_user_service::Core<R>,
    login: &str,
) -> Result<roster_domain::authz::Principal> {
    let login = roster_domain::values::TenantLogin::parse(login)
        .map_err(|e| anyhow::anyhow!("invalid tenant login `{login}`: {e}"))?;
    let tenant = core
        .tenants()
        .get(
            &roster_domain::authz::Principal::operator(),
            &roster_domain::tenants::TenantKey::Login(login.clone()),
        )
        .await
        .map_err(|e| anyhow::anyhow!("tenant `{login}`: {e}"))?;
    Ok(roster_domain::authz::Principal::operator_in(
        tenant.id,
        tenant.owner,
    ))
}

pub async fn migrate(s: &Settings) -> Result<()> {
    migrated_store(s).await?;
    eprintln!("Database is up to date.");
    Ok(())
}
