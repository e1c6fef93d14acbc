//! A bounded map whose entries expire: the one mechanism behind the gateway's caches
//! (credential → token, CloudAPI keyId → verified key).
//!
//! When full, an insert first drops what has expired, then, if every entry is still live,
//! the one closest to expiry: the cache never grows past its capacity and never throws away
//! more than it must.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub(crate) struct ExpiringMap<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
    capacity: usize,
}

impl<K: Eq + Hash, V: Clone> ExpiringMap<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, (Instant, V)>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The value for `key` if it is still good `margin` from now.
    pub(crate) fn get(&self, key: &K, margin: Duration) -> Option<V> {
        self.lock()
            .get(key)
            .filter(|(until, _)| *until > Instant::now() + margin)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `value` for `key` until `until`, replacing what was there.
    pub(crate) fn insert(&self, key: K, value: V, until: Instant) {
        let mut entries = self.lock();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            let now = Instant::now();
            entries.retain(|_, (u, _)| *u > now);
        }
        if entries.len() >= self.capacity
            && !entries.contains_key(&key)
            && let Some(soonest) = entries
                .iter()
                .min_by_key(|(_, (u, _))| *u)
                .map(|(_, (u, _))| *u)
        {
            entries.retain(|_, (u, _)| *u != soonest);
        }
        entries.insert(key, (until, value));
    }

    pub(crate) fn remove(&self, key: &K) {
        self.lock().remove(key);
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_the_margin_counts_as_expired() {
        let m = ExpiringMap::new(4);
        let now = Instant::now();
        m.insert("a", 1, now + Duration::from_mins(1));
        m.insert("b", 2, now);
        assert_eq!(m.get(&"a", Duration::ZERO), Some(1));
        assert_eq!(m.get(&"a", Duration::from_mins(2)), None);
        assert_eq!(m.get(&"b", Duration::ZERO), None);
        m.remove(&"a");
        assert_eq!(m.get(&"a", Duration::ZERO), None);
    }

    #[test]
    fn a_full_map_drops_the_expired_then_the_soonest_to_expire() {
        let m = ExpiringMap::new(2);
        let now = Instant::now();
        m.insert(1, "gone", now);
        m.insert(2, "late", now + Duration::from_mins(10));
        m.insert(3, "new", now + Duration::from_mins(5));
        assert_eq!(m.len(), 2, "the expired entry made room");
        assert_eq!(m.get(&2, Duration::ZERO), Some("late"));
        m.insert(4, "newest", now + Duration::from_mins(20));
        assert_eq!(m.len(), 2);
        assert_eq!(
            m.get(&3, Duration::ZERO),
            None,
            "the soonest to expire went"
        );
        assert_eq!(m.get(&2, Duration::ZERO), Some("late"));
        // Replacing a key never evicts another.
        m.insert(2, "again", now + Duration::from_mins(1));
        assert_eq!(m.get(&4, Duration::ZERO), Some("newest"));
        m.clear();
        assert!(m.is_empty());
    }
}
