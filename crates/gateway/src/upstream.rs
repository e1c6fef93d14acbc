//! The gateway's only way to the core: gRPC clients of roster.v1 on one lazily connected
//! channel (no start-up race with the user service), plus the metadata every call carries.

use crate::request_id::RequestId;
use crate::telemetry::TracedChannel;
use roster_proto::v1::auth_service_client::AuthServiceClient;
use roster_proto::v1::group_service_client::GroupServiceClient;
use roster_proto::v1::key_service_client::KeyServiceClient;
use roster_proto::v1::role_service_client::RoleServiceClient;
use roster_proto::v1::tenant_service_client::TenantServiceClient;
use roster_proto::v1::user_service_client::UserServiceClient;
use std::time::Duration;
use tonic::metadata::MetadataValue;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// Responses as large as the user service may send (a 10 000-user batch).
const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

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

    pub fn users(&self) -> UserServiceClient<TracedChannel> {
        UserServiceClient::new(self.traced.clone())
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES)
    }

    pub fn groups(&self) -> GroupServiceClient<TracedChannel> {
        GroupServiceClient::new(self.traced.clone())
    }

    pub fn keys(&self) -> KeyServiceClient<TracedChannel> {
        KeyServiceClient::new(self.traced.clone())
    }

    pub fn roles(&self) -> RoleServiceClient<TracedChannel> {
        RoleServiceClient::new(self.traced.clone())
    }

    pub fn tenants(&self) -> TenantServiceClient<TracedChannel> {
        TenantServiceClient::new(self.traced.clone())
    }

    pub fn auth(&self) -> AuthServiceClient<TracedChannel> {
        AuthServiceClient::new(self.traced.clone())
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

/// A request to the core carrying the caller's bearer token and the request id.
pub fn call<T>(message: T, token: &str, request_id: &RequestId) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    if let Ok(v) = MetadataValue::try_from(format!("Bearer {token}")) {
        req.metadata_mut().insert("authorization", v);
    }
    if let Ok(v) = MetadataValue::try_from(request_id.as_str()) {
        req.metadata_mut().insert("x-request-id", v);
    }
    req
}

/// A request to the core that needs no token (Authenticate).
pub fn anonymous<T>(message: T, request_id: &RequestId) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    if let Ok(v) = MetadataValue::try_from(request_id.as_str()) {
        req.metadata_mut().insert("x-request-id", v);
    }
    req
}
