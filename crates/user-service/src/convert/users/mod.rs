//! Users between protobuf and the domain.

mod changes;
mod enums;
mod mask;
mod requests;
mod selectors;
mod to_pb;

pub(crate) use changes::masked_changes;
pub(crate) use enums::{access_level_from_pb, person_type_from_pb, status_from_pb};
pub(crate) use requests::{device_from_pb, key_from_pb, new_user_from_pb};
pub use to_pb::user_to_pb;
