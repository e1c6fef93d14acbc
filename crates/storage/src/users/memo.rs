//! What a search learnt, kept for the next identical one: the number of users it matched
//! (`TotalRows`, `totalResults`) and where its numbered pages start. A page-number client
//! (Forms On Fire's `PageNo`, SCIM's `startIndex`) asks for the same search again and
//! again, page after page: counting every match each time and walking past every skipped
//! row (`OFFSET`) makes each page cost as much as the whole search. With the memo a repeated
//! count is free and page N+1, or page N again, starts from the remembered row.
//!
//! An entry holds while this process has written nothing since it was made (the store's
//! write count, taken before the read, so a write racing with the read ends it too) and for
//! at most [`TTL`], which bounds what it can miss of other processes' writes (other
//! replicas, the CLI).

use roster_domain::TenantId;
use roster_domain::page::{UserCursor, UserQuery};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Longest an entry is trusted.
const TTL: Duration = Duration::from_secs(2);

/// Most entries of each kind; past it stale entries go, and then all.
const CAPACITY: usize = 4096;

/// How long a searched text that too many users hold to narrow by (see
/// `super::narrowing`) is not asked about again. The verdict is a hint, not an answer: a
/// search that is not narrowed is as right, only slower, so writes do not end it.
const COMMON_TTL: Duration = Duration::from_secs(30);

/// A search: the tenant, the filter and the order (not the page).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Search(String);

impl Search {
    pub(crate) fn of(tenant: TenantId, q: &UserQuery) -> Self {
        Self(format!("{}|{:?}|{:?}", tenant.as_uuid(), q.filter, q.order))
    }
}

#[derive(Debug)]
struct Entry<T> {
    value: T,
    writes: u64,
    at: Instant,
}

#[derive(Debug, Default)]
struct Entries {
    counts: HashMap<Search, Entry<u64>>,
    /// Keyed by the number of rows before the page: the row the page starts after.
    starts: HashMap<(Search, u64), Entry<UserCursor>>,
    /// The searched column and text, and when it was found common.
    commons: HashMap<(&'static str, String), Instant>,
}

#[derive(Debug, Default)]
pub(crate) struct SearchMemo(Mutex<Entries>);

fn valid<T: Clone>(e: Option<&Entry<T>>, writes: u64) -> Option<T> {
    e.filter(|e| e.writes == writes && e.at.elapsed() < TTL)
        .map(|e| e.value.clone())
}

fn insert<K: std::hash::Hash + Eq, T>(
    map: &mut HashMap<K, Entry<T>>,
    key: K,
    value: T,
    writes: u64,
) {
    if map.len() >= CAPACITY {
        map.retain(|_, e| e.at.elapsed() < TTL);
        if map.len() >= CAPACITY {
            map.clear();
        }
    }
    map.insert(
        key,
        Entry {
            value,
            writes,
            at: Instant::now(),
        },
    );
}

impl SearchMemo {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The number of users `search` matched, if known as of `writes`.
    pub(crate) fn count(&self, search: &Search, writes: u64) -> Option<u64> {
        valid(self.entries().counts.get(search), writes)
    }

    pub(crate) fn remember_count(&self, search: Search, count: u64, writes: u64) {
        insert(&mut self.entries().counts, search, count, writes);
    }

    /// The row after which the page that skips `skip` rows of `search` starts.
    pub(crate) fn start(&self, search: &Search, skip: u64, writes: u64) -> Option<UserCursor> {
        valid(self.entries().starts.get(&(search.clone(), skip)), writes)
    }

    pub(crate) fn remember_start(&self, search: Search, skip: u64, after: UserCursor, writes: u64) {
        insert(&mut self.entries().starts, (search, skip), after, writes);
    }

    /// Whether `text` in `column` was lately found in too many users to narrow by.
    pub(crate) fn is_common(&self, column: &'static str, text: &str) -> bool {
        self.entries()
            .commons
            .get(&(column, text.to_owned()))
            .is_some_and(|at| at.elapsed() < COMMON_TTL)
    }

    pub(crate) fn remember_common(&self, column: &'static str, text: String) {
        let commons = &mut self.entries().commons;
        if commons.len() >= CAPACITY {
            commons.retain(|_, at| at.elapsed() < COMMON_TTL);
            if commons.len() >= CAPACITY {
                commons.clear();
            }
        }
        commons.insert((column, text), Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_domain::page::SortKey;

    #[test]
    fn an_entry_holds_until_this_process_writes() {
        let memo = SearchMemo::default();
        let s = Search("t|None|order".into());
        memo.remember_count(s.clone(), 42, 7);
        assert_eq!(memo.count(&s, 7), Some(42));
        assert_eq!(memo.count(&s, 8), None, "a write since");
        assert_eq!(memo.count(&Search("other".into()), 7), None);
        let at = UserCursor {
            key: SortKey::None,
            number: 250,
        };
        memo.remember_start(s.clone(), 250, at.clone(), 7);
        assert_eq!(memo.start(&s, 250, 7), Some(at));
        assert_eq!(memo.start(&s, 500, 7), None);
        assert_eq!(memo.start(&s, 250, 9), None);
    }

    #[test]
    fn a_common_text_stays_common_whatever_is_written() {
        let memo = SearchMemo::default();
        assert!(!memo.is_common("email_key", "acme"));
        memo.remember_common("email_key", "acme".to_owned());
        assert!(memo.is_common("email_key", "acme"));
        assert!(!memo.is_common("login_key", "acme"), "another column");
    }
}
