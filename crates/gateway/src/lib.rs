//! The REST gateway: vendor dialects over HTTP, each a translation onto the roster.v1 gRPC
//! contract. The gateway holds no data: every request becomes calls on the user service,
//! authenticated with a token that the dialect's credential was exchanged for.

mod core_error;
mod dialects;
mod expiring;
// The fuzz targets' entry points: never part of a normal build.
#[cfg(any(test, fuzzing))]
pub mod fuzzing;
mod health;
mod openapi;
pub mod session;
pub mod telemetry;
pub mod upstream;

pub use dialects::formsonfire::FormsOnFireLimits;
pub use dialects::scim::ScimLimits;
pub use dialects::surecloud::SureCloudLimits;
pub use session::{CachedToken, RequestId, TokenCache, credential_key};
pub use upstream::{CoreService, DEFAULT_RESOLVE_INTERVAL, Upstream, UpstreamError};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::response::Response;
use axum::routing::get;
use axum::serve::ListenerExt as _;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;

/// How the gateway is set up.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// The user service, `http://host:port`, or several such URLs, comma-separated. Calls
    /// are balanced over every address the hosts resolve to (see [`Upstream`]).
    pub upstream_url: String,
    /// How often the host names of `upstream_url` are resolved again.
    pub upstream_resolve_interval: Duration,
    /// The time one request's calls to the user service may take together, counted from
    /// its arrival: each call carries what is left as its gRPC deadline.
    pub upstream_timeout: Duration,
    /// The same for the bulk routes (a SureCloud PATCH, a SCIM `/Bulk`).
    pub upstream_bulk_timeout: Duration,
    pub token_cache_capacity: usize,
    /// Cached tokens are renewed this long before they expire.
    pub token_refresh_margin: Duration,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Forms On Fire request bodies: size and nesting limits.
    pub formsonfire: FormsOnFireLimits,
    /// SureCloud requests: users and bytes.
    pub surecloud: SureCloudLimits,
    /// SCIM pages and `/Bulk` requests.
    pub scim: ScimLimits,
    /// Peers (addresses or ranges) whose `Forwarded` / `X-Forwarded-For` name the client
    /// (see [`session::client_address`]); empty: the TCP peer is always the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl GatewayConfig {
    pub fn new(upstream_url: impl Into<String>) -> Self {
        Self {
            upstream_url: upstream_url.into(),
            upstream_timeout: Duration::from_secs(30),
            upstream_bulk_timeout: Duration::from_mins(10),
            upstream_resolve_interval: DEFAULT_RESOLVE_INTERVAL,
            token_cache_capacity: 10_000,
            token_refresh_margin: Duration::from_mins(1),
            max_body_bytes: 16 * 1024 * 1024,
            formsonfire: FormsOnFireLimits::default(),
            surecloud: SureCloudLimits::default(),
            scim: ScimLimits::default(),
            trusted_proxies: Vec::new(),
        }
    }
}

/// What every dialect's handlers share. What is one dialect's own (its limits) is given to
/// its router from [`GatewayConfig`] and lives in the dialect's state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub upstream: Upstream,
    pub tokens: Arc<TokenCache>,
    /// Set when shutdown begins: `/readyz` then fails so load balancers stop sending.
    pub draining: Arc<AtomicBool>,
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("invalid user service URL: {0}")]
    Upstream(#[from] UpstreamError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Paths nobody serves. CloudAPI is mounted at `/`, so its ResourceNotFound is the answer.
async fn not_found(req: Request) -> Response {
    dialects::cloudapi::not_found(req.uri().path())
}

/// Every route: health, then each dialect, behind request ids, telemetry and a body limit.
/// Metrics are not served here: the public port never shows them (the binary serves them on
/// `metrics_addr`, a listener of their own).
pub fn router(state: &AppState, config: &GatewayConfig) -> Router {
    let mut app = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(state.clone());
    let mut api = openapi::base();
    for d in dialects::DIALECTS {
        tracing::debug!(dialect = d.name, "Mounting dialect.");
        let (routes, doc) = (d.router)(state.clone(), config).split_for_parts();
        api.merge(doc);
        app = app.merge(routes);
    }
    app = app.merge(openapi::docs(api));
    // Router::layer wraps each route, so `observe` sees the matched route template; the
    // request id is assigned outside it, before it runs.
    // Idempotency inside the replay of refused tokens: a replay claims with its fresh token.
    app.fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            config.max_body_bytes,
            session::idempotency::guard,
        ))
        .layer(axum::middleware::from_fn(session::replay::replay_refused))
        // Outside the replay, so that a replayed request has what is left of the budget.
        .layer(axum::middleware::from_fn_with_state(
            config.upstream_timeout,
            session::deadline::assign,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state.draining),
            health::close_while_draining,
        ))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(axum::middleware::from_fn(telemetry::observe))
        .layer(axum::middleware::from_fn(session::request_id::assign))
        .layer(axum::middleware::from_fn_with_state(
            session::client_address::TrustedProxies::from(config.trusted_proxies.as_slice()),
            session::client_address::assign,
        ))
}

