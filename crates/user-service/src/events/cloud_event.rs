//! CloudEvents 1.0 in the structured JSON format: the attributes and the `data` in one JSON
//! object. The same text goes to NATS, to webhooks and into the gRPC `Event.cloud_event`,
//! so a receiver parses one shape whichever way it listens.

use roster_domain::events::Event;
use serde_json::{Map, Value};

/// The media type of a structured CloudEvent in JSON.
pub const CONTENT_TYPE: &str = "application/cloudevents+json";

/// The CloudEvents `source` of a tenant's events.
pub fn source_of(tenant: roster_domain::TenantId) -> String {
    format!("/tenants/{tenant}")
}

/// The event as CloudEvents JSON. `sequence` is the tenant's sequence zero-padded to 20
/// digits: the extension compares sequences as strings.
pub fn cloud_event_json(e: &Event) -> String {
    let mut o = Map::new();
    o.insert("specversion".into(), "1.0".into());
    o.insert("id".into(), e.id.to_string().into());
    o.insert("source".into(), source_of(e.tenant).into());
    o.insert("type".into(), e.kind.as_str().into());
    o.insert("subject".into(), e.subject.clone().into());
    o.insert("time".into(), rfc3339(e.time).into());
    o.insert("datacontenttype".into(), "application/json".into());
    o.insert("sequence".into(), format!("{:020}", e.sequence).into());
    // Stored by us as JSON; a row that somehow is not goes as a string rather than nothing.
    let data = serde_json::from_str(&e.data).unwrap_or_else(|_| Value::String(e.data.clone()));
    o.insert("data".into(), data);
    Value::Object(o).to_string()
}

fn rfc3339(t: roster_domain::Timestamp) -> String {
    let ts = crate::convert::time::to_pb(t);
    let nanos = i128::from(ts.seconds) * 1_000_000_000 + i128::from(ts.nanos);
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_domain::events::EventType;
    use roster_domain::{TenantId, Timestamp};

    #[test]
    fn an_event_is_a_structured_cloud_event_with_its_data_embedded() {
        let tenant = TenantId::generate();
        let e = Event {
            id: uuid::Uuid::now_v7(),
            tenant,
            sequence: 42,
            kind: EventType::UserCreated,
            subject: "u-1".into(),
            time: Timestamp::from_micros(1_796_419_800_000_000),
            data: r#"{"login":"ada"}"#.into(),
        };
        let v: Value = serde_json::from_str(&cloud_event_json(&e)).unwrap();
        assert_eq!(v["specversion"], "1.0");
        assert_eq!(v["id"], e.id.to_string());
        assert_eq!(v["source"], format!("/tenants/{tenant}"));
        assert_eq!(v["type"], "roster.user.created");
        assert_eq!(v["subject"], "u-1");
        assert_eq!(v["time"], "2026-12-04T21:30:00Z");
        assert_eq!(v["sequence"], "00000000000000000042");
        assert_eq!(v["data"]["login"], "ada");
    }
}
