//! `user restrict`: shows, replaces or clears where a user's secret key may be used from.

use super::{migrated_store, operator_in};
use crate::app::core;
use crate::cli::RestrictArgs;
use crate::settings::Settings;
use anyhow::{Result, anyhow};
use roster_domain::UserId;
use roster_domain::secret_keys::AddressRestrictions;
use roster_domain::users::UserKey;
use roster_domain::values::{Email, Login};
use serde_json::json;

/// An id, an email (it has an `@`) or a login.
fn user(raw: &str) -> Result<UserKey> {
    if let Ok(id) = UserId::parse(raw) {
        return Ok(UserKey::Id(id));
    }
    let key = if raw.contains('@') {
        Email::parse(raw)
            .map(UserKey::Email)
            .map_err(|e| e.to_string())
    } else {
        Login::parse(raw)
            .map(UserKey::Login)
            .map_err(|e| e.to_string())
    };
    key.map_err(|e| anyhow!("invalid user `{raw}`: {e}"))
}

pub async fn run(s: &Settings, args: &RestrictArgs) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, &args.tenant).await?;
    let key = user(&args.user)?;
    let (user, list) = if args.clear || !args.allow.is_empty() {
        let list = AddressRestrictions::parse(&args.allow, "--allow")
            .map_err(|e| anyhow!("invalid restrictions: {e}"))?;
        let user = core
            .secret_keys()
            .restrict(&who, &key, &list)
            .await
            .map_err(|e| anyhow!("cannot restrict {}: {e}", args.user))?;
        (user, list)
    } else {
        core.secret_keys()
            .restrictions(&who, &key)
            .await
            .map_err(|e| anyhow!("cannot read the restrictions of {}: {e}", args.user))?
    };
    let allow = list.to_strings();
    if args.json {
        println!(
            "{}",
            json!({ "userId": user.id.to_string(), "allow": allow })
        );
    } else if allow.is_empty() {
        eprintln!("The secret key of {} may be used from anywhere.", args.user);
    } else {
        for entry in allow {
            println!("{entry}");
        }
    }
    Ok(())
}
