//! `roster`: see `roster --help`.

use anyhow::{Context, Result};
use clap::Parser as _;
use roster::cli::{
    Cli, Command, GroupCommand, ScimTokenCommand, SecretKeyCommand, TenantCommand, TokenCommand,
    UserCommand, WebhookCommand,
};
use roster::{Role, Settings, commands, telemetry};

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let mut settings = Settings::load(cli.config.as_deref()).context("invalid settings")?;
    if let Some(d) = cli.data_dir {
        settings.data_dir = d;
    }
    if let Some(u) = cli.database_url {
        settings.database_url = Some(u);
    }
    let serving = matches!(
        cli.command,
        Command::Serve | Command::UserService | Command::Gateway
    );
    let telemetry = telemetry::init(&telemetry::TelemetryConfig {
        log_format: settings.log_format.clone(),
        default_level: if serving { "info" } else { "warn" }.to_owned(),
        otlp_endpoint: [
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
        ]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty())),
        service_name: std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| {
            if matches!(cli.command, Command::UserService) {
                "roster-user-service".to_owned()
            } else if matches!(cli.command, Command::Gateway) {
                "roster-gateway".to_owned()
            } else {
                "roster".to_owned()
            }
        }),
    });
    for name in Settings::unknown_env_vars() {
        tracing::warn!(variable = %name, "Unknown setting in the environment; it is ignored.");
    }
    if let Some(path) = &cli.config {
        for key in Settings::unknown_file_keys(path) {
            tracing::warn!(key = %key, file = %path.display(), "Unknown setting in the settings file; it is ignored.");
        }
    }
    let result = match &cli.command {
        Command::Serve => commands::serve::run(&settings, Role::All).await,
        Command::UserService => commands::serve::run(&settings, Role::UserService).await,
        Command::Gateway => commands::serve::run(&settings, Role::Gateway).await,
        Command::Migrate => commands::migrate(&settings).await,
        Command::Tenant(TenantCommand::Create(args)) => {
            commands::tenant::create(&settings, args).await
        }
        Command::Tenant(TenantCommand::List { json }) => {
            commands::tenant::list(&settings, *json).await
        }
        Command::Token(TokenCommand::Issue(args)) => commands::token::issue(&settings, args).await,
        Command::User(UserCommand::SecretKey(SecretKeyCommand::Issue(args))) => {
            commands::secret_key::issue(&settings, args).await
        }
        Command::User(UserCommand::SecretKey(SecretKeyCommand::Revoke(args))) => {
            commands::secret_key::revoke(&settings, args).await
        }
        Command::User(UserCommand::Restrict(args)) => {
            commands::restrict::run(&settings, args).await
        }
        Command::Group(GroupCommand::Create { tenant, path, json }) => {
            commands::group::create(&settings, tenant, path, *json).await
        }
        Command::Group(GroupCommand::List { tenant, json }) => {
            commands::group::list(&settings, tenant, *json).await
        }
        Command::ScimToken(ScimTokenCommand::Issue { tenant, name, json }) => {
            commands::scim_token::issue(&settings, tenant, name, *json).await
        }
        Command::ScimToken(ScimTokenCommand::List { tenant, json }) => {
            commands::scim_token::list(&settings, tenant, *json).await
        }
        Command::ScimToken(ScimTokenCommand::Revoke { tenant, id, json }) => {
            commands::scim_token::revoke(&settings, tenant, id, *json).await
        }
        Command::Webhook(WebhookCommand::Create {
            tenant,
            url,
            types,
            json,
        }) => commands::webhook::create(&settings, tenant, url, types, *json).await,
        Command::Webhook(WebhookCommand::List { tenant, json }) => {
            commands::webhook::list(&settings, tenant, *json).await
        }
        Command::Webhook(WebhookCommand::Resume { tenant, id, json }) => {
            commands::webhook::resume(&settings, tenant, id, *json).await
        }
        Command::Webhook(WebhookCommand::Delete { tenant, id, json }) => {
            commands::webhook::delete(&settings, tenant, id, *json).await
        }
    };
    telemetry.shutdown();
    result
}
