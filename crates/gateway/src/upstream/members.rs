//! Which endpoints the balancer holds. Every resolved replica that is not known to be down;
//! when every one is down, all of them, so that calls fail at once on a refused connection
//! (as with a single address) instead of waiting in the balancer for a replica to come;
//! before any name has resolved, the URLs as given (dialling resolves them).

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;

/// A key of the balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Member {
    Replica(SocketAddr),
    /// The target with this index, dialled as given.
    AsGiven(usize),
}

/// What a replica's health watch last said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Health {
    /// Nothing yet: it is used meanwhile.
    Unknown,
    Serving,
    /// Unreachable, its watch broke off, or NOT_SERVING (draining).
    Down,
}

#[derive(Debug, Clone, Copy)]
struct Replica {
    target: usize,
    health: Health,
}

/// Changes to send the balancer.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Diff {
    pub(super) insert: Vec<Member>,
    pub(super) remove: Vec<Member>,
}

#[derive(Debug)]
pub(super) struct Members {
    targets: usize,
    replicas: BTreeMap<SocketAddr, Replica>,
    /// What the balancer holds, as far as what was sent says.
    held: BTreeSet<Member>,
}

impl Members {
    pub(super) fn new(targets: usize) -> Self {
        Self {
            targets,
            replicas: BTreeMap::new(),
            held: BTreeSet::new(),
        }
    }

    /// The replicas are now `found` (each with the target it was found under). Returns the
    /// new ones and the gone ones. A new one's health is unknown.
    pub(super) fn resolved(
        &mut self,
        found: &BTreeMap<SocketAddr, usize>,
    ) -> (Vec<SocketAddr>, Vec<SocketAddr>) {
        let gone: Vec<SocketAddr> = self
            .replicas
            .keys()
            .filter(|a| !found.contains_key(a))
            .copied()
            .collect();
        for a in &gone {
            self.replicas.remove(a);
        }
        let mut added = Vec::new();
        for (addr, target) in found {
            self.replicas.entry(*addr).or_insert_with(|| {
                added.push(*addr);
                Replica {
                    target: *target,
                    health: Health::Unknown,
                }
            });
        }
        (added, gone)
    }

    /// Records `addr`'s health; whether it changed.
    pub(super) fn set_health(&mut self, addr: SocketAddr, health: Health) -> bool {
        match self.replicas.get_mut(&addr) {
            Some(r) if r.health != health => {
                r.health = health;
                true
            }
            Some(_) | None => false,
        }
    }

    /// The target `addr` was found under.
    pub(super) fn target_of(&self, addr: SocketAddr) -> Option<usize> {
        self.replicas.get(&addr).map(|r| r.target)
    }

    /// How many replicas answered SERVING last.
    pub(super) fn serving(&self) -> usize {
        self.replicas
            .values()
            .filter(|r| r.health == Health::Serving)
            .count()
    }

    /// How many replicas are not known to be down.
    pub(super) fn up(&self) -> usize {
        self.replicas
            .values()
            .filter(|r| r.health != Health::Down)
            .count()
    }

    fn wanted(&self) -> BTreeSet<Member> {
        if self.replicas.is_empty() {
            return (0..self.targets).map(Member::AsGiven).collect();
        }
        let up: BTreeSet<Member> = self
            .replicas
            .iter()
            .filter(|(_, r)| r.health != Health::Down)
            .map(|(a, _)| Member::Replica(*a))
            .collect();
        if up.is_empty() {
            self.replicas.keys().map(|a| Member::Replica(*a)).collect()
        } else {
            up
        }
    }

    /// What the balancer must be told to hold what it should; it is then taken to hold it.
    pub(super) fn sync(&mut self) -> Diff {
        let wanted = self.wanted();
        let diff = Diff {
            insert: wanted.difference(&self.held).copied().collect(),
            remove: self.held.difference(&wanted).copied().collect(),
        };
        self.held = wanted;
        diff
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(last: u8) -> SocketAddr {
        SocketAddr::from(([10, 0, 0, last], 50051))
    }

    fn found(lasts: &[u8]) -> BTreeMap<SocketAddr, usize> {
        lasts.iter().map(|l| (addr(*l), 0)).collect()
    }

    fn replicas(lasts: &[u8]) -> Vec<Member> {
        lasts.iter().map(|l| Member::Replica(addr(*l))).collect()
    }

    #[test]
    fn before_anything_resolves_the_urls_are_used_as_given() {
        let mut m = Members::new(2);
        assert_eq!(
            m.sync(),
            Diff {
                insert: vec![Member::AsGiven(0), Member::AsGiven(1)],
                remove: vec![],
            }
        );
        assert_eq!(m.sync(), Diff::default(), "nothing changed");
        m.resolved(&found(&[1]));
        assert_eq!(
            m.sync(),
            Diff {
                insert: replicas(&[1]),
                remove: vec![Member::AsGiven(0), Member::AsGiven(1)],
            }
        );
    }

    #[test]
    fn new_replicas_join_and_gone_ones_leave() {
        let mut m = Members::new(1);
        assert_eq!(
            m.resolved(&found(&[1, 2])),
            (vec![addr(1), addr(2)], vec![])
        );
        m.sync();
        assert_eq!(m.resolved(&found(&[2, 3])), (vec![addr(3)], vec![addr(1)]));
        assert_eq!(
            m.sync(),
            Diff {
                insert: replicas(&[3]),
                remove: replicas(&[1]),
            }
        );
        assert_eq!(m.target_of(addr(3)), Some(0));
        assert_eq!(m.target_of(addr(1)), None);
    }

    #[test]
    fn a_down_replica_leaves_at_once_and_comes_back_when_it_serves_again() {
        let mut m = Members::new(1);
        m.resolved(&found(&[1, 2]));
        m.sync();
        assert!(m.set_health(addr(1), Health::Serving));
        assert!(m.set_health(addr(2), Health::Serving));
        assert!(!m.set_health(addr(2), Health::Serving), "no change");
        assert!(!m.set_health(addr(9), Health::Down), "not a replica");
        assert_eq!(m.serving(), 2);
        assert!(m.set_health(addr(2), Health::Down));
        assert_eq!(m.up(), 1);
        assert_eq!(
            m.sync(),
            Diff {
                insert: vec![],
                remove: replicas(&[2]),
            }
        );
        assert_eq!(m.serving(), 1);
        m.set_health(addr(2), Health::Serving);
        assert_eq!(
            m.sync(),
            Diff {
                insert: replicas(&[2]),
                remove: vec![],
            }
        );
    }

    #[test]
    fn when_every_replica_is_down_all_are_kept_so_that_calls_fail_fast() {
        let mut m = Members::new(1);
        m.resolved(&found(&[1, 2]));
        m.sync();
        m.set_health(addr(1), Health::Down);
        assert_eq!(m.sync().remove, replicas(&[1]));
        m.set_health(addr(2), Health::Down);
        assert_eq!(
            m.sync(),
            Diff {
                insert: replicas(&[1]),
                remove: vec![],
            }
        );
        assert_eq!(m.serving(), 0);
        // The first to serve again takes every call; the other leaves.
        m.set_health(addr(1), Health::Serving);
        assert_eq!(
            m.sync(),
            Diff {
                insert: vec![],
                remove: replicas(&[2]),
            }
        );
    }
}
