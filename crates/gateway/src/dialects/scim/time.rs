//! SCIM `dateTime`s (xsd:dateTime, RFC 7643 §2.3.5), written in UTC with `Z`. (Filters read
//! them with `filter::parse_date_time`.)

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_utc_with_the_cores_precision() {
        let t = prost_types::Timestamp {
            seconds: 1_796_419_800,
            nanos: 500_000_000,
        };
        assert_eq!(rfc3339(&t), "2026-12-04T21:30:00.5Z");
    }
}
