//! What the OpenAPI description says of Cloud Elements beyond the handlers' own annotations:
//! path, query and header parameters, and the error responses every route may give. The
//! handlers read their query strings leniently (text, checked by hand), so the parameters
//! here are the values they accept; anything else is the documented 400.

// These types exist for their schemas and parameters; nothing reads their fields.
#![allow(dead_code)]

use super::body::RoleRefsShape;
use super::page_token::MAX_PAGE_SIZE;
use std::collections::BTreeMap;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::ObjectBuilder;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder, Type};
use utoipa::{IntoParams, IntoResponses, ToSchema};

/// The header every Cloud Elements answer carries.
pub(crate) const REQUEST_ID: &str = "elements-request-id";

/// The path parameters of every route: each operation is described with those its path has.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct PathParams {
    /// The user's integer id (reads also take the email).
    pub(crate) user: String,
    /// The role key: `org-admin`, `admin` or `org` (`sys-admin` is refused with 403).
    pub(crate) key: String,
}

/// `GET /users` and `GET /organizations/users`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// A CEQL condition, e.g. `email = 'ann@x.io' and active = true`.
    #[param(rename = "where")]
    pub(crate) condition: Option<String>,
    /// The `elements-next-page-token` of the previous page.
    #[param(rename = "nextPage")]
    pub(crate) next_page: Option<String>,
    /// Users per page (default 200).
    #[param(rename = "pageSize", minimum = 1, maximum = 500)]
    pub(crate) page_size: Option<i32>,
    /// Accepted and harmless: deactivated users are always listed (`active` says which).
    #[param(rename = "includeInactive")]
    pub(crate) include_inactive: Option<bool>,
}

const _: () = assert!(MAX_PAGE_SIZE == 500, "keep ListQuery's maximum in step");

/// `GET /users/{user}`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct GetQuery {
    /// Accepted and harmless: a deactivated user is always found (`active` says it).
    #[param(rename = "includeInactive")]
    pub(crate) include_inactive: Option<bool>,
}

/// `GET /users/{user}`: the user's password, to have its `secret` in the answer.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub(crate) struct PasswordHeader {
    /// When it is the user's password, the answer includes the user's `secret`; a wrong one
    /// only leaves it out (and counts towards the password guess limit, 429).
    #[param(rename = "Elements-User-Password")]
    pub(crate) password: Option<String>,
}

/// `POST /users`: a new user of the organization. The `org` role is added to the roles
/// asked for; the answer carries the user's `secret`.
#[derive(Debug, ToSchema)]
#[schema(as = elements::NewUser, rename_all = "camelCase")]
pub(crate) struct NewUser {
    #[schema(pattern = r"\S")]
    first_name: String,
    #[schema(pattern = r"\S")]
    last_name: String,
    #[schema(format = Email)]
    email: String,
    /// 7 to 1024 characters; never echoed. Without one the user signs in by its secret.
    #[schema(min_length = 7, max_length = 1024)]
    password: Option<String>,
    roles: Option<RoleRefsShape>,
    /// One role key (`"key": "admin"`); added to `roles`.
    key: Option<String>,
    active: Option<bool>,
    city: Option<String>,
    country: Option<String>,
    phone: Option<String>,
    postal_code: Option<String>,
    state_province: Option<String>,
    street1: Option<String>,
    /// Must be empty: the whole street goes in `street1`.
    #[schema(pattern = r"^\s*$")]
    street2: Option<String>,
    external_id: Option<String>,
}

/// The errors any Cloud Elements route may answer, each with `{"requestId","message"}`.
#[derive(Debug)]
pub(crate) struct Errors;

impl IntoResponses for Errors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let cases = [
            (
                400,
                "A bad parameter, query, page token or body (also a body over 1 MiB).",
            ),
            (
                401,
                "Wrong or missing secrets, or the user is not an organization administrator.",
            ),
            (
                403,
                "Forbidden: e.g. granting `sys-admin`, or deleting oneself.",
            ),
            (404, "No such user, or the user does not hold the role."),
            (405, "The method is not allowed on this path."),
            (
                409,
                "A conflict: the email is taken, the role is held, or a concurrent write.",
            ),
            (412, "`If-Match` names no current `ETag` of the user."),
            (415, "The request body is not `application/json`."),
            (
                429,
                "Too many wrong passwords for the user; `Retry-After` says when to try again.",
            ),
            (500, "Roster failed."),
            (503, "The user service is unavailable."),
        ];
        cases
            .into_iter()
            .map(|(status, description)| {
                let mut r = ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("elements.Error")))
                            .build(),
                    )
                    .header(REQUEST_ID, request_id_header());
                if status == 429 {
                    r = r.header(
                        "Retry-After",
                        HeaderBuilder::new()
                            .schema(Some(ObjectBuilder::new().schema_type(Type::Integer)))
                            .description(Some("Seconds to wait before trying again."))
                            .build(),
                    );
                }
                (status.to_string(), RefOr::T(r.build()))
            })
            .collect()
    }
}

/// The header every Cloud Elements answer carries, as described.
pub(crate) fn request_id_header() -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .description(Some("The request's id (also `x-request-id`)."))
        .build()
}
