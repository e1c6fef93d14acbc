//! Joyent/Triton CloudAPI: users, keys, roles, policies and the account, mounted at `/`,
//! authenticated by HTTP Signatures over SSH keys, so that the `triton` CLI works unchanged.
//! Reference: docs/dialects/cloudapi.md.

#[macro_use]
mod operations;

mod account;
mod auth;
mod context;
mod doc;
mod error;
mod keys;
mod model;
mod named;
mod params;
mod policies;
mod response;
mod roles;
mod users;
mod validate;

use crate::session::idempotency::{Asked, KeyRefusal};
use crate::{AppState, GatewayConfig};
use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use utoipa::IntoParams as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) use error::ApiError;

/// The dialect's state: the gateway's, plus the verified-key cache.
#[derive(Debug, Clone)]
pub(crate) struct CloudApi {
    pub(crate) state: AppState,
    keys: Arc<auth::KeyCache>,
}

async fn method_not_allowed(req: Request) -> Response {
    ApiError::method_not_allowed(req.method().as_str()).into_response()
}

/// CloudAPI's answer to a path it does not serve.
pub(crate) fn not_found(path: &str) -> Response {
    ApiError::not_found(format!("{path} does not exist")).into_response()
}

/// A keyed write the gateway answers before it runs (see [`crate::session::idempotency`]),
/// with the headers restify adds to every answer.
pub(crate) fn refuse_key(asked: &Asked<'_>, why: KeyRefusal) -> Response {
    let e = match why {
        KeyRefusal::Core(e) => ApiError::from_core(e),
        KeyRefusal::Malformed => ApiError::invalid_header(why.message()),
        KeyRefusal::Body(_) => ApiError::new(why.status(), "PayloadTooLarge", why.message()),
        KeyRefusal::InUse => ApiError::new(why.status(), "Conflict", why.message()),
        KeyRefusal::Reused => ApiError::new(why.status(), "UnprocessableEntity", why.message()),
    };
    let mut res = e.into_response();
    response::restify_headers(res.headers_mut(), asked.rid, std::time::Instant::now());
    res
}

/// Every CloudAPI route, each registered with its OpenAPI operation (`routes!` takes the
/// method and path from the handler's annotation).
pub(crate) fn router(state: AppState, _: &GatewayConfig) -> OpenApiRouter {
    let api = CloudApi {
        state,
        keys: Arc::new(auth::KeyCache::default()),
    };
    let signed = OpenApiRouter::new()
        .routes(routes!(account::get))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get, users::update, users::delete))
        .routes(routes!(users::change_password))
        .routes(routes!(keys::list_user, keys::create_user))
        .routes(routes!(keys::get_user, keys::delete_user))
        .routes(routes!(keys::list, keys::create))
        .routes(routes!(keys::get, keys::delete))
        .routes(routes!(roles::list, roles::create))
        .routes(routes!(roles::get, roles::update, roles::delete))
        .routes(routes!(policies::list, policies::create))
        .routes(routes!(policies::get, policies::update, policies::delete))
        .route_layer(axum::middleware::from_fn_with_state(
            api.clone(),
            auth::require_signature,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            api.clone(),
            auth::forget_after_writes,
        ))
        .with_state(api);
    let pinged = OpenApiRouter::new()
        .routes(routes!(account::ping))
        .merge(signed);
    // `method_not_allowed_fallback` is axum's; it applies to the routes above.
    let (routes, api) = pinged.split_for_parts();
    let mut api = crate::openapi::with_schema::<error::ErrorBody<'static>>(api);
    crate::openapi::describe_dialect(
        &mut api,
        &crate::openapi::Common {
            tag: "CloudAPI",
            security: &[crate::openapi::schemes::CLOUDAPI],
            open: &["/--ping"],
            path: doc::PathParams::into_params(|| None),
            trailing: doc::AsRole::into_params(|| None),
            errors: <doc::Errors as utoipa::IntoResponses>::responses(),
            header: None,
        },
    );
    let routes: Router = routes
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(response::full_response));
    OpenApiRouter::with_openapi(api).merge(routes.into())
}
