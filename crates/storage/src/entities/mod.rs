//! sea-orm entities: one per table, mirroring the migrations. Times are microseconds since
#![allow(unreachable_pub)] // the derive macros generate pub items inside crate-private modules
//! the Unix epoch (BIGINT), so both databases order and compare them alike.

pub(crate) mod address_restriction;
pub(crate) mod device;
pub(crate) mod folder;
pub(crate) mod group;
pub(crate) mod outbox_event;
pub(crate) mod policy;
pub(crate) mod provisioning_token;
pub(crate) mod role;
pub(crate) mod role_member;
pub(crate) mod role_policy;
pub(crate) mod secret_key;
pub(crate) mod ssh_key;
pub(crate) mod tenant;
pub(crate) mod user;
pub(crate) mod user_folder;
pub(crate) mod user_group;
pub(crate) mod webhook;
pub(crate) mod webhook_parked;
