//! `scim-token issue | list | revoke`: a tenant's SCIM provisioning tokens, made, shown and
//! revoked by the operator acting in the tenant, straight on the store.

use super::{migrated_store, operator_in};
use crate::app::core;
use crate::settings::Settings;
use anyhow::{Context, Result, anyhow};
use roster_domain::Timestamp;
use roster_domain::provisioning::ProvisioningToken;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// RFC 3339 in UTC, as the JSON of the gRPC contract shows timestamps.
fn rfc3339(t: Timestamp) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.as_micros()) * 1000)
        .ok()
        .and_then(|d| d.format(&Rfc3339).ok())
        .unwrap_or_else(|| t.as_micros().to_string())
}

pub async fn issue(s: &Settings, tenant: &str, name: &str, json_out: bool) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, tenant).await?;
    let issued = core
        .provisioning_tokens()
        .create(&who, name)
        .await
        .map_err(|e| anyhow!("cannot make a provisioning token in {tenant}: {e}"))?;
    if json_out {
        println!(
            "{}",
            json!({ "id": issued.token.id.to_string(), "token": issued.bearer })
        );
    } else {
        eprintln!(
            "Provisioning token {} ({}) made; it is shown once:",
            issued.token.id, issued.token.name
        );
        println!("{}", issued.bearer);
    }
    Ok(())
}

fn print(t: &ProvisioningToken, json_out: bool) {
    let created = rfc3339(t.created);
    let last_used = t.last_used.map(rfc3339);
    if json_out {
        println!(
            "{}",
            json!({
                "id": t.id.to_string(),
                "name": t.name.as_str(),
                "createTime": created,
                "lastUsedTime": last_used,
            })
        );
    } else {
        println!(
            "{}\t{}\t{}\t{}",
            t.id,
            created,
            last_used.as_deref().unwrap_or("never used"),
            t.name
        );
    }
}

pub async fn list(s: &Settings, tenant: &str, json_out: bool) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, tenant).await?;
    let tokens = core
        .provisioning_tokens()
        .list(&who)
        .await
        .with_context(|| format!("cannot list the provisioning tokens of {tenant}"))?;
    for t in &tokens {
        print(t, json_out);
    }
    Ok(())
}

pub async fn revoke(s: &Settings, tenant: &str, id: &str, json_out: bool) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, tenant).await?;
    core.provisioning_tokens()
        .revoke(&who, id)
        .await
        .map_err(|e| anyhow!("cannot revoke provisioning token {id} of {tenant}: {e}"))?;
    if json_out {
        println!("{}", json!({ "revoked": true }));
    } else {
        eprintln!("Provisioning token {id} revoked.");
    }
    Ok(())
}