/// A bound, not yet serving, gateway.
#[derive(Debug)]
pub struct GatewayApp {
    listener: TcpListener,
    addr: SocketAddr,
    router: Router,
    draining: Arc<AtomicBool>,
}

impl GatewayApp {
    /// A gateway in front of the user service at `config.upstream_url`.
    pub async fn bind(addr: SocketAddr, config: &GatewayConfig) -> Result<Self, GatewayError> {
        // The channel's own timeout is only the backstop: each call of a request carries
        // what is left of that request's deadline, which for a bulk route runs past the
        // ordinary budget.
        let upstream = Upstream::connect_lazy_resolving(
            &config.upstream_url,
            config.upstream_timeout.max(config.upstream_bulk_timeout),
            config.upstream_resolve_interval,
        )?;
        Self::bind_to(addr, config, upstream).await
    }

    /// A gateway in front of `upstream` (`config.upstream_url` is not read).
    pub async fn bind_to(
        addr: SocketAddr,
        config: &GatewayConfig,
        upstream: Upstream,
    ) -> Result<Self, GatewayError> {
        let state = AppState {
            upstream,
            tokens: Arc::new(TokenCache::new(
                config.token_cache_capacity,
                config.token_refresh_margin,
            )),
            draining: Arc::new(AtomicBool::new(false)),
        };
        let draining = Arc::clone(&state.draining);
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        Ok(Self {
            listener,
            addr,
            router: router(&state, config),
            draining,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The flag that makes `/readyz` fail while the gateway goes on serving (set it ahead of
    /// the stop for a drained shutdown). While it is set, HTTP/1 responses also carry
    /// `connection: close`, so that keep-alive clients reconnect through the load balancer.
    pub fn draining(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.draining)
    }

    /// Serves until `stop`; then reports not ready and finishes in-flight requests.
    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let draining = self.draining;
        // Small responses must not wait on delayed ACKs.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!(error = %e, "Cannot set TCP_NODELAY.");
            }
        });
        // The peer's address: the client's, or that of a proxy (`trusted_proxies`).
        let app = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                stop.await;
                draining.store(true, Ordering::Relaxed);
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt as _;

    fn small_bodies() -> GatewayConfig {
        GatewayConfig {
            max_body_bytes: 1024,
            ..GatewayConfig::new("http://127.0.0.1:9")
        }
    }

    fn app() -> Router {
        // Nothing listens on port 9 of loopback: the user service is "down".
        let state = AppState {
            upstream: Upstream::connect_lazy("http://127.0.0.1:9", Duration::from_secs(1)).unwrap(),
            tokens: Arc::new(TokenCache::new(10, Duration::from_secs(1))),
            draining: Arc::new(AtomicBool::new(false)),
        };
        router(&state, &small_bodies())
    }

    #[tokio::test]
    async fn healthz_answers_and_echoes_a_request_id() {
        let res = app()
            .oneshot(
                http::Request::get("/healthz")
                    .header("x-request-id", "req-1")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["x-request-id"], "req-1");
    }

    #[tokio::test]
    async fn readyz_fails_while_the_user_service_is_down() {
        let res = app()
            .oneshot(http::Request::get("/readyz").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), 503);
    }

    #[tokio::test]
    async fn metrics_are_not_served_on_the_rest_port() {
        let res = app()
            .oneshot(http::Request::get("/metrics").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_ne!(res.status(), 200);
        let body = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        assert!(!String::from_utf8_lossy(&body).contains("roster_"));
    }

    #[tokio::test]
    async fn a_draining_gateway_is_not_ready_and_asks_clients_to_close() {
        let state = AppState {
            upstream: Upstream::connect_lazy("http://127.0.0.1:9", Duration::from_secs(1)).unwrap(),
            tokens: Arc::new(TokenCache::new(10, Duration::from_secs(1))),
            draining: Arc::new(AtomicBool::new(false)),
        };
        let app = router(&state, &small_bodies());
        let get = |path: &str| http::Request::get(path).body(Body::empty()).unwrap();
        let res = app.clone().oneshot(get("/healthz")).await.unwrap();
        assert!(res.headers().get("connection").is_none());

        state.draining.store(true, Ordering::Relaxed);
        let res = app.clone().oneshot(get("/readyz")).await.unwrap();
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()["connection"], "close");
        // Still serving: liveness and every other route answer as before.
        let res = app.oneshot(get("/healthz")).await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["connection"], "close");
    }

    #[tokio::test]
    async fn unknown_routes_are_json_404s_with_a_fresh_request_id() {
        let res = app()
            .oneshot(
                http::Request::get("/no/such/route/at/all")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        assert_eq!(res.headers()["x-request-id"].len(), 36);
        assert_eq!(res.headers()["content-type"], "application/json");
    }
}
