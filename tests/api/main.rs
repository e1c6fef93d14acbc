//! Black-box tests of Roster over its real interfaces. One test binary; one module per area.
//! Every test starts its own Roster on port 0 with a fresh database; set
//! `ROSTER_TEST_DATABASE_URL` to run the same suite on PostgreSQL.

// Test helpers outside #[test] functions may unwrap: a failure is a test failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::unreadable_literal
)]

// The helpers every area shares.
mod support;

mod auth;
mod balance;
mod batch;
mod builtin_roles;
mod busy;
mod cli;
mod cloudapi;
mod concurrency;
mod configuration;
mod dialects;
mod elements;
mod events;
mod faults;
mod folder_grants;
mod folders;
mod formsonfire;
mod gateway;
mod group_edits;
mod group_members;
mod groups;
mod guesses;
mod idempotency;
mod isolation;
mod listing;
mod matrix;
mod metadata;
mod provisioning_tokens;
mod scim;
mod security;
mod shutdown;
mod split;
mod statistics;
mod substring_search;
mod surecloud;
mod telemetry;
mod tenants;
mod tokens;
mod triton;
mod user_filters;
mod user_orders;
mod users;
mod validation;
