//! Vendor dialects. Each is a module with its own DTOs, error body and router, mounted at
//! its vendor's base path; every one of them turns requests into roster.v1 calls through
//! [`crate::Upstream`] and never sees the database or domain types.

pub(crate) mod cloudapi;
pub(crate) mod formsonfire;

use crate::AppState;
use axum::Router;

/// One dialect: its name (for logs and metrics), where it is mounted, and its routes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dialect {
    pub(crate) name: &'static str,
    pub(crate) router: fn(AppState) -> Router,
}

/// The dialects this gateway serves.
pub(crate) const DIALECTS: &[Dialect] = &[
    Dialect {
        name: "cloudapi",
        router: cloudapi::router,
    },
    Dialect {
        name: "formsonfire",
        router: formsonfire::router,
    },
];
