//! The composition root: settings in, a store, the core, and the servers it runs.

use crate::keys::{self, Keys};
use crate::settings::Settings;
use crate::shutdown::{self, Readiness, Tier};
use crate::telemetry;
use anyhow::{Context, Result};
use metrics_exporter_prometheus::PrometheusHandle;
use roster_domain::SystemClock;
use roster_domain::idempotency::IdempotencyRules;
use roster_domain::signatures::{MAX_SKEW, SignaturePolicy};
use roster_domain::users::GuessLimit;
use roster_gateway::{
    FormsOnFireLimits, GatewayApp, GatewayConfig, ScimLimits, SureCloudLimits, Upstream,
};
use roster_storage::{Store, StoreOptions};
use roster_user_service::{Core, CoreConfig, GrpcServer, InProcessService, TokenConfig};
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

impl Role {
    fn runs_user_service(self) -> bool {
        matches!(self, Self::All | Self::UserService)
    }

    fn runs_gateway(self) -> bool {
        matches!(self, Self::All | Self::Gateway)
    }
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
        acquire_timeout: Duration::from_millis(s.database_acquire_timeout_ms),
        sqlite_cache_kib: s.database_sqlite_cache_kib,
        events: s.events_outbox == crate::settings::Switch::On,
        ..StoreOptions::default()
    };
    Store::connect(&url, &options)
        .await
        .context("cannot open the database")
}

/// Brings the schema of `store` up to date.
pub async fn migrate(store: &Store) -> Result<()> {
    store.migrate().await.context("cannot migrate the database")
}

/// The core over `store`, with keys from the settings or the data directory.
pub fn core(s: &Settings, store: Store) -> Result<Arc<Core<Store>>> {
    let keys = keys::load(
        s.token_keys.as_deref(),
        s.server_key.as_deref(),
        &s.data_dir,
    )?;
    Ok(Arc::new(Core::new(
        store,
        core_config(s, keys),
        Arc::new(SystemClock),
    )))
}

fn core_config(s: &Settings, keys: Keys) -> CoreConfig {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    CoreConfig {
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
        password_guesses: GuessLimit {
            max: s.password_guesses_max,
            window: Duration::from_secs(s.password_guesses_window_secs),
        },
        secret_key_ttl: Duration::from_secs(s.surecloud_token_ttl_secs),
        signatures: SignaturePolicy {
            max_skew: MAX_SKEW,
            allow_date_only: s.signature_allow_date_only,
        },
        trusted_gateways: s.trusted_gateways.clone(),
        idempotency: IdempotencyRules {
            ttl: Duration::from_secs(s.idempotency_ttl_secs),
            lease: Duration::from_secs(s.idempotency_lease_secs),
        },
        webhook_allow_private: s.webhook_allow_private,
    }
}

/// Running servers and how to stop them (see [`crate::shutdown`]).
#[derive(Debug)]
pub struct Server {
    pub grpc_addr: Option<SocketAddr>,
    pub http_addr: Option<SocketAddr>,
    /// Where `/metrics` is served, on a listener of its own (`metrics_addr`).
    pub metrics_addr: Option<SocketAddr>,
    /// In start order; a shutdown stops them in reverse, the gateway first.
    tiers: Vec<Tier>,
}

impl Server {
    /// Stops accepting work at once and waits up to `grace` for in-flight requests.
    pub async fn shutdown(self, grace: Duration) -> Result<()> {
        self.drain(Duration::ZERO, grace).await
    }

    /// Reports not-ready, serves on for `delay`, then stops accepting and waits up to
    /// `grace` for in-flight requests (see [`shutdown::drain`]).
    pub async fn drain(self, delay: Duration, grace: Duration) -> Result<()> {
        shutdown::drain(self.tiers, delay, grace).await
    }
}

/// Binds every listener of `role` and starts serving; returns once all are listening.
pub async fn start(s: &Settings, role: Role) -> Result<Server> {
    let mut tiers = Vec::new();
    let metrics = telemetry::metrics();
    if let Some(handle) = metrics.clone() {
        tiers.push(metrics_upkeep(handle));
    }
    let user_service = if role.runs_user_service() {
        Some(start_user_service(s, &mut tiers).await?)
    } else {
        None
    };
    let grpc_addr = user_service.as_ref().map(|u| u.addr);
    // One listener per process, whatever halves it runs: the registry is the process's.
    let metrics_addr = match (s.metrics_addr, metrics) {
        (Some(addr), Some(handle)) => {
            let store = user_service.as_ref().map(|u| u.store.clone());
            Some(start_metrics(addr, handle, store, &mut tiers).await?)
        }
        _ => None,
    };
    let http_addr = if role.runs_gateway() {
        let in_process = user_service.map(|u| u.in_process);
        Some(start_gateway(s, in_process, &mut tiers).await?)
    } else {
        None
    };
    Ok(Server {
        grpc_addr,
        http_addr,
        metrics_addr,
        tiers,
    })
}

