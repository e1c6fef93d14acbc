//! `group create` and `group list`.

use super::{migrated_store, operator_in};
use crate::app::core;
use crate::settings::Settings;
use anyhow::{Context, Result, anyhow};
use roster_domain::groups::{Group, GroupQuery};
use roster_domain::values::GroupPath;
use serde_json::json;

fn print(g: &Group, json_out: bool) {
    if json_out {
        println!(
            "{}",
            json!({ "id": g.id.to_string(), "path": g.path.as_str(), "members": g.member_count })
        );
    } else {
        println!("{}\t{}\t{}", g.path, g.id, g.member_count);
    }
}

pub async fn create(s: &Settings, tenant: &str, path: &str, json_out: bool) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, tenant).await?;
    let path = GroupPath::parse(path).map_err(|e| anyhow!("invalid group path `{path}`: {e}"))?;
    let group = core
        .groups()
        .create(&who, &path, None, &[])
        .await
        .map_err(|e| anyhow!("cannot create {path}: {e}"))?;
    print(&group, json_out);
    Ok(())
}

pub async fn list(s: &Settings, tenant: &str, json_out: bool) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, tenant).await?;
    let mut query = GroupQuery {
        parent: None,
        after: None,
        before: None,
        limit: 1000,
    };
    loop {
        let (page, more) = core
            .groups()
            .list(&who, &query)
            .await
            .with_context(|| format!("cannot list the groups of {tenant}"))?;
        for g in &page {
            print(g, json_out);
        }
        match page.last() {
            Some(g) if more => query.after = Some(g.path.clone()),
            _ => return Ok(()),
        }
    }
}
