//! CloudAPI over real HTTP, with requests signed as the triton CLI signs them.

mod headers;
mod keys;
mod preconditions;
mod rbac;
mod roles;
mod signatures;
mod users;
mod vendor;
