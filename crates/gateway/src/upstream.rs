//! The gateway's only way to the core: one lazily connected channel (no start-up race with
//! the user service), traced. Calls go through [`crate::session::Core`], which attaches the
//! caller's metadata.

use crate::telemetry::TracedChannel;
use std::time::Duration;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

#[derive(Debug, Clone)]
pub struct Upstream {
    channel: Channel,
    traced: TracedChannel,
}

impl Upstream {
    /// A channel to `url` (`http://host:port`) that connects on first use.
    pub fn connect_lazy(url: &str, timeout: Duration) -> Result<Self, tonic::transport::Error> {
        let channel = Endpoint::from_shared(url.to_owned())?
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(5))
            .tcp_nodelay(true)
            .http2_keep_alive_interval(Duration::from_secs(30))
            .connect_lazy();
        Ok(Self {
            traced: TracedChannel::new(channel.clone()),
            channel,
        })
    }

    /// The traced channel every call to the core goes through (see [`crate::session::Core`]).
    pub(crate) fn channel(&self) -> TracedChannel {
        self.traced.clone()
    }

    /// Whether the user service answers its health check with SERVING. Untraced: probes
    /// would drown the request traces.
    pub async fn ready(&self, timeout: Duration) -> bool {
        let mut health = HealthClient::new(self.channel.clone());
        let check = health.check(HealthCheckRequest {
            service: String::new(),
        });
        match tokio::time::timeout(timeout, check).await {
            Ok(Ok(r)) => r.into_inner().status == ServingStatus::Serving as i32,
            Ok(Err(_)) | Err(_) => false,
        }
    }
}
