//! `token issue`.

use super::{migrated_store, tenant_by_login};
use crate::app::core;
use crate::cli::TokenIssue;
use crate::settings::Settings;
use anyhow::{Context, Result, bail};
use roster_user_service::scopes;

pub async fn issue(s: &Settings, args: &TokenIssue) -> Result<()> {
    if let Some(bad) = args
        .scopes
        .iter()
        .find(|sc| !scopes::ALL.contains(&sc.as_str()))
    {
        bail!("unknown scope `{bad}` (known: {})", scopes::ALL.join(", "));
    }
    let core = core(s, migrated_store(s).await?)?;
    let tenant = match &args.tenant {
        Some(login) => Some(tenant_by_login(&core, login).await?.id),
        None => None,
    };
    let wanted: Vec<&str> = if !args.scopes.is_empty() {
        args.scopes.iter().map(String::as_str).collect()
    } else if tenant.is_some() {
        scopes::TENANT_ADMIN.to_vec()
    } else {
        vec![scopes::ADMIN]
    };
    if tenant.is_none() && !wanted.contains(&scopes::ADMIN) {
        bail!("a token without --tenant can only carry the `admin` scope");
    }
    let ttl = args
        .ttl
        .unwrap_or(std::time::Duration::from_secs(s.token_ttl_secs));
    let issued = core
        .tokens()
        .issue(tenant, &args.subject, &wanted, Some(ttl), core.now())
        .context("cannot issue the token")?;
    println!("{}", issued.token);
    Ok(())
}
