//! The gateway's only way to the core: a lazily connected channel (no start-up race with
//! the user service), traced. Calls go through [`crate::session::Core`], which attaches the
//! caller's metadata.
//!
//! HTTP/2 keeps every call of a connection on one replica, so a Kubernetes Service, which
//! balances connections, would pin a gateway to one user-service pod. When the URL names a
//! host (a headless Service) or lists several URLs, the channel balances calls over every
//! replica instead: see [`discovery`]; a call that could not connect to the replica it was
//! given is sent to another ([`Failover`]). One IP literal is one plain connection.
//!
//! `roster serve` runs the user service in the gateway's own process and hands the gateway
//! its routes as a tower service ([`Upstream::in_process`]): the same calls, the same encoded
//! messages, no socket.

mod discovery;
mod failover;
mod members;
mod targets;
mod watch;

pub(crate) use failover::Failover;
pub use targets::UpstreamError;

use crate::telemetry::TracedChannel;
use http::Uri;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tonic::body::Body;
use tonic::transport::Endpoint;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tower::ServiceExt as _;
use tower::util::BoxCloneSyncService;

/// How often the names of the user service URL are resolved again, unless told otherwise.
pub const DEFAULT_RESOLVE_INTERVAL: Duration = Duration::from_secs(5);

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The user service as the gateway's clients call it: a tonic channel, or the user service's
/// own routes in this process.
pub type CoreService = BoxCloneSyncService<http::Request<Body>, http::Response<Body>, BoxError>;

#[derive(Debug, Clone)]
pub struct Upstream {
    /// Untraced, for the health checks.
    channel: CoreService,
    calls: Failover,
    /// What the replicas' health watches say; `None` for one IP literal, which is not watched.
    tally: Option<Arc<Tally>>,
}

/// What the replicas' health watches last said, for the readiness probe and the failover.
#[derive(Debug, Default)]
struct Tally {
    serving: AtomicUsize,
    /// Replicas not known to be down.
    up: AtomicUsize,
}

impl Tally {
    fn set(&self, serving: usize, up: usize) {
        self.serving.store(serving, Ordering::Relaxed);
        self.up.store(up, Ordering::Relaxed);
    }

    fn serving(&self) -> usize {
        self.serving.load(Ordering::Relaxed)
    }

    fn up(&self) -> usize {
        self.up.load(Ordering::Relaxed)
    }
}

impl Upstream {
    /// A channel to `url` (`http://host:port`, or several, comma-separated) that connects on
    /// first use; names are resolved again every [`DEFAULT_RESOLVE_INTERVAL`].
    pub fn connect_lazy(url: &str, timeout: Duration) -> Result<Self, UpstreamError> {
        Self::connect_lazy_resolving(url, timeout, DEFAULT_RESOLVE_INTERVAL)
    }

    /// As [`Self::connect_lazy`], resolving names again every `every` (at least a second).
    pub fn connect_lazy_resolving(
        url: &str,
        timeout: Duration,
        every: Duration,
    ) -> Result<Self, UpstreamError> {
        let targets = targets::parse(url)?;
        if let [one] = targets.as_slice()
            && one.literal().is_some()
        {
            let channel = endpoint(one.uri.clone(), timeout).connect_lazy();
            return Ok(Self::new(boxed(channel), None));
        }
        let every = every.max(Duration::from_secs(1));
        let (channel, tally) = discovery::start(targets, timeout, every);
        Ok(Self::new(boxed(channel), Some(tally)))
    }

    /// The user service of this process, called without a socket. Every call of a request
    /// carries that request's deadline, which the user service's deadline layer enforces, so
    /// no channel timeout is needed behind it.
    pub fn in_process(service: CoreService) -> Self {
        Self::new(service, None)
    }

    fn new(channel: CoreService, tally: Option<Arc<Tally>>) -> Self {
        let traced = TracedChannel::new(channel.clone());
        Self {
            calls: Failover::new(traced, tally.clone()),
            channel,
            tally,
        }
    }

    /// The traced channel every call to the core goes through (see [`crate::session::Core`]).
    pub(crate) fn channel(&self) -> Failover {
        self.calls.clone()
    }

    /// Whether a user-service replica answers its health check with SERVING: one whose
    /// health watch says so, else whichever the channel picks. Untraced: probes would drown
    /// the request traces.
    pub async fn ready(&self, timeout: Duration) -> bool {
        if self.tally.as_ref().is_some_and(|t| t.serving() > 0) {
            return true;
        }
        serving(self.channel.clone(), timeout).await
    }
}

/// Whether `channel` answers its health check with SERVING within `timeout`.
async fn serving(channel: CoreService, timeout: Duration) -> bool {
    let mut health = HealthClient::new(Plain(channel));
    let check = health.check(HealthCheckRequest {
        service: String::new(),
    });
    match tokio::time::timeout(timeout, check).await {
        Ok(Ok(r)) => r.into_inner().status == ServingStatus::Serving as i32,
        Ok(Err(_)) | Err(_) => false,
    }
}

/// [`CoreService`] as a service of its own: handed to a tonic client directly, the boxed
/// service's future cannot be proved `Send` for every lifetime of a handler (the compiler's
/// "implementation of `From` is not general enough").
#[derive(Clone)]
struct Plain(CoreService);

type PlainFuture = Pin<Box<dyn Future<Output = Result<http::Response<Body>, BoxError>> + Send>>;

impl tower::Service<http::Request<Body>> for Plain {
    type Response = http::Response<Body>;
    type Error = BoxError;
    type Future = PlainFuture;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        self.0.call(req)
    }
}

fn boxed(channel: tonic::transport::Channel) -> CoreService {
    BoxCloneSyncService::new(channel.map_err(BoxError::from))
}

/// One replica's endpoint: the call deadline, connect timeout and keep-alive every
/// connection to the user service has.
fn endpoint(uri: Uri, timeout: Duration) -> Endpoint {
    Endpoint::from(uri)
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(30))
}
