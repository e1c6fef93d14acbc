//! Change events on the way out: the CloudEvents envelope every consumer gets (gRPC, NATS,
//! webhooks), and the gRPC `EventService`.

mod cloud_event;

pub use cloud_event::{CONTENT_TYPE, cloud_event_json, source_of};
