//! The composition root: settings in, a store, the core, and the servers it runs.

use crate::keys;
use crate::settings::Settings;
use crate::shutdown::{Readiness, Tier};
use crate::telemetry;
use anyhow::{Context, Result};
use roster_domain::SystemClock;
use roster_gateway::{GatewayApp, GatewayConfig};
use roster_storage::{Store, StoreOptions};
use roster_user_service::{Core, CoreConfig, GrpcServer, TokenConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Which halves a process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The user service and the gateway (`roster serve`).
    All,
    UserService,
    Gateway,
}

/// Opens the database named by the settings (creating the data directory for SQLite).
pub async fn open_store(s: &Settings) -> Result<Store> {
    let url = s.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&s.data_dir)
            .with_context(|| format!("cannot create data directory {}", s.data_dir.display()))?;
    }
    let options = StoreOptions {
        max_connections: s.database_max_connections,
        ..StoreOptions::default()
    };
    Store::connect(&url, &options)
        .await
        .context("cannot open the database")
}

/// The core over `store`, with keys from the settings or the data directory.
pub fn core(s: &Settings, store: Store) -> Result<Arc<Core<Store>>> {
    let keys = keys::load(
        s.token_keys.as_deref(),
        s.server_key.as_deref(),
        &s.data_dir,
    )?;
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let config = CoreConfig {
        tokens: TokenConfig {
            issuer: s.token_issuer.clone(),
            audience: s.token_audience.clone(),
            keys: keys.token_keys,
            default_ttl: Duration::from_secs(s.token_ttl_secs),
            max_ttl: Duration::from_secs(s.token_max_ttl_secs),
        },
        server_key: keys.server_key,
        hash_concurrency: s.hash_concurrency.unwrap_or(cores),
        hash_max_wait: Duration::from_millis(s.argon2_max_wait_ms),
        hash_max_queued_per_tenant: s.argon2_max_queued_per_tenant,
        max_batch: s.max_batch_users,
        authenticate_ttl: Duration::from_secs(s.authenticate_token_ttl_secs),
        password_guesses: roster_domain::users::GuessLimit {
            max: s.password_guesses_max,
            window: Duration::from_secs(s.password_guesses_window_secs),
        },
        secret_key_ttl: Duration::from_secs(s.surecloud_token_ttl_secs),
        signatures: roster_domain::signatures::SignaturePolicy {
            max_skew: roster_domain::signatures::MAX_SKEW,
            allow_date_only: s.signature_allow_date_only,
        },
    };
    Ok(Arc::new(Core::new(store, config, Arc::new(SystemClock))))
}

/// Running servers and how to stop them (see [`crate::shutdown`]).
#[derive(Debug)]
pub struct Server {
    pub grpc_addr: Option<SocketAddr>,
    pub http_addr: Option<SocketAddr>,
    /// Where `/metrics` is served, on a listener of its own (`metrics_addr`).
    pub metrics_addr: Option<SocketAddr>,
    /// In start order; a shutdown stops them in reverse, the gateway first.
    pub(crate) tiers: Vec<Tier>,
}

/// Binds every listener of `role` and starts serving; returns once all are listening.
pub async fn start(s: &Settings, role: Role) -> Result<Server> {
    let mut tiers = Vec::new();
    let metrics = telemetry::metrics();
    if let Some(handle) = metrics.clone() {
        tiers.push(Tier::spawn(
            "metrics upkeep",
            Readiness::Untracked,
            |until| async move {
                telemetry::upkeep(handle, until).await;
                Ok(())
            },
        ));
    }
    let mut grpc_addr = None;
    let mut metrics_addr = None;
    let mut store_for_metrics = None;
    if matches!(role, Role::All | Role::UserService) {
        let store = open_store(s).await?;
        store_for_metrics = Some(store.clone());
        if s.migrate_on_start {
            store
                .migrate()
                .await
                .context("cannot migrate the database")?;
        }
        let grpc = GrpcServer::bind(s.grpc_addr, core(s, store)?)
            .await
            .with_context(|| format!("cannot listen on {}", s.grpc_addr))?;
        grpc_addr = Some(grpc.local_addr());
        tracing::info!(addr = %grpc.local_addr(), "User service listening.");
        let readiness = Readiness::Grpc(grpc.readiness());
        tiers.push(Tier::spawn("user service", readiness, |until| async move {
            grpc.run_until(until).await.map_err(anyhow::Error::from)
        }));
    }
    // One listener per process, whatever halves it runs: the registry is the process's.
    if let (Some(addr), Some(handle)) = (s.metrics_addr, metrics) {
        let store = store_for_metrics;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        metrics_addr = Some(listener.local_addr()?);
        tracing::info!(addr = %listener.local_addr()?, "Metrics listening.");
        tiers.push(Tier::spawn(
            "metrics",
            Readiness::Untracked,
            |until| async move {
                telemetry::serve_metrics(listener, handle, store, until)
                    .await
                    .map_err(anyhow::Error::from)
            },
        ));
    }
    let mut http_addr = None;
    if matches!(role, Role::All | Role::Gateway) {
        let upstream = s.upstream_url(grpc_addr.unwrap_or(s.grpc_addr));
        let mut config = GatewayConfig::new(upstream.clone());
        config.max_body_bytes = s.max_body_bytes;
        config.formsonfire = roster_gateway::FormsOnFireLimits {
            max_body_bytes: s.formsonfire_max_body_bytes,
            max_depth: s.formsonfire_max_depth,
        };
        config.surecloud = roster_gateway::SureCloudLimits {
            max_users: s.surecloud_max_users,
            max_body_bytes: s.surecloud_max_body_bytes,
        };
        let gw = GatewayApp::bind(s.http_addr, &config)
            .await
            .with_context(|| format!("cannot listen on {}", s.http_addr))?;
        http_addr = Some(gw.local_addr());
        tracing::info!(addr = %gw.local_addr(), upstream, "Gateway listening.");
        let readiness = Readiness::Gateway(gw.draining());
        tiers.push(Tier::spawn("gateway", readiness, |until| async move {
            gw.run_until(until).await.map_err(anyhow::Error::from)
        }));
    }
    Ok(Server {
        grpc_addr,
        http_addr,
        metrics_addr,
        tiers,
    })
}
