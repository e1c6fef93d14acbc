//! SureCloud (`/restful/v1`) over real HTTP: tokens from secret keys and who may issue them,
//! address restrictions, the bulk PATCH, its attributes, header and size rules, groups, and
//! what holds under retries, races and crashes.

mod attributes;
mod cli;
mod consistency;
mod crash;
mod groups;
mod headers;
mod limits;
mod patch;
mod restrictions;
mod secret_key_admin;
mod slow_database;
mod tokens;
mod vendor;
