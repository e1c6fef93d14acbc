//! Forms On Fire (Appenate platform) Users API v2, mounted at `/api/v2`: users read,
//! created, updated, deleted and searched in JSON or ServiceStack DataContract XML,
//! authenticated by `CompanyId` + `IntegrationKey`. Reference:
//! ../shared/reference/dialects.md §C and ../shared/seeds/004.
//!
//! Every path under `/api/v2` belongs to this dialect: one that does not exist, or a verb an
//! endpoint does not have, is the vendor's 405 with a `ResponseStatus`, never another
//! dialect's answer.

mod auth;
mod body;
mod call;
mod delete;
mod error;
mod format;
mod get;
mod limits;
mod query;
mod reply;
mod response_status;
mod search;
mod tree;
mod user_input;
mod user_json;
mod user_view;
mod user_write;
mod user_xml;
mod vocab;
mod write;
mod xml_read;
mod xml_write;

#[cfg(test)]
mod fixtures;

pub use limits::FormsOnFireLimits;

use crate::AppState;
use axum::Router;
use axum::extract::{OriginalUri, Request, State};
use axum::response::Response;
use axum::routing::get as route_get;
use call::run;
use error::FofError;
use reply::Root;

/// The dialect's state: the gateway's, plus the body limits.
#[derive(Debug, Clone)]
pub(crate) struct FormsOnFire {
    pub(crate) state: AppState,
    pub(crate) limits: FormsOnFireLimits,
}

async fn get_user(State(api): State<FormsOnFire>, req: Request) -> Response {
    run(api, req, Root::User, get::get).await
}

async fn post_user(State(api): State<FormsOnFire>, req: Request) -> Response {
    run(api, req, Root::User, write::create).await
}

async fn put_user(State(api): State<FormsOnFire>, req: Request) -> Response {
    run(api, req, Root::User, write::replace).await
}

async fn delete_user(State(api): State<FormsOnFire>, req: Request) -> Response {
    run(api, req, Root::User, delete::delete).await
}

async fn search_users(State(api): State<FormsOnFire>, req: Request) -> Response {
    run(api, req, Root::Search, search::search).await
}

/// 405 for a path or verb the API does not have, in the format the caller asked for.
async fn no_endpoint(State(api): State<FormsOnFire>, req: Request) -> Response {
    // Inside the nest the path has lost its `/api/v2`; the caller knows it by the full one.
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().path().to_owned(), |u| u.path().to_owned());
    let e = FofError::no_endpoint(req.method().as_str(), &path);
    run(api, req, Root::Error, |_| async move { Err(e) }).await
}

pub(crate) fn router(state: AppState) -> Router {
    let api = FormsOnFire {
        limits: state.formsonfire,
        state,
    };
    let v2 = Router::new()
        .route(
            "/user",
            route_get(get_user)
                .post(post_user)
                .put(put_user)
                .delete(delete_user),
        )
        .route("/user/search", route_get(search_users))
        .method_not_allowed_fallback(no_endpoint)
        .fallback(no_endpoint)
        .with_state(api);
    Router::new().nest("/api/v2", v2)
}
