//! Cloud Elements (`/elements/api-v2`) over real HTTP: auth, users, CEQL, paging, roles.

mod auth;
mod ceql;
mod paging;
mod preconditions;
mod roles;
mod users;
mod vendor;
