//! SCIM 2.0 (RFC 7643 schema, RFC 7644 protocol, RFC 9865 cursors) at `/scim/v2`: the
//! provisioning standard identity providers (Microsoft Entra ID, Okta, OneLogin, JumpCloud,
//! Google) speak, as a fifth face of the same core. Users are Roster's users, Groups its
//! groups. Reference: docs/dialects/scim.md.

mod auth;
mod bulk;
mod discovery;
mod doc;
mod error;
pub(crate) mod filter;
mod group_map;
mod groups;
mod list;
mod patch;
mod precondition;
mod projection;
mod reply;
pub(crate) mod schema;
mod time;
mod urn;
mod user_map;
mod users;

use crate::{AppState, GatewayConfig};
use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use error::ScimError;
pub(crate) use error::refuse_key;
use http::StatusCode;
use utoipa::IntoParams as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Where the dialect is mounted.
pub(crate) const BASE: &str = "/scim/v2";

/// The media type of every SCIM body (RFC 7644 §3.1).
pub(crate) const SCIM_JSON: &str = "application/scim+json";

/// SCIM's limits: what `/ServiceProviderConfig` advertises is what is enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScimLimits {
    /// Most resources in one page (`count` above it is lowered to it).
    pub max_page_size: u32,
    /// Page size when the request gives no `count`.
    pub default_page_size: u32,
    /// Most operations in one `/Bulk` request.
    pub bulk_max_operations: usize,
    /// Largest `/Bulk` request body, and largest body of any other request.
    pub bulk_max_payload_bytes: usize,
}

impl Default for ScimLimits {
    fn default() -> Self {
        Self {
            max_page_size: 1000,
            default_page_size: 100,
            bulk_max_operations: 1000,
            bulk_max_payload_bytes: 1024 * 1024,
        }
    }
}

/// The dialect's state.
#[derive(Debug, Clone)]
pub(crate) struct Scim {
    pub(crate) state: AppState,
    pub(crate) limits: ScimLimits,
}

async fn not_found(req: Request) -> Response {
    ScimError::not_found(format!("No resource at {}", req.uri().path())).into_response()
}

async fn method_not_allowed(req: Request) -> Response {
    ScimError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} is not allowed here", req.method()),
    )
    .into_response()
}

/// `/Me` names the authenticated subject; a provisioning token is no user.
async fn me() -> Response {
    ScimError::new(
        StatusCode::NOT_IMPLEMENTED,
        "/Me is not supported: a provisioning token names no user",
    )
    .into_response()
}

/// Every SCIM route, each registered with its OpenAPI operation; paths and verbs it does
/// not have get SCIM's 404 and 405.
pub(crate) fn router(state: AppState, config: &GatewayConfig) -> OpenApiRouter {
    let api = Scim {
        state,
        limits: config.scim,
    };
    let (routes, doc) = OpenApiRouter::new()
        .routes(routes!(discovery::service_provider_config))
        .routes(routes!(discovery::resource_types))
        .routes(routes!(discovery::resource_type_one))
        .routes(routes!(discovery::schemas))
        .routes(routes!(discovery::schema_one))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::search))
        .routes(routes!(
            users::get,
            users::replace,
            users::patch,
            users::delete
        ))
        .routes(routes!(groups::list, groups::create))
        .routes(routes!(groups::search))
        .routes(routes!(
            groups::get,
            groups::replace,
            groups::patch,
            groups::delete
        ))
        .routes(routes!(list::root_search))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(bulk::bulk))
                .route_layer(axum::middleware::from_fn_with_state(
                    config.upstream_bulk_timeout,
                    crate::session::deadline::bulk,
                )),
        )
        .split_for_parts();
    let routes = routes
        .route("/Me", any(me))
        .route("/", any(not_found))
        .route("/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .with_state(api);
    let routes = Router::new().nest(BASE, routes);
    let mut doc = crate::openapi::with_schema::<error::ErrorBody<'static>>(
        utoipa::openapi::OpenApi::default().nest(BASE, doc),
    );
    crate::openapi::describe_dialect(
        &mut doc,
        &crate::openapi::Common {
            tag: "SCIM",
            security: &[crate::openapi::schemes::SCIM],
            errors: <doc::Errors as utoipa::IntoResponses>::responses(),
            path: doc::PathParams::into_params(|| None),
            ..crate::openapi::Common::default()
        },
    );
    OpenApiRouter::with_openapi(doc).merge(routes.into())
}
