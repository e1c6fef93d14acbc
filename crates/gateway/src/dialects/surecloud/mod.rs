//! SureCloud's User API mounted at `/restful/v1`: `POST /token` exchanges a user's email and
//! secret key for a JWT, and `PATCH /user` creates and modifies many users at once, with
//! case-sensitive group paths and a `patchErrorMessage` per user. Errors are
//! `{"status","message"}`. Reference (with links to the vendor's pages):
//! docs/dialects/surecloud.md.

mod auth;
mod body;
mod doc;
mod error;
mod item;
mod model;
mod patch;
mod token;

use crate::{AppState, GatewayConfig};
use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
pub(crate) use error::refuse_key;
use error::{ErrorBody, ScError};
use http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Where the dialect is mounted.
pub(crate) const BASE: &str = "/restful/v1";

/// How much one SureCloud request may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SureCloudLimits {
    /// Most users in one PATCH; more is refused whole (413).
    pub max_users: usize,
    /// Largest body; larger is refused whole (413).
    pub max_body_bytes: usize,
}

impl Default for SureCloudLimits {
    fn default() -> Self {
        Self {
            max_users: 10_000,
            max_body_bytes: 16 * 1024 * 1024,
        }
    }
}

/// The dialect's state.
#[derive(Debug, Clone)]
pub(crate) struct SureCloud {
    pub(crate) state: AppState,
    pub(crate) limits: SureCloudLimits,
}

async fn not_found(req: Request) -> Response {
    ScError::new(
        StatusCode::NOT_FOUND,
        format!("No resource at {}", req.uri().path()),
    )
    .into_response()
}

async fn method_not_allowed(req: Request) -> Response {
    ScError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} is not allowed here", req.method()),
    )
    .into_response()
}

pub(crate) fn router(state: AppState, config: &GatewayConfig) -> OpenApiRouter {
    let api = SureCloud {
        limits: config.surecloud,
        state,
    };
    let bulk = OpenApiRouter::new()
        .routes(routes!(patch::patch))
        .route_layer(axum::middleware::from_fn_with_state(
            config.upstream_bulk_timeout,
            crate::session::deadline::bulk,
        ));
    let (routes, doc) = OpenApiRouter::new()
        .routes(routes!(token::create))
        .merge(bulk)
        .with_state(api)
        .split_for_parts();
    // Error bodies appear only through the `IntoResponses` enums, whose schema the routes do
    // not collect.
    let mut doc = crate::openapi::with_schema::<ErrorBody>(doc);
    crate::openapi::describe_dialect(
        &mut doc,
        &crate::openapi::Common {
            tag: "SureCloud",
            security: &[crate::openapi::schemes::SURECLOUD],
            open: &["/restful/v1/token"],
            ..crate::openapi::Common::default()
        },
    );
    let unknown = Router::new()
        .route(BASE, axum::routing::any(not_found))
        .route(&format!("{BASE}/{{*rest}}"), axum::routing::any(not_found));
    let routes: Router = routes
        .method_not_allowed_fallback(method_not_allowed)
        .merge(unknown);
    OpenApiRouter::with_openapi(doc).merge(routes.into())
}
