//! The composition root: settings in, a store, the core, and the servers it runs.

use crate::keys;
use crate::settings::Settings;
use anyhow::{Context, Result};
use roster_domain::SystemClock;
use roster_gateway::{GatewayApp, GatewayConfig};
use roster_storage::{Store, StoreOptions};
use roster_user_service::{Core, CoreConfig, GrpcServer, TokenConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

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
        max_batch: s.max_batch_users,
        authenticate_ttl: Duration::from_secs(s.authenticate_token_ttl_secs),
    };
    Ok(Arc::new(Core::new(store, config, Arc::new(SystemClock))))
}

/// Running servers and how to stop them.
#[derive(Debug)]
pub struct Server {
    pub grpc_addr: Option<SocketAddr>,
    pub http_addr: Option<SocketAddr>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<Result<()>>>,
}

async fn stopped(mut rx: watch::Receiver<bool>) {
    // An error means the sender is gone, which also means stop.
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Binds every listener of `role` and starts serving; returns once all are listening.
pub async fn start(s: &Settings, role: Role) -> Result<Server> {
    let (stop, rx) = watch::channel(false);
    let mut tasks = Vec::new();
    let mut grpc_addr = None;
    if matches!(role, Role::All | Role::UserService) {
        let store = open_store(s).await?;
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
        let until = stopped(rx.clone());
        tasks.push(tokio::spawn(async move {
            grpc.run_until(until).await.map_err(anyhow::Error::from)
        }));
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
        let gw = GatewayApp::bind(s.http_addr, &config)
            .await
            .with_context(|| format!("cannot listen on {}", s.http_addr))?;
        http_addr = Some(gw.local_addr());
        tracing::info!(addr = %gw.local_addr(), upstream, "Gateway listening.");
        let until = stopped(rx);
        tasks.push(tokio::spawn(async move {
            gw.run_until(until).await.map_err(anyhow::Error::from)
        }));
    }
    Ok(Server {
        grpc_addr,
        http_addr,
        stop,
        tasks,
    })
}

impl Server {
    /// Stops accepting work and waits up to `grace` for in-flight requests.
    pub async fn shutdown(self, grace: Duration) -> Result<()> {
        let _ = self.stop.send(true);
        let all = futures_join(self.tasks);
        if let Ok(results) = tokio::time::timeout(grace, all).await {
            results.into_iter().collect::<Result<Vec<()>>>().map(|_| ())
        } else {
            tracing::warn!(
                grace_secs = grace.as_secs(),
                "In-flight requests outlived the grace period."
            );
            Ok(())
        }
    }
}

async fn futures_join(tasks: Vec<JoinHandle<Result<()>>>) -> Vec<Result<()>> {
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.map_err(anyhow::Error::from).and_then(|r| r));
    }
    out
}
