//! SureCloud (`/restful/v1`) over real HTTP: tokens from secret keys, the bulk PATCH, its
//! header and size rules, groups, address restrictions, and what holds under retries, races and crashes.

mod cli;
mod consistency;
mod crash;
mod groups;
mod headers;
mod limits;
mod patch;
mod restrictions;
mod tokens;
mod vendor;
