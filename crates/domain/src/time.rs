//! Time as the domain sees it: microseconds since the Unix epoch, from an injected clock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An instant, in microseconds since 1970-01-01T00:00:00Z. Stored as a 64-bit integer so that
/// SQLite and PostgreSQL order and compare it the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_micros(micros: i64) -> Self {
        Self(micros)
    }

    pub const fn as_micros(self) -> i64 {
        self.0
    }

    /// Seconds and nanoseconds, as protobuf's Timestamp has them.
    pub fn from_parts(seconds: i64, nanos: i32) -> Option<Self> {
        seconds
            .checked_mul(1_000_000)
            .and_then(|s| s.checked_add(i64::from(nanos) / 1000))
            .map(Self)
    }

    pub fn seconds(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }

    pub fn subsec_nanos(self) -> i32 {
        // rem_euclid of 1e6 is < 1e6, so the product fits an i32.
        i32::try_from(self.0.rem_euclid(1_000_000) * 1000).unwrap_or(0)
    }

    #[must_use]
    pub fn plus(self, d: Duration) -> Self {
        let micros = i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
        Self(self.0.saturating_add(micros))
    }

    #[must_use]
    pub fn minus(self, d: Duration) -> Self {
        let micros = i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
        Self(self.0.saturating_sub(micros))
    }
}

/// Where "now" comes from, so tests and use cases agree on it.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    fn now(&self) -> Timestamp;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(i64::try_from(since.as_micros()).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_round_trip_including_before_the_epoch() {
        for micros in [
            0,
            1,
            999_999,
            1_000_000,
            -1,
            -1_500_000,
            1_764_000_000_123_456,
        ] {
            let t = Timestamp::from_micros(micros);
            assert_eq!(
                Timestamp::from_parts(t.seconds(), t.subsec_nanos()),
                Some(t),
                "{micros}"
            );
        }
    }
}
