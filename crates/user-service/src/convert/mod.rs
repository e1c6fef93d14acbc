//! Protobuf <-> domain. Inbound messages are parsed into validated domain values, reporting
//! every bad field at once; outbound conversion cannot fail.

pub(crate) mod filter;
pub(crate) mod folders;
pub(crate) mod groups;
pub(crate) mod rbac;
mod refs;
pub(crate) mod tenants;
pub(crate) mod time;
pub mod users;
