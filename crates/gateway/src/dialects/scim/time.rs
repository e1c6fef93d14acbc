//! SCIM `dateTime`s (xsd:dateTime, RFC 7643 §2.3.5): written in UTC with `Z`, read with any
//! offset.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A core timestamp as SCIM writes it (`2026-12-04T21:30:00.123456Z`: the core's precision).
pub(crate) fn rfc3339(t: &prost_types::Timestamp) -> String {
    let nanos = i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanos);
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|d| d.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// A SCIM dateTime as a core timestamp; `None` when it does not parse.
pub(crate) fn parse(s: &str) -> Option<prost_types::Timestamp> {
    let d = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    Some(prost_types::Timestamp {
        seconds: d.unix_timestamp(),
        nanos: i32::try_from(d.nanosecond()).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_in_utc() {
        let t = parse("2026-12-04T22:30:00.5+01:00").unwrap();
        assert_eq!(rfc3339(&t), "2026-12-04T21:30:00.5Z");
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("2026-12-04"), None);
    }
}
