//! The channel the clients use: a call that could not even connect to the replica the
//! balancer gave it is sent again, to whichever replica the balancer picks next. This is the
//! moment after a replica died and before its health watch told the balancer: the balancer's
//! connection to it noticed first, and tonic's lazy endpoints report a failed connect on the
//! call rather than by turning not ready. Such a call never reached a user service, so
//! sending it again is safe, writes included. A call that failed once sent is not repeated,
//! and none is while every replica is down.

use super::{BoxError, Tally};
use crate::telemetry::TracedChannel;
use http_body_util::{BodyExt as _, Full};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tonic::body::Body;
use tower::{Service, ServiceExt as _};

/// Tries of one call, the first included.
const ATTEMPTS: u32 = 4;

/// The pause before the second try, doubled before each next one (5, 10, 20 ms): the
/// balancer picks at random and may give the dead replica again, until its health watch has
/// had the moment it needs to take it out.
const PAUSE: Duration = Duration::from_millis(5);

#[derive(Debug, Clone)]
pub(crate) struct Failover {
    inner: TracedChannel,
    /// What the health watches say; `None` with one address, where there is no other replica
    /// to try.
    tally: Option<Arc<Tally>>,
}

impl Failover {
    pub(super) fn new(inner: TracedChannel, tally: Option<Arc<Tally>>) -> Self {
        Self { inner, tally }
    }
}

type Fut = Pin<Box<dyn Future<Output = Result<http::Response<Body>, BoxError>> + Send>>;

impl Service<http::Request<Body>> for Failover {
    type Response = http::Response<Body>;
    type Error = BoxError;
    type Future = Fut;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        // The channel is a buffer: the instance that was polled ready must take the call.
        let clone = self.inner.clone();
        let mut ready = std::mem::replace(&mut self.inner, clone);
        let Some(tally) = self.tally.clone() else {
            return ready.call(req);
        };
        let mut next = self.inner.clone();
        Box::pin(async move {
            // Kept to be sent again: a unary call's body is one encoded message.
            let (parts, body) = req.into_parts();
            let body = body.collect().await?.to_bytes();
            let head = head_of(&parts);
            let replay = || Body::new(Full::new(body.clone()));
            let mut res = ready.call(http::Request::from_parts(parts, replay())).await;
            for attempt in 1..ATTEMPTS {
                match &res {
                    // When every replica is down, each try would fail the same way.
                    Err(e) if never_connected(e) && tally.up() > 0 => {}
                    Ok(_) | Err(_) => break,
                }
                tracing::debug!("A replica refused the connection; trying another.");
                tokio::time::sleep(PAUSE * 2u32.pow(attempt - 1)).await;
                let again = http::Request::from_parts(head_of(&head), replay());
                res = next.ready().await?.call(again).await;
            }
            res
        })
    }
}

/// A request's head without its extensions, which only this process reads.
fn head_of(parts: &http::request::Parts) -> http::request::Parts {
    let (mut head, ()) = http::Request::new(()).into_parts();
    head.method = parts.method.clone();
    head.uri = parts.uri.clone();
    head.version = parts.version;
    head.headers = parts.headers.clone();
    head
}

/// Whether the call failed because no connection could be made (so nothing was sent).
fn never_connected(e: &BoxError) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e.as_ref());
    while let Some(err) = source {
        if err.is::<tonic::ConnectError>() {
            return true;
        }
        source = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::Upstream;
    use std::time::Duration;
    use tonic::transport::Server;
    use tonic::transport::server::TcpIncoming;
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_client::HealthClient;

    #[tokio::test]
    async fn calls_that_cannot_connect_go_to_a_replica_that_answers() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let alive = listener.local_addr().unwrap();
        let (_reporter, health) = tonic_health::server::health_reporter();
        tokio::spawn(
            Server::builder()
                .add_service(health)
                .serve_with_incoming(TcpIncoming::from(listener)),
        );
        // Bound and released: nothing listens there, connections are refused.
        let dead = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let urls = format!("http://{dead},http://{alive}");
        let upstream = Upstream::connect_lazy(&urls, Duration::from_secs(5)).unwrap();
        // The first calls come before the dead replica's health watch has told the balancer:
        // half of them are given the dead one, and must be sent on.
        let mut client = HealthClient::new(upstream.channel());
        for i in 0..100 {
            let res = client.check(HealthCheckRequest::default()).await;
            assert!(res.is_ok(), "call {i}: {res:?}");
        }
        assert!(upstream.ready(Duration::from_secs(1)).await);
    }
}
