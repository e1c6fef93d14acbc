//! `webhook create | list | resume | delete`: a tenant's webhook subscriptions, managed by
//! the operator acting in the tenant, straight on the store.

use super::{migrated_store, operator_in};
use crate::app::core;
use crate::settings::Settings;
use anyhow::{Context, Result, anyhow};
use roster_domain::WebhookId;
use roster_domain::webhooks::Webhook;
use serde_json::json;

fn print(w: &Webhook, json_out: bool) {
    let types: Vec<&str> = w.types.iter().map(|t| t.as_str()).collect();
    if json_out {
        println!(
            "{}",
            json!({
                "id": w.id.to_string(),
                "url": w.url.as_str(),
                "eventTypes": types,
                "state": w.state.as_str(),
                "afterSequence": w.after_sequence,
                "attempts": w.attempts,
                "lastError": w.last_error,
                "parkedInARow": w.parked_in_a_row,
            })
        );
    } else {
        let types = if types.is_empty() {
            "every type".to_owned()
        } else {
            types.join(",")
        };
        println!(
            "{}\t{}\t{}\tafter {}\t{}",
            w.id,
            w.state.as_str(),
            w.url.as_str(),
            w.after_sequence,
            types
        );
    }
}

fn id(raw: &str) -> Result<WebhookId> {
    WebhookId::parse(raw).map_err(|_| anyhow!("{raw} is no webhook id"))
}

pub async fn create(
    s: &Settings,
    tenant: &str,
    url: &str,
    types: &[String],
    json_out: bool,
) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, tenant).await?;
    let made = core
        .webhooks()
        .create(&who, url, types)
        .await
        .map_err(|e| anyhow!("cannot make a webhook in {tenant}: {e}"))?;
    if json_out {
        println!(
            "{}",
            json!({ "id": made.webhook.id.to_string(), "secret": made.secret })
        );
    } else {
        eprintln!(
            "Webhook {} made for {}; its signing secret is shown once:",
            made.webhook.id,
            made.webhook.url.as_str()
        );
        println!("{}", made.secret);
    }
    Ok(())
}

pub async fn list(s: &Settings, tenant: &str, json_out: bool) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, tenant).await?;
    let all = core
        .webhooks()
        .list(&who)
        .await
        .with_context(|| format!("cannot list the webhooks of {tenant}"))?;
    for w in &all {
        print(w, json_out);
    }
    Ok(())
}

/// Makes a paused webhook active again: delivery goes on where it stopped.
pub async fn resume(s: &Settings, tenant: &str, raw: &str, json_out: bool) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, tenant).await?;
    let w = core
        .webhooks()
        .update(&who, id(raw)?, &["state".to_owned()], ("", &[], "active"))
        .await
        .map_err(|e| anyhow!("cannot resume webhook {raw} of {tenant}: {e}"))?;
    print(&w, json_out);
    Ok(())
}

pub async fn delete(s: &Settings, tenant: &str, raw: &str, json_out: bool) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, tenant).await?;
    core.webhooks()
        .delete(&who, id(raw)?)
        .await
        .map_err(|e| anyhow!("cannot delete webhook {raw} of {tenant}: {e}"))?;
    if json_out {
        println!("{}", json!({ "deleted": true }));
    } else {
        eprintln!("Webhook {raw} deleted.");
    }
    Ok(())
}