/// Keeps the metrics' histograms current, whether or not a listener serves them.
fn metrics_upkeep(handle: PrometheusHandle) -> Tier {
    Tier::spawn("metrics upkeep", Readiness::Untracked, |until| async move {
        telemetry::upkeep(handle, until).await;
        Ok(())
    })
}

/// How often expired idempotency keys are purged (a bounded batch each time; a claim also
/// takes over an expired key it meets).
const IDEMPOTENCY_PURGE_EVERY: Duration = Duration::from_mins(1);

/// Purges expired idempotency keys while the user service runs.
fn idempotency_upkeep(core: Arc<Core<Store>>) -> Tier {
    Tier::spawn(
        "idempotency upkeep",
        Readiness::Untracked,
        |until| async move {
            roster_user_service::prune_idempotency_keys(core, IDEMPOTENCY_PURGE_EVERY, until).await;
            Ok(())
        },
    )
}

/// Keeps the planner's statistics current while the user service runs (see
/// `roster_storage::Store::refresh_statistics`).
fn statistics_upkeep(store: Store, every: Duration) -> Tier {
    Tier::spawn(
        "statistics upkeep",
        Readiness::Untracked,
        |until| async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tokio::pin!(until);
            loop {
                tokio::select! {
                    () = &mut until => return Ok(()),
                    _ = tick.tick() => match store.refresh_statistics().await {
                        Ok(tables) if !tables.is_empty() => {
                            tracing::info!(?tables, "Refreshed the planner's statistics.");
                        }
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = ?e, "Cannot refresh the planner's statistics."),
                    },
                }
            }
        },
    )
}

/// Prunes the outbox's events older than `retention`, every quarter of it (at most every
/// five minutes); with a relay, only those it has published.
fn event_retention(store: Store, retention: Duration, published_only: bool) -> Tier {
    let every = (retention / 4).clamp(Duration::from_secs(1), Duration::from_mins(5));
    Tier::spawn(
        "event retention",
        Readiness::Untracked,
        move |until| async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tokio::pin!(until);
            loop {
                tokio::select! {
                    () = &mut until => return Ok(()),
                    _ = tick.tick() => {
                        let cutoff = roster_domain::Clock::now(&roster_domain::SystemClock)
                            .minus(retention);
                        match store.prune_events(cutoff, published_only, 1000).await {
                            Ok(0) => {}
                            Ok(n) => tracing::info!(events = n, "Pruned change events past their retention."),
                            Err(e) => tracing::warn!(error = ?e, "Cannot prune change events."),
                        }
                    }
                }
            }
        },
    )
}

/// Delivers the tenants' webhooks while the user service runs.
fn webhook_dispatcher(store: Store, s: &Settings) -> Tier {
    let settings = crate::webhooks::WebhookSettings {
        retry_for: Duration::from_secs(s.webhook_retry_for_secs),
        first_retry: Duration::from_millis(s.webhook_first_retry_ms.max(1)),
        pause_after: i32::try_from(s.webhook_pause_after_parked.max(1)).unwrap_or(i32::MAX),
        timeout: Duration::from_secs(s.webhook_timeout_secs.max(1)),
        allow_private: s.webhook_allow_private,
        lease: Duration::from_secs(s.relay_lease_secs.max(1)),
    };
    Tier::spawn("webhooks", Readiness::Untracked, |until| async move {
        crate::webhooks::run(store, settings, until).await
    })
}

/// The relay's settings, when a NATS server is named.
fn relay_settings(s: &Settings) -> Option<crate::relay::RelaySettings> {
    let url = s
        .nats_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())?;
    Some(crate::relay::RelaySettings {
        nats_url: url.to_owned(),
        stream: s.nats_stream.clone(),
        subject_prefix: s.nats_subject_prefix.clone(),
        max_age: Duration::from_secs(s.nats_max_age_secs),
        duplicate_window: Duration::from_secs(s.nats_duplicate_window_secs),
        lease: Duration::from_secs(s.relay_lease_secs.max(1)),
    })
}

/// Publishes the outbox's events to NATS while the user service runs.
fn event_relay(store: Store, relay: crate::relay::RelaySettings) -> Tier {
    tracing::info!(nats = %relay.nats_url, stream = %relay.stream, "Publishing change events to NATS.");
    Tier::spawn("event relay", Readiness::Untracked, |until| async move {
        crate::relay::run(store, relay, until).await
    })
}

