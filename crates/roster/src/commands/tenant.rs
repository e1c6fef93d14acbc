//! `tenant create` and `tenant list`.

use super::migrated_store;
use crate::app::core;
use crate::cli::TenantCreate;
use crate::settings::Settings;
use anyhow::{Context, Result, anyhow};
use roster_proto::v1 as pb;
use roster_user_service::{new_tenant_from_pb, scopes};
use serde_json::json;
use std::time::Duration;

pub async fn create(s: &Settings, args: &TenantCreate) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let ssh_keys = args
        .ssh_keys
        .iter()
        .map(|p| std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display())))
        .collect::<Result<Vec<_>>>()?;
    let request = pb::CreateTenantRequest {
        login: args.login.clone(),
        name: args.name.clone().unwrap_or_default(),
        company_id: args.company_id,
        admin_email: args.admin_email.clone(),
        owner_ssh_keys: ssh_keys.iter().map(|k| k.trim().to_owned()).collect(),
        request_id: String::new(),
    };
    let new = new_tenant_from_pb(&request).map_err(|v| anyhow!("invalid tenant: {v}"))?;
    let created = core
        .tenants()
        .create(&roster_domain::authz::Principal::operator(), new)
        .await
        .map_err(|e| anyhow!("cannot create the tenant: {e}"))?;
    let token = core
        .tokens()
        .issue(
            Some(created.tenant.id),
            "roster-cli",
            scopes::TENANT_ADMIN,
            Some(Duration::from_secs(s.token_ttl_secs)),
            core.now(),
        )
        .context("cannot issue a token for the tenant's administrator")?;
    let t = &created.tenant;
    let a = &created.admin;
    if args.json {
        let out = json!({
            "tenant_id": t.id.to_string(),
            "login": t.login.as_str(),
            "company_id": t.company_id.get(),
            "integration_key": created.integration_key,
            "organization_secret": created.organization_secret,
            "admin": {
                "id": a.id.to_string(),
                "login": a.login.as_str(),
                "email": a.email.as_str(),
                "secret": created.admin_secret,
            },
            "token": token.token,
        });
        println!("{out}");
    } else {
        println!(
            "Tenant {} created (shown once; keep the secrets safe).",
            t.login
        );
        println!("  tenant id:           {}", t.id);
        println!("  company id:          {}", t.company_id);
        println!("  integration key:     {}", created.integration_key);
        println!("  organization secret: {}", created.organization_secret);
        println!(
            "  admin:               {} <{}> ({})",
            a.login, a.email, a.id
        );
        println!("  admin secret:        {}", created.admin_secret);
        println!("  token:               {}", token.token);
    }
    Ok(())
}

pub async fn list(s: &Settings, json_out: bool) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let mut after = None;
    loop {
        let (page, more) = core
            .tenants()
            .list(
                &roster_domain::authz::Principal::operator(),
                after.clone(),
                1000,
            )
            .await
            .context("cannot list the tenants")?;
        for t in &page {
            if json_out {
                println!(
                    "{}",
                    json!({ "tenant_id": t.id.to_string(), "login": t.login.as_str(), "name": t.name, "company_id": t.company_id.get() })
                );
            } else {
                println!("{}\t{}\t{}\t{}", t.login, t.company_id, t.id, t.name);
            }
        }
        match page.last() {
            Some(t) if more => after = Some(t.login.key()),
            _ => return Ok(()),
        }
    }
}
