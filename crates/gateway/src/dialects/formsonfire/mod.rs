//! Forms On Fire (Appenate platform) Users API v2, mounted at `/api/v2`: users read,
//! created, updated, deleted and searched in JSON or ServiceStack DataContract XML,
//! authenticated by `CompanyId` + `IntegrationKey`. Reference (with links to the vendor's
//! pages): docs/dialects/formsonfire.md.
//!
//! Every path under `/api/v2` belongs to this dialect: one that does not exist, or a verb an
//! endpoint does not have, is the vendor's 405 with a `ResponseStatus`, never another
//! dialect's answer.

mod auth;
pub(crate) mod body;
mod call;
mod delete;
mod doc;
pub(crate) mod error;
mod format;
mod get;
mod limits;
mod query;
mod reply;
pub(crate) mod response_status;
mod search;
mod tree;
pub(crate) mod user_input;
mod user_json;
pub(crate) mod user_view;
pub(crate) mod user_write;
mod user_xml;
mod vocab;
mod write;
pub(crate) mod xml_read;
pub(crate) mod xml_write;

#[cfg(test)]
mod fixtures;

pub use limits::FormsOnFireLimits;

use crate::session::idempotency::{Asked, KeyRefusal};
use crate::{AppState, GatewayConfig};
use axum::Router;
use axum::extract::{OriginalUri, Request, State};
use axum::response::Response;
use call::run;
use error::FofError;
use reply::Root;
use utoipa::IntoParams as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The dialect's state: the gateway's, plus the body limits.
#[derive(Debug, Clone)]
pub(crate) struct FormsOnFire {
    pub(crate) state: AppState,
    pub(crate) limits: FormsOnFireLimits,
}

/// Reads a user by Id, Email or ExternalId.
#[utoipa::path(
    get,
    path = "/user",
    operation_id = "formsonfire_GetUser",
    params(doc::GetQuery, doc::RefsQuery),
    responses((status = 200, description = "The user.", content((reply::UserResponseJson<'static> = "application/json"), (reply::UserResponseJson<'static> = "application/xml"))), doc::UserErrors),
)]
async fn get_user(State(api): State<FormsOnFire>, req: Request) -> Response {
    run(api, req, Root::User, get::get).await
}

/// Creates a user (or, with an `Id`, updates it).
#[utoipa::path(
    post,
    path = "/user",
    operation_id = "formsonfire_CreateUser",
    params(doc::RefsQuery),
    request_body(description = "The user, in JSON or XML (XML when no `Content-Type` is given).", content((doc::NewUser = "application/json"), (doc::NewUser = "application/xml"))),
    responses((status = 200, description = "The user's `Id` and `Status`.", content((reply::UserResponseJson<'static> = "application/json"), (reply::UserResponseJson<'static> = "application/xml"))), doc::UserErrors),
)]
async fn post_user(State(api): State<FormsOnFire>, req: Request) -> Response {
    run(api, req, Root::User, write::create).await
}

/// Changes the members the body names on the user its `Id` names.
#[utoipa::path(
    put,
    path = "/user",
    operation_id = "formsonfire_UpdateUser",
    params(doc::RefsQuery),
    request_body(description = "The user, in JSON or XML (XML when no `Content-Type` is given).", content((doc::UserChange = "application/json"), (doc::UserChange = "application/xml"))),
    responses((status = 200, description = "The user as it is now.", content((reply::UserResponseJson<'static> = "application/json"), (reply::UserResponseJson<'static> = "application/xml"))), doc::UserErrors),
)]
async fn put_user(State(api): State<FormsOnFire>, req: Request) -> Response {
    run(api, req, Root::User, write::replace).await
}

/// Deletes a user, with its memberships and devices.
#[utoipa::path(
    delete,
    path = "/user",
    operation_id = "formsonfire_DeleteUser",
    params(doc::DeleteQuery),
    responses((status = 200, description = "Deleted: only the `ResponseStatus`.", content((reply::UserResponseJson<'static> = "application/json"), (reply::UserResponseJson<'static> = "application/xml"))), doc::UserErrors),
)]
async fn delete_user(State(api): State<FormsOnFire>, req: Request) -> Response {
    run(api, req, Root::User, delete::delete).await
}

/// Searches users by name, email or external id, a page at a time.
#[utoipa::path(
    get,
    path = "/user/search",
    operation_id = "formsonfire_SearchUsers",
    params(doc::SearchQuery, doc::RefsQuery),
    responses((status = 200, description = "One page of matches, in creation order, and `TotalRows`.", content((reply::SearchJson<'static> = "application/json"), (reply::SearchJson<'static> = "application/xml"))), doc::SearchErrors),
)]
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

/// A keyed write the gateway answers before it runs (see [`crate::session::idempotency`]), in
/// the format the request asks for.
pub(crate) fn refuse_key(asked: &Asked<'_>, why: KeyRefusal) -> Response {
    let query = query::Query::parse(asked.uri.query()).unwrap_or_default();
    let format = format::negotiate(&query, asked.headers, body::kind(asked.headers).ok())
        .unwrap_or(format::Format::Json);
    reply::failed(format, Root::User, &FofError::keyed(why))
}

/// Every Forms On Fire route, each registered with its OpenAPI operation (`routes!` takes
/// the method and path from the handler's annotation); any other path or verb under
/// `/api/v2` is the vendor's 405.
pub(crate) fn router(state: AppState, config: &GatewayConfig) -> OpenApiRouter {
    let api = FormsOnFire {
        limits: config.formsonfire,
        state,
    };
    let (v2, doc) = OpenApiRouter::new()
        .routes(routes!(get_user, post_user, put_user, delete_user))
        .routes(routes!(search_users))
        .split_for_parts();
    let v2 = v2
        .method_not_allowed_fallback(no_endpoint)
        .fallback(no_endpoint)
        .with_state(api);
    // The 405's `ErrorResponse` appears only through `doc::UserErrors`, and DELETE's body
    // only through `doc::delete_body`, whose schemas the routes do not collect.
    let doc = utoipa::openapi::OpenApi::default().nest("/api/v2", doc);
    let mut doc =
        crate::openapi::with_schema::<doc::DeleteUserRequest>(crate::openapi::with_schema::<
            reply::ErrorJson<'static>,
        >(doc));
    crate::openapi::describe_dialect(
        &mut doc,
        &crate::openapi::Common {
            tag: "Forms On Fire",
            security: &[
                crate::openapi::schemes::FORMSONFIRE_COMPANY,
                crate::openapi::schemes::FORMSONFIRE_KEY,
            ],
            trailing: doc::FormatQuery::into_params(|| None),
            ..crate::openapi::Common::default()
        },
    );
    // utoipa marks a body required unless its type is an `Option`, which would also allow
    // `null`; DELETE's body is optional and never null.
    if let Some(delete) = doc
        .paths
        .paths
        .get_mut("/api/v2/user")
        .and_then(|p| p.delete.as_mut())
    {
        delete.request_body = Some(utoipa::openapi::RefOr::T(doc::delete_body()));
    }
    OpenApiRouter::with_openapi(doc).merge(Router::new().nest("/api/v2", v2).into())
}
