//! Cloud Elements platform users (`/users`, `/organizations/users`) mounted at
//! `/elements/api-v2`: CEQL queries, opaque page tokens, secrets and role keys, with the
//! vendor's `{"requestId","message"}` errors. Reference: docs/dialects/elements.md.

mod auth;
mod body;
pub(crate) mod ceql;
mod doc;
mod error;
mod list;
mod model;
mod page_token;
mod roles;
mod users;

use crate::session::idempotency::{Asked, KeyRefusal};
use crate::{AppState, GatewayConfig, RequestId};
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use error::{ElementsError, ErrorMessage};
use http::{HeaderValue, StatusCode};
use utoipa::IntoParams as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Where the dialect is mounted.
pub(crate) const BASE: &str = "/elements/api-v2";

/// The dialect's state.
#[derive(Debug, Clone)]
pub(crate) struct Elements {
    pub(crate) state: AppState,
}

async fn not_found(req: Request) -> Response {
    ElementsError::not_found(format!("No resource at {}", req.uri().path())).into_response()
}

async fn method_not_allowed(req: Request) -> Response {
    ElementsError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} is not allowed here", req.method()),
    )
    .into_response()
}

/// Middleware: every answer carries `elements-request-id`, and error bodies their
/// `requestId`.
async fn finish(req: Request, next: Next) -> Response {
    let id = RequestId::of_request(&req);
    identified(next.run(req).await, &id)
}

/// The request id on an answer: in `elements-request-id`, and in an error body's `requestId`.
fn identified(mut res: Response, id: &RequestId) -> Response {
    if let Some(ErrorMessage(message)) = res.extensions_mut().remove::<ErrorMessage>() {
        let bytes = error::body_with_id(&message, id);
        let (mut parts, _) = res.into_parts();
        parts.headers.remove(http::header::CONTENT_LENGTH);
        res = Response::from_parts(parts, Body::from(bytes));
    }
    if let Ok(v) = HeaderValue::from_str(id.as_str()) {
        res.headers_mut().insert("elements-request-id", v);
    }
    res
}

/// A keyed write the gateway answers before it runs (see [`crate::session::idempotency`]),
/// outside the dialect's own middleware: the request id is added here.
pub(crate) fn refuse_key(asked: &Asked<'_>, why: KeyRefusal) -> Response {
    let e = match why.split() {
        Ok((status, message)) => ElementsError::new(status, message),
        Err(e) => ElementsError::from_core(&e, "Not found"),
    };
    identified(e.into_response(), asked.rid)
}

const ORGANIZATION_USERS: &str = "/organizations/users";
const ORGANIZATION_USER: &str = "/organizations/users/{user}";

/// Every Cloud Elements route, each registered with its OpenAPI operation (`routes!` takes
/// the method and path from the handler's annotation); paths and verbs it does not have get
/// the vendor's 404 and 405.
pub(crate) fn router(state: AppState, _: &GatewayConfig) -> OpenApiRouter {
    let api = Elements { state };
    let (routes, mut doc) = OpenApiRouter::new()
        .routes(routes!(list::list, users::create))
        .routes(routes!(users::get, users::update, users::delete))
        .routes(routes!(roles::list))
        .routes(routes!(roles::grant, roles::revoke))
        .split_for_parts();
    // The vendor documents the user routes under `/organizations/users` too: the same
    // handlers serve both paths, and the description repeats their operations there.
    let routes = routes
        .route(ORGANIZATION_USERS, get(list::list).post(users::create))
        .route(
            ORGANIZATION_USER,
            get(users::get).patch(users::update).delete(users::delete),
        )
        .route("/", any(not_found))
        .route("/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .with_state(api);
    let routes = Router::new()
        .nest(BASE, routes)
        .layer(axum::middleware::from_fn(finish));
    for (from, to) in [
        ("/users", ORGANIZATION_USERS),
        ("/users/{user}", ORGANIZATION_USER),
    ] {
        crate::openapi::alias(&mut doc, from, to, |id| {
            id.replacen("User", "OrganizationUser", 1)
        });
    }
    let mut doc = crate::openapi::with_schema::<error::ErrorBody<'static>>(
        utoipa::openapi::OpenApi::default().nest(BASE, doc),
    );
    crate::openapi::describe_dialect(
        &mut doc,
        &crate::openapi::Common {
            tag: "Cloud Elements",
            security: &[crate::openapi::schemes::ELEMENTS],
            errors: <doc::Errors as utoipa::IntoResponses>::responses(),
            path: doc::PathParams::into_params(|| None),
            header: Some((doc::REQUEST_ID, doc::request_id_header())),
            ..crate::openapi::Common::default()
        },
    );
    OpenApiRouter::with_openapi(doc).merge(routes.into())
}
