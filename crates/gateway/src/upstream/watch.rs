//! One replica's health, followed over a connection of its own with the gRPC health `Watch`
//! stream. A replica that dies breaks the stream off at once (its sockets close with it), and
//! one that drains says NOT_SERVING, so either leaves the balancer within milliseconds instead
//! of at the next resolution; the balancer's own connection would only find out on a call,
//! which would then fail.

use super::discovery::Event;
use super::members::Health;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::sync::mpsc;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// The pause before asking a replica that is down again.
const RETRY: Duration = Duration::from_secs(1);

/// Reports `addr`'s health to `events` whenever it changes, until `events` closes.
pub(super) async fn watch(endpoint: Endpoint, addr: SocketAddr, events: mpsc::Sender<Event>) {
    let mut client = HealthClient::new(endpoint.connect_lazy());
    let mut reporter = Reporter {
        addr,
        last: Health::Unknown,
        events,
    };
    loop {
        if !follow(&mut client, &mut reporter).await || !reporter.report(Health::Down).await {
            return;
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// Reports SERVING while the replica says so; returns when the stream breaks off or the
/// replica stops serving (the stream is then dropped, so that a draining replica's graceful
/// shutdown does not wait on it). False when nobody listens to the reports any more.
async fn follow(client: &mut HealthClient<Channel>, reporter: &mut Reporter) -> bool {
    let whole_server = HealthCheckRequest {
        service: String::new(),
    };
    let Ok(answer) = client.watch(whole_server).await else {
        return true;
    };
    let mut stream = answer.into_inner();
    while let Ok(Some(status)) = stream.message().await {
        if status.status != ServingStatus::Serving as i32 {
            return true;
        }
        if !reporter.report(Health::Serving).await {
            return false;
        }
    }
    true
}

#[derive(Debug)]
struct Reporter {
    addr: SocketAddr,
    last: Health,
    events: mpsc::Sender<Event>,
}

impl Reporter {
    /// Sends `health` if it differs from the last report; false when nobody listens.
    async fn report(&mut self, health: Health) -> bool {
        if health == self.last {
            return true;
        }
        self.last = health;
        self.events
            .send(Event::Health(self.addr, health))
            .await
            .is_ok()
    }
}
