//! SCIM 2.0 (`/scim/v2`) over real HTTP with provisioning tokens: discovery, users, groups,
//! filters, sorting and both paging modes, PATCH as identity providers send it, versions,
//! Bulk, isolation between tenants, and the public conformance suite (scim2-tester).

mod auth;
mod bulk;
mod conformance;
mod discovery;
mod filters;
mod groups;
mod paging;
mod patch;
mod users;