/// The user service this process runs.
struct UserServiceHalf {
    /// Where its gRPC listener is.
    addr: SocketAddr,
    /// Its store, whose pool the metrics report.
    store: Store,
    /// Its services, for this process's gateway.
    in_process: InProcessService,
}

/// Opens (and, if asked, migrates) the store and serves the user service over it.
async fn start_user_service(s: &Settings, tiers: &mut Vec<Tier>) -> Result<UserServiceHalf> {
    let store = open_store(s).await?;
    if s.migrate_on_start {
        migrate(&store).await?;
    }
    let core = core(s, store.clone())?;
    tiers.push(idempotency_upkeep(Arc::clone(&core)));
    if s.statistics_interval_secs > 0 {
        tiers.push(statistics_upkeep(
            store.clone(),
            Duration::from_secs(s.statistics_interval_secs),
        ));
    }
    let relay = relay_settings(s);
    if s.events_retention_secs > 0 {
        let retention = Duration::from_secs(s.events_retention_secs);
        tiers.push(event_retention(store.clone(), retention, relay.is_some()));
    }
    if let Some(relay) = relay {
        tiers.push(event_relay(store.clone(), relay));
    }
    tiers.push(webhook_dispatcher(store.clone(), s));
    let grpc = GrpcServer::bind(s.grpc_addr, core)
        .await
        .with_context(|| format!("cannot listen on {}", s.grpc_addr))?;
    let addr = grpc.local_addr();
    let in_process = grpc.in_process()?;
    tracing::info!(addr = %addr, "User service listening.");
    let readiness = Readiness::Grpc(grpc.readiness());
    tiers.push(Tier::spawn("user service", readiness, |until| async move {
        grpc.run_until(until).await.map_err(anyhow::Error::from)
    }));
    Ok(UserServiceHalf {
        addr,
        store,
        in_process,
    })
}

async fn start_metrics(
    addr: SocketAddr,
    handle: PrometheusHandle,
    store: Option<Store>,
    tiers: &mut Vec<Tier>,
) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, "Metrics listening.");
    tiers.push(Tier::spawn(
        "metrics",
        Readiness::Untracked,
        |until| async move {
            telemetry::serve_metrics(listener, handle, store, until)
                .await
                .map_err(anyhow::Error::from)
        },
    ));
    Ok(local)
}

/// Serves the gateway in front of this process's user service, called in-process, unless the
/// settings name a user service URL; a gateway alone needs that URL (or takes the default
/// gRPC address).
async fn start_gateway(
    s: &Settings,
    in_process: Option<InProcessService>,
    tiers: &mut Vec<Tier>,
) -> Result<SocketAddr> {
    let config = gateway_config(s, s.upstream_url(s.grpc_addr));
    let (gw, upstream) = if let Some(service) = in_process.filter(|_| s.user_service_url.is_none())
    {
        let upstream = Upstream::in_process(service);
        let gw = GatewayApp::bind_to(s.http_addr, &config, upstream).await;
        (gw, "in-process".to_owned())
    } else {
        let gw = GatewayApp::bind(s.http_addr, &config).await;
        (gw, config.upstream_url.clone())
    };
    let gw = gw.with_context(|| format!("cannot listen on {}", s.http_addr))?;
    let addr = gw.local_addr();
    tracing::info!(addr = %addr, upstream, "Gateway listening.");
    let readiness = Readiness::Gateway(gw.draining());
    tiers.push(Tier::spawn("gateway", readiness, |until| async move {
        gw.run_until(until).await.map_err(anyhow::Error::from)
    }));
    Ok(addr)
}

fn gateway_config(s: &Settings, upstream: String) -> GatewayConfig {
    let mut config = GatewayConfig::new(upstream);
    config.upstream_resolve_interval = Duration::from_secs(s.user_service_resolve_interval_secs);
    config.upstream_timeout = Duration::from_millis(s.upstream_timeout_ms);
    config.upstream_bulk_timeout = Duration::from_millis(s.upstream_bulk_timeout_ms);
    config.max_body_bytes = s.max_body_bytes;
    config.formsonfire = FormsOnFireLimits {
        max_body_bytes: s.formsonfire_max_body_bytes,
        max_depth: s.formsonfire_max_depth,
    };
    config.surecloud = SureCloudLimits {
        max_users: s.surecloud_max_users,
        max_body_bytes: s.surecloud_max_body_bytes,
    };
    config.scim = ScimLimits {
        bulk_max_operations: s.scim_bulk_max_operations,
        bulk_max_payload_bytes: s.scim_max_body_bytes,
        ..ScimLimits::default()
    };
    config.trusted_proxies.clone_from(&s.trusted_proxies);
    config
}
