//! The one way a dialect calls the core: a client bound to one request, which attaches the
//! caller's token, the request id, the client's address (and CloudAPI's `as-role`) to every
//! call it makes, and gives each call what is left of the request's deadline as its own
//! (`grpc-timeout`). A handler never builds a `tonic::Request` or touches metadata itself.

use super::RequestId;
use super::idempotency::{Gate, Halted};
use crate::upstream::{Failover, Upstream};
use roster_proto::v1::auth_service_client::AuthServiceClient;
use roster_proto::v1::group_service_client::GroupServiceClient;
use roster_proto::v1::idempotency_service_client::IdempotencyServiceClient;
use roster_proto::v1::key_service_client::KeyServiceClient;
use roster_proto::v1::role_service_client::RoleServiceClient;
use roster_proto::v1::tenant_service_client::TenantServiceClient;
use roster_proto::v1::user_service_client::UserServiceClient;
use std::time::{Duration, Instant};
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;

/// Responses as large as the user service may send (a 10 000-user batch).
const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The channel every client of a [`Core`] runs on.
pub(crate) type Channel = InterceptedService<Failover, Attach>;

/// The metadata a request's calls carry.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attach {
    authorization: Option<MetadataValue<Ascii>>,
    request_id: Option<MetadataValue<Ascii>>,
    as_role: Option<MetadataValue<Ascii>>,
    /// The HTTP client's address, or `unknown` (which the core's restrictions refuse: sent
    /// nothing, the core would take the gateway's own address for the client's).
    client: Option<MetadataValue<Ascii>>,
    /// When the request's calls must be done (see [`super::deadline`]).
    deadline: Option<Instant>,
}

impl Interceptor for Attach {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(deadline) = self.deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                // Not sent: the core could only answer the same, later.
                return Err(tonic::Status::deadline_exceeded(
                    "the request's time for the core is spent",
                ));
            }
            // Also what the channel waits for the answer (tonic reads it back).
            req.set_timeout(left);
        }
        let m = req.metadata_mut();
        for (key, value) in [
            ("authorization", &self.authorization),
            ("x-request-id", &self.request_id),
            (roster_proto::AS_ROLE_METADATA, &self.as_role),
            (roster_proto::CLIENT_ADDRESS_METADATA, &self.client),
        ] {
            if let Some(v) = value {
                m.insert(key, v.clone());
            }
        }
        Ok(req)
    }
}

/// The core, as one request of one caller reaches it.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    channel: Failover,
    attach: Attach,
    /// The request's idempotency gate, when it is a keyed write.
    gate: Option<Gate>,
}

impl Core {
    /// Calls that carry no token yet (`Authenticate`).
    pub(crate) fn anonymous(upstream: &Upstream, rid: &RequestId) -> Self {
        Self {
            channel: upstream.channel(),
            attach: Attach {
                request_id: MetadataValue::try_from(rid.as_str()).ok(),
                client: MetadataValue::try_from(
                    rid.client()
                        .map_or_else(|| "unknown".to_owned(), |a| a.to_string()),
                )
                .ok(),
                deadline: rid.deadline(),
                ..Attach::default()
            },
            gate: rid.gate().cloned(),
        }
    }

    /// Calls made with `token` (a core JWT).
    pub(crate) fn with_token(&self, token: &str) -> Self {
        let mut next = self.clone();
        next.attach.authorization = MetadataValue::try_from(format!("Bearer {token}")).ok();
        next
    }

    /// Calls acting in one of the caller's roles only (CloudAPI's `as-role`).
    pub(crate) fn acting_as(mut self, role: Option<&str>) -> Self {
        self.attach.as_role = role.and_then(|r| MetadataValue::try_from(r).ok());
        self
    }

    /// This core with at least `least` left of the request's deadline (none stays none): for
    /// the calls that settle what the request did once its own time may be spent, such as
    /// freeing the idempotency key of a request that ran out of time, so that its retry runs
    /// instead of being told the request still runs until the key's lease ends.
    pub(crate) fn with_at_least(&self, least: Duration) -> Self {
        let mut next = self.clone();
        if let Some(d) = next.attach.deadline.as_mut() {
            *d = (*d).max(Instant::now() + least);
        }
        next
    }

    /// Once the caller is authenticated, and before the first call that may change anything:
    /// hands this core to the request's idempotency layer and waits for its word (at once
    /// when the request carries no `Idempotency-Key`). `Halted`: the layer answers the
    /// request itself, so the route stops with any error.
    pub(crate) async fn admit(&self) -> Result<(), Halted> {
        match &self.gate {
            Some(gate) => gate.admit(self).await,
            None => Ok(()),
        }
    }

    fn channel(&self) -> Channel {
        InterceptedService::new(self.channel.clone(), self.attach.clone())
    }

