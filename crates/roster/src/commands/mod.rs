//! The operator commands.

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

pub async fn migrate(s: &Settings) -> Result<()> {
    migrated_store(s).await?;
    eprintln!("Database is up to date.");
    Ok(())
}
