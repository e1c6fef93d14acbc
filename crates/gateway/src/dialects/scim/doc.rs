//! What the OpenAPI description says of SCIM beyond the handlers' own annotations: the
//! parameters queries and reads take, the version headers, the resources as loose objects
//! (SCIM's own `/Schemas` is the exact description of their attributes), and the errors every
//! route may answer.

// These types exist for their schemas and parameters; nothing reads their fields.
#![allow(dead_code)]

use super::SCIM_JSON;
use std::collections::BTreeMap;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::ObjectBuilder;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder, Type};
use utoipa::{IntoParams, IntoResponses, ToSchema};

/// The path parameter of every resource route.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct PathParams {
    /// The resource's id.
    pub(crate) id: String,
}

/// A query of Users or Groups (RFC 7644 §3.4.2).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// A SCIM filter, e.g. `userName eq "bjensen" and active eq true`.
    filter: Option<String>,
    /// The attribute to sort by, e.g. `name.familyName`.
    #[param(rename = "sortBy")]
    sort_by: Option<String>,
    /// `ascending` (the default) or `descending`.
    #[param(rename = "sortOrder")]
    sort_order: Option<String>,
    /// 1-based index of the first result (index paging).
    #[param(rename = "startIndex")]
    start_index: Option<i64>,
    /// Results per page: default 100, at most 1000; 0 gives the total alone.
    count: Option<i64>,
    /// RFC 9865: empty for the first page, then an answer's `nextCursor` or `previousCursor`.
    cursor: Option<String>,
    /// Only these attributes (comma-separated), besides `id` and `schemas`.
    attributes: Option<String>,
    /// All but these attributes (comma-separated).
    #[param(rename = "excludedAttributes")]
    excluded_attributes: Option<String>,
}

/// What a read or write answers with (RFC 7644 §3.9).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ProjectionQuery {
    /// Only these attributes (comma-separated), besides `id` and `schemas`.
    attributes: Option<String>,
    /// All but these attributes (comma-separated).
    #[param(rename = "excludedAttributes")]
    excluded_attributes: Option<String>,
}

/// A conditional write.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub(crate) struct WriteConditions {
    /// Write only if the resource's version (`meta.version`, `ETag`) is one of these, or `*`;
    /// otherwise 412 and nothing changes.
    #[param(rename = "If-Match")]
    if_match: Option<String>,
}

/// A conditional read.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub(crate) struct ReadConditions {
    /// 304 when the resource's version is one of these.
    #[param(rename = "If-None-Match")]
    if_none_match: Option<String>,
    /// 412 unless the resource's version is one of these, or `*`.
    #[param(rename = "If-Match")]
    if_match: Option<String>,
}

/// A SCIM User (`urn:ietf:params:scim:schemas:core:2.0:User`, with the enterprise
/// extension); `/Schemas` describes every attribute.
#[derive(Debug, ToSchema)]
#[schema(as = scim::User)]
pub(crate) struct User {
    schemas: Vec<String>,
    #[schema(read_only)]
    id: Option<String>,
    #[schema(rename = "userName")]
    login: String,
}

/// A SCIM Group (`urn:ietf:params:scim:schemas:core:2.0:Group`).
#[derive(Debug, ToSchema)]
#[schema(as = scim::Group)]
pub(crate) struct Group {
    schemas: Vec<String>,
    #[schema(read_only)]
    id: Option<String>,
    #[schema(rename = "displayName")]
    display_name: String,
}

/// A User or Group as an answer shows it: `attributes` / `excludedAttributes` may leave out
/// any attribute but `id` and `schemas`; `/Schemas` describes them all.
#[derive(Debug, ToSchema)]
#[schema(as = scim::Resource)]
pub(crate) struct Resource {
    schemas: Vec<String>,
    id: String,
}

/// Any SCIM message or resource: its shape is in the RFC and in `/Schemas`.
#[derive(Debug, ToSchema)]
#[schema(as = scim::Message)]
pub(crate) struct Message {
    schemas: Option<Vec<String>>,
}

/// A ListResponse.
#[derive(Debug, ToSchema)]
#[schema(as = scim::ListResponse)]
pub(crate) struct ListResponse {
    schemas: Vec<String>,
    #[schema(rename = "totalResults")]
    total_results: i64,
    #[schema(rename = "itemsPerPage")]
    items_per_page: i64,
    /// Index paging: where this page starts.
    #[schema(rename = "startIndex")]
    start_index: Option<i64>,
    /// Cursor paging: the page after this one, when there is one.
    #[schema(rename = "nextCursor")]
    next_cursor: Option<String>,
    /// Cursor paging: the page before this one, when there is one.
    #[schema(rename = "previousCursor")]
    previous_cursor: Option<String>,
    #[schema(rename = "Resources")]
    resources: Vec<Message>,
}

/// The errors any SCIM route may answer, in SCIM's error shape.
#[derive(Debug)]
pub(crate) struct Errors;

impl IntoResponses for Errors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let cases = [
            (
                400,
                "Bad input: `invalidSyntax`, `invalidValue`, `invalidFilter`, `invalidPath`, `noTarget`, `mutability`, `invalidCursor`, `tooMany`.",
            ),
            (
                401,
                "No provisioning token, or one that is wrong or revoked.",
            ),
            (
                403,
                "The core's policy refuses it, or a filter on a discovery endpoint.",
            ),
            (404, "No such resource in the token's tenant."),
            (
                409,
                "`uniqueness`: the userName, email or externalId is taken; or a group with child groups.",
            ),
            (
                412,
                "`If-Match` or `If-None-Match` does not hold for the resource's version.",
            ),
            (
                413,
                "The body is over `maxPayloadSize`, or a bulk request over `maxOperations`.",
            ),
            (
                415,
                "The body is not JSON (`application/scim+json` or `application/json`).",
            ),
            (
                429,
                "Too many wrong passwords; `Retry-After` says when to try again.",
            ),
            (500, "Roster failed."),
            (
                503,
                "The user service is unavailable or busy; `Retry-After` when it said.",
            ),
        ];
        cases
            .into_iter()
            .map(|(status, description)| {
                let mut r = ResponseBuilder::new().description(description).content(
                    SCIM_JSON,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("scim.Error")))
                        .build(),
                );
                if status == 429 || status == 503 {
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