    pub(crate) fn users(&self) -> UserServiceClient<Channel> {
        UserServiceClient::new(self.channel())
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES)
    }

    pub(crate) fn groups(&self) -> GroupServiceClient<Channel> {
        GroupServiceClient::new(self.channel())
    }

    pub(crate) fn keys(&self) -> KeyServiceClient<Channel> {
        KeyServiceClient::new(self.channel())
    }

    pub(crate) fn roles(&self) -> RoleServiceClient<Channel> {
        RoleServiceClient::new(self.channel())
    }

    pub(crate) fn tenants(&self) -> TenantServiceClient<Channel> {
        TenantServiceClient::new(self.channel())
    }

    pub(crate) fn auth(&self) -> AuthServiceClient<Channel> {
        AuthServiceClient::new(self.channel())
    }

    /// Complete carries a whole answer, as large as a 10 000-user batch's.
    pub(crate) fn idempotency(&self) -> IdempotencyServiceClient<Channel> {
        IdempotencyServiceClient::new(self.channel())
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES)
    }

    /// Deletes the user with `id`; with an `etag`, only if it is still the current one.
    pub(crate) async fn delete_user(&self, id: String, etag: String) -> Result<(), tonic::Status> {
        let req = roster_proto::v1::DeleteUserRequest {
            id,
            etag,
            request_id: String::new(),
        };
        self.users().delete_user(req).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_call_carries_the_token_the_request_id_and_the_role() {
        let upstream =
            Upstream::connect_lazy("http://127.0.0.1:9", std::time::Duration::from_secs(1))
                .unwrap();
        let rid = RequestId::new();
        let core = Core::anonymous(&upstream, &rid);
        let mut plain = core.attach.clone();
        let req = plain.call(tonic::Request::new(())).unwrap();
        assert_eq!(req.metadata().get("x-request-id").unwrap(), rid.as_str());
        assert!(req.metadata().get("authorization").is_none());
        assert_eq!(
            req.metadata()
                .get(roster_proto::CLIENT_ADDRESS_METADATA)
                .unwrap(),
            "unknown"
        );

        let mut signed = core.with_token("t0k").acting_as(Some("ops")).attach;
        let req = signed.call(tonic::Request::new(())).unwrap();
        assert_eq!(req.metadata().get("authorization").unwrap(), "Bearer t0k");
        assert_eq!(
            req.metadata().get(roster_proto::AS_ROLE_METADATA).unwrap(),
            "ops"
        );
        assert!(
            req.metadata()
                .get(roster_proto::CLIENT_ADDRESS_METADATA)
                .is_some()
        );
    }

    #[tokio::test]
    async fn every_call_carries_what_is_left_of_the_request_deadline() {
        let upstream =
            Upstream::connect_lazy("http://127.0.0.1:9", std::time::Duration::from_secs(30))
                .unwrap();
        let budget = std::time::Duration::from_secs(2);
        let mut parts = http::Request::new(()).into_parts().0;
        parts
            .extensions
            .insert(super::super::Deadline(Instant::now() + budget));
        let core = Core::anonymous(&upstream, &RequestId::of(&parts)).with_token("t");
        let req = core.attach.clone().call(tonic::Request::new(())).unwrap();
        let sent = req
            .metadata()
            .get("grpc-timeout")
            .unwrap()
            .to_str()
            .unwrap();
        let micros: u64 = sent.strip_suffix('u').unwrap().parse().unwrap();
        assert!(micros > 1_000_000 && micros <= 2_000_000, "{sent}");

        // Spent: the call is not made, and the dialects read DEADLINE_EXCEEDED.
        parts
            .extensions
            .insert(super::super::Deadline(Instant::now()));
        let core = Core::anonymous(&upstream, &RequestId::of(&parts));
        let refused = core
            .attach
            .clone()
            .call(tonic::Request::new(()))
            .unwrap_err();
        assert_eq!(refused.code(), tonic::Code::DeadlineExceeded);
        // Given time of its own (to settle what the request did), the call is made.
        let settling = core.with_at_least(budget);
        let req = settling
            .attach
            .clone()
            .call(tonic::Request::new(()))
            .unwrap();
        assert!(req.metadata().get("grpc-timeout").is_some());

        // No deadline (outside the middleware): nothing is sent; the channel's timeout holds.
        let mut plain = Core::anonymous(&upstream, &RequestId::new()).attach;
        let req = plain.call(tonic::Request::new(())).unwrap();
        assert!(req.metadata().get("grpc-timeout").is_none());
    }

    #[tokio::test]
    async fn the_client_address_of_the_request_goes_with_every_call() {
        let upstream =
            Upstream::connect_lazy("http://127.0.0.1:9", std::time::Duration::from_secs(1))
                .unwrap();
        let mut parts = http::Request::new(()).into_parts().0;
        parts.extensions.insert(RequestId::new());
        parts
            .extensions
            .insert(super::super::ClientAddress(Some([10, 1, 2, 3].into())));
        let core = Core::anonymous(&upstream, &RequestId::of(&parts)).with_token("t");
        let req = core.attach.clone().call(tonic::Request::new(())).unwrap();
        assert_eq!(
            req.metadata()
                .get(roster_proto::CLIENT_ADDRESS_METADATA)
                .unwrap(),
            "10.1.2.3"
        );
    }
}
