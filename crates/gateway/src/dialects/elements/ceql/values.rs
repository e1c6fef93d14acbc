//! Date literals: `YYYY-MM-DD` (a whole UTC day) or an ISO-8601 timestamp (with a zone, or
//! UTC without one), quoted or bare.

use super::CeqlError;
use super::parser::Literal;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// A date literal in microseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Instant {
    /// A day: `[start, end)`.
    Day(i64, i64),
    At(i64),
}

const DAY_MICROS: i64 = 86_400_000_000;

fn micros(t: OffsetDateTime) -> Option<i64> {
    i64::try_from(t.unix_timestamp_nanos() / 1000).ok()
}

fn parse(raw: &str) -> Option<Instant> {
    if let Ok(d) = Date::parse(raw, format_description!("[year]-[month]-[day]")) {
        let start = micros(d.midnight().assume_utc())?;
        return Some(Instant::Day(start, start.checked_add(DAY_MICROS)?));
    }
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return micros(t).map(Instant::At);
    }
    let local = [
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
    ];
    local
        .iter()
        .find_map(|f| PrimitiveDateTime::parse(raw, f).ok())
        .and_then(|t| micros(t.assume_utc()))
        .map(Instant::At)
}

pub(crate) fn date_value(name: &str, v: &Literal, pos: usize) -> Result<Instant, CeqlError> {
    let raw = match v {
        Literal::Str(s) | Literal::Bare(s) => s.as_str(),
        Literal::Bool(_) => "",
    };
    parse(raw.trim()).ok_or_else(|| {
        CeqlError::new(
            format!("'{name}' takes a date: 'YYYY-MM-DD' or an ISO-8601 timestamp"),
            pos,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_instants_parse_with_and_without_zones() {
        assert_eq!(
            parse("1970-01-02"),
            Some(Instant::Day(DAY_MICROS, 2 * DAY_MICROS))
        );
        assert_eq!(parse("1970-01-01T00:00:01Z"), Some(Instant::At(1_000_000)));
        assert_eq!(parse("1970-01-01T01:00:00+01:00"), Some(Instant::At(0)));
        assert_eq!(parse("1970-01-01T00:00:00.5"), Some(Instant::At(500_000)));
        assert_eq!(parse("Jan 15, 2014"), None);
        assert_eq!(parse("2014-13-01"), None);
    }
}
