//! Joyent/Triton CloudAPI: users, keys, roles, policies and the account, mounted at `/`,
//! authenticated by HTTP Signatures over SSH keys, so that the `triton` CLI works unchanged.
//! reference: ../shared/reference/cloudapi.md.

mod account;
mod auth;
mod context;
mod error;
mod keys;
mod model;
mod params;
mod policies;
mod response;
mod roles;
mod users;
mod validate;

use crate::AppState;
use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;

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

pub(crate) fn router(state: AppState) -> Router {
    let api = CloudApi {
        state,
        keys: Arc::new(auth::KeyCache::default()),
    };
    let signed = Router::new()
        .route("/{account}", get(account::get))
        .route("/{account}/users", get(users::list).post(users::create))
        .route(
            "/{account}/users/{user}",
            get(users::get).post(users::update).delete(users::delete),
        )
        .route(
            "/{account}/users/{user}/change_password",
            axum::routing::post(users::change_password),
        )
        .route(
            "/{account}/users/{user}/keys",
            get(keys::list_user).post(keys::create_user),
        )
        .route(
            "/{account}/users/{user}/keys/{key}",
            get(keys::get_user).delete(keys::delete_user),
        )
        .route("/{account}/keys", get(keys::list).post(keys::create))
        .route("/{account}/keys/{key}", get(keys::get).delete(keys::delete))
        .route("/{account}/roles", get(roles::list).post(roles::create))
        .route(
            "/{account}/roles/{role}",
            get(roles::get).post(roles::update).delete(roles::delete),
        )
        .route(
            "/{account}/policies",
            get(policies::list).post(policies::create),
        )
        .route(
            "/{account}/policies/{policy}",
            get(policies::get)
                .post(policies::update)
                .delete(policies::delete),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            api.clone(),
            auth::require_signature,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            api.clone(),
            auth::forget_after_writes,
        ))
        .with_state(api);
    Router::new()
        .route("/--ping", get(account::ping))
        .merge(signed)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(response::full_response))
}
