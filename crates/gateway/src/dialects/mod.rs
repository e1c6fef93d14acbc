//! Vendor dialects. Each is a module with its own DTOs, error body and router, mounted at
//! its vendor's base path; every one of them turns requests into roster.v1 calls through
//! [`crate::Upstream`] and never sees the database or domain types.

pub(crate) mod cloudapi;
pub(crate) mod elements;
pub(crate) mod formsonfire;
mod refusal;
pub(crate) mod scim;
pub(crate) mod surecloud;

use crate::session::idempotency::Refuse;
use crate::{AppState, GatewayConfig};
use utoipa_axum::router::OpenApiRouter;

/// One dialect: its name (for logs and metrics), where it is mounted, and its routes with
/// their OpenAPI operations.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dialect {
    pub(crate) name: &'static str,
    /// The path prefix its routes live under (`/` for CloudAPI, which owns the rest).
    pub(crate) prefix: &'static str,
    /// Its routes, from the shared state and the gateway's settings (where its own are).
    pub(crate) router: fn(AppState, &GatewayConfig) -> OpenApiRouter,
    /// How it refuses a keyed write before it runs (see [`crate::session::idempotency`]).
    pub(crate) refuse_key: Refuse,
}

/// The dialects this gateway serves.
pub(crate) const DIALECTS: &[Dialect] = &[
    Dialect {
        name: "cloudapi",
        prefix: "/",
        router: cloudapi::router,
        refuse_key: cloudapi::refuse_key,
    },
    Dialect {
        name: "formsonfire",
        prefix: "/api/v2",
        router: formsonfire::router,
        refuse_key: formsonfire::refuse_key,
    },
    Dialect {
        name: "surecloud",
        prefix: surecloud::BASE,
        router: surecloud::router,
        refuse_key: surecloud::refuse_key,
    },
    Dialect {
        name: "elements",
        prefix: "/elements/api-v2",
        router: elements::router,
        refuse_key: elements::refuse_key,
    },
    Dialect {
        name: "scim",
        prefix: scim::BASE,
        router: scim::router,
        refuse_key: scim::refuse_key,
    },
];

/// The gateway's own paths, served by no dialect.
const GATEWAY_PATHS: &[&str] = &["/healthz", "/readyz", "/openapi.json", "/docs"];

/// Which dialect serves `path`, for span attributes and metric labels: the longest prefix
/// that matches, `gateway` for the gateway's own paths.
pub(crate) fn dialect_of(path: &str) -> &'static str {
    if GATEWAY_PATHS
        .iter()
        .any(|p| path == *p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/')))
    {
        return "gateway";
    }
    DIALECTS
        .iter()
        .filter(|d| {
            let p = d.prefix.trim_end_matches('/');
            path == p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/'))
        })
        .max_by_key(|d| d.prefix.len())
        .map_or("cloudapi", |d| d.name)
}

/// How the dialect that serves `path` refuses a keyed write; `None` on the gateway's own
/// paths.
pub(crate) fn refusal_of(path: &str) -> Option<Refuse> {
    let name = dialect_of(path);
    DIALECTS
        .iter()
        .find(|d| d.name == name)
        .map(|d| d.refuse_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_belong_to_the_dialect_of_their_prefix() {
        assert_eq!(dialect_of("/acme/users"), "cloudapi");
        assert_eq!(dialect_of("/--ping"), "cloudapi");
        // Metrics are not served on the REST port: the path is CloudAPI's, like any other.
        assert_eq!(dialect_of("/metrics"), "cloudapi");
        assert_eq!(dialect_of("/healthz"), "gateway");
        assert_eq!(dialect_of("/docs/index.html"), "gateway");
        assert_eq!(dialect_of("/metricsx"), "cloudapi");
        assert_eq!(dialect_of("/api/v2/user/search"), "formsonfire");
        assert_eq!(dialect_of("/api/v2x"), "cloudapi");
        assert_eq!(dialect_of("/elements/api-v2/users"), "elements");
        assert_eq!(dialect_of("/restful/v1/user"), "surecloud");
        assert_eq!(dialect_of("/restful/v1"), "surecloud");
        assert_eq!(dialect_of("/restful/v2/user"), "cloudapi");
        assert_eq!(dialect_of("/scim/v2/Users"), "scim");
        assert_eq!(dialect_of("/scim/v2x"), "cloudapi");
    }
}
