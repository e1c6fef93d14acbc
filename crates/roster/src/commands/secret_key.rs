//! `user secret-key issue` and `user secret-key revoke`.

use super::{migrated_store, operator_in};
use crate::app::core;
use crate::cli::SecretKeyArgs;
use crate::settings::Settings;
use anyhow::{Result, anyhow};
use roster_domain::users::UserKey;
use roster_domain::values::Email;
use serde_json::json;

fn user(args: &SecretKeyArgs) -> Result<UserKey> {
    Email::parse(&args.email)
        .map(UserKey::Email)
        .map_err(|e| anyhow!("invalid email `{}`: {e}", args.email))
}

pub async fn issue(s: &Settings, args: &SecretKeyArgs) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, &args.tenant).await?;
    let issued = core
        .secret_keys()
        .issue(&who, &user(args)?)
        .await
        .map_err(|e| anyhow!("cannot issue a secret key to {}: {e}", args.email))?;
    if args.json {
        println!("{}", json!({ "secretKey": issued.secret }));
    } else {
        println!("{}", issued.secret);
    }
    Ok(())
}

pub async fn revoke(s: &Settings, args: &SecretKeyArgs) -> Result<()> {
    let core = core(s, migrated_store(s).await?)?;
    let who = operator_in(&core, &args.tenant).await?;
    core.secret_keys()
        .revoke(&who, &user(args)?)
        .await
        .map_err(|e| anyhow!("cannot revoke the secret key of {}: {e}", args.email))?;
    if args.json {
        println!("{}", json!({ "revoked": true }));
    } else {
        eprintln!("Secret key of {} revoked.", args.email);
    }
    Ok(())
}
