//! The balanced channel and the task that keeps its endpoints up to date: it resolves the
//! names again every interval, follows each replica's health ([`super::watch`]) and tells
//! the balancer (tonic's `balance_channel`, tower's power-of-two-choices) what joins and what
//! leaves. The task ends when the channel is dropped.

use super::Tally;
use super::members::{Health, Member, Members};
use super::targets::{Resolver, Target, all_literal};
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tonic::transport::channel::Change;
use tonic::transport::{Channel, Endpoint};

/// Room for pending changes to the balancer: every target fits at the start.
const CHANGES: usize = 1024;

/// What the task hears of.
#[derive(Debug)]
pub(super) enum Event {
    /// A resolution: every replica, with the target it was found under.
    Resolved(BTreeMap<SocketAddr, usize>),
    Health(SocketAddr, Health),
}

/// A channel over every replica of `targets`, and what their health watches say. `every`:
/// how often the names are resolved again.
pub(super) fn start(
    targets: Vec<Target>,
    timeout: Duration,
    every: Duration,
) -> (Channel, Arc<Tally>) {
    let (channel, balancer) = Channel::balance_channel(CHANGES.max(targets.len()));
    let (events_tx, events) = mpsc::channel(64);
    let mut discovery = Discovery {
        members: Members::new(targets.len()),
        targets,
        timeout,
        balancer,
        tally: Arc::new(Tally::default()),
        watchers: BTreeMap::new(),
        events: events_tx,
    };
    let tally = Arc::clone(&discovery.tally);
    let literals = all_literal(&discovery.targets).then(|| {
        let found = discovery.literals();
        discovery.members.resolved(&found).0
    });
    // The first endpoints go in now, so that the first calls need not wait for the task:
    // the connections themselves are made on first use.
    for m in discovery.members.sync().insert {
        let endpoint = discovery.endpoint_of(m);
        // The channel has room for every target.
        let _ = discovery.balancer.try_send(Change::Insert(m, endpoint));
    }
    discovery
        .tally
        .set(discovery.members.serving(), discovery.members.up());
    tokio::spawn(discovery.run(events, every, literals));
    (channel, tally)
}

/// A spawned task, aborted when dropped.
#[derive(Debug)]
struct Task(JoinHandle<()>);

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[derive(Debug)]
struct Discovery {
    targets: Vec<Target>,
    timeout: Duration,
    members: Members,
    balancer: mpsc::Sender<Change<Member, Endpoint>>,
    tally: Arc<Tally>,
    /// One health watch per replica.
    watchers: BTreeMap<SocketAddr, Task>,
    events: mpsc::Sender<Event>,
}

impl Discovery {
    /// `literals`: the replicas, when every target is an IP literal (nothing to resolve).
    async fn run(
        mut self,
        mut events: mpsc::Receiver<Event>,
        every: Duration,
        literals: Option<Vec<SocketAddr>>,
    ) {
        let _resolver = if let Some(replicas) = literals {
            self.joined(replicas);
            None
        } else {
            let resolver = Resolver::new(self.targets.clone());
            let events = self.events.clone();
            Some(Task(tokio::spawn(resolve_every(resolver, every, events))))
        };
        loop {
            let event = tokio::select! {
                () = self.balancer.closed() => return,
                event = events.recv() => event,
            };
            match event {
                Some(Event::Resolved(found)) => {
                    let (added, gone) = self.members.resolved(&found);
                    for addr in gone {
                        self.watchers.remove(&addr);
                        tracing::info!(replica = %addr, "User service replica gone.");
                    }
                    self.joined(added);
                }
                Some(Event::Health(addr, health)) => {
                    if self.members.set_health(addr, health) {
                        tracing::info!(replica = %addr, health = ?health, "User service replica health changed.");
                    }
                }
                None => return,
            }
            self.tally.set(self.members.serving(), self.members.up());
            if !self.update_balancer().await {
                return;
            }
        }
    }

    /// Starts watching replicas that just joined.
    fn joined(&mut self, added: Vec<SocketAddr>) {
        for addr in added {
            tracing::info!(replica = %addr, "User service replica found.");
            let endpoint = self.endpoint_of(Member::Replica(addr));
            let watch = super::watch::watch(endpoint, addr, self.events.clone());
            self.watchers.insert(addr, Task(tokio::spawn(watch)));
        }
    }

    /// Sends the balancer what changed, newcomers first so that it is never left empty;
    /// false once the balancer is gone.
    async fn update_balancer(&mut self) -> bool {
        let diff = self.members.sync();
        for m in diff.insert {
            let endpoint = self.endpoint_of(m);
            if self
                .balancer
                .send(Change::Insert(m, endpoint))
                .await
                .is_err()
            {
                return false;
            }
        }
        for m in diff.remove {
            if self.balancer.send(Change::Remove(m)).await.is_err() {
                return false;
            }
        }
        true
    }

    /// The replicas of targets that are all IP literals.
    fn literals(&self) -> BTreeMap<SocketAddr, usize> {
        let mut found = BTreeMap::new();
        for (i, t) in self.targets.iter().enumerate() {
            if let Some(addr) = t.literal() {
                found.entry(addr).or_insert(i);
            }
        }
        found
    }

    /// How `m` is dialled: a replica by its address, under the name it was found by.
    fn endpoint_of(&self, m: Member) -> Endpoint {
        let (uri, origin) = match m {
            Member::AsGiven(i) => (self.targets.get(i).map(|t| t.uri.clone()), None),
            Member::Replica(addr) => {
                let target = self
                    .members
                    .target_of(addr)
                    .and_then(|i| self.targets.get(i));
                (
                    target.map(|t| t.replica_uri(addr)),
                    target.map(|t| t.uri.clone()),
                )
            }
        };
        // Members only ever name targets of this list; the first stands in otherwise.
        let uri = uri.unwrap_or_else(|| self.targets[0].uri.clone());
        let endpoint = super::endpoint(uri, self.timeout);
        match origin {
            Some(origin) => endpoint.origin(origin),
            None => endpoint,
        }
    }
}

/// Resolves the names now and every `every`, until nobody listens.
async fn resolve_every(mut resolver: Resolver, every: Duration, events: mpsc::Sender<Event>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut last: Option<BTreeSet<SocketAddr>> = None;
    loop {
        tick.tick().await;
        let found = resolver.resolve().await;
        let addrs: BTreeSet<SocketAddr> = found.keys().copied().collect();
        if last.as_ref() == Some(&addrs) {
            continue;
        }
        last = Some(addrs);
        if events.send(Event::Resolved(found)).await.is_err() {
            return;
        }
    }
}
