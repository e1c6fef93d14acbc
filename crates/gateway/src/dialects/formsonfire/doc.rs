//! What the OpenAPI description says of Forms On Fire beyond the handlers' own annotations:
//! query parameters, request bodies, the vocabularies, and the error responses. Every body
//! and response is JSON or ServiceStack DataContract XML; the XML is described by the same
//! object schemas (the `xml` names give its element names). Where the XML differs from
//! the JSON it is said on the member: GUIDs with dashes, `i:nil="true"` for nulls,
//! `Metadata` as `KeyValueOfstringstring` items, members in alphabetical order.
//! The handlers read query members without case and check their values by hand, so the
//! parameters here are the values they accept; anything else is the documented 400.

// These types exist for their schemas and parameters; nothing reads their fields.
#![allow(dead_code)]

use std::collections::BTreeMap;
use utoipa::openapi::request_body::{RequestBody, RequestBodyBuilder};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder};
use utoipa::{IntoParams, IntoResponses, ToSchema};

/// `Status`. Roster keeps no deleted users, so `Deleted` is never answered.
#[derive(Debug, ToSchema)]
#[schema(as = formsonfire::Status)]
pub(crate) enum Status {
    Invited,
    Active,
    Disabled,
}

/// `WebsiteRole`: what the user may do on the website.
#[derive(Debug, ToSchema)]
#[schema(as = formsonfire::WebsiteRole)]
pub(crate) enum WebsiteRole {
    ReadOnly,
    User,
    Admin,
    EnterpriseAdmin,
    VendorAdmin,
    SuperAdmin,
}

/// `Type`: the licence kind (`Lite` and `Full` are the vendor's legacy kinds).
#[derive(Debug, ToSchema)]
#[schema(as = formsonfire::LicenseType)]
pub(crate) enum LicenseType {
    Standard,
    Premium,
    Lite,
    Full,
}

/// `format`: the response format (else `Accept`, else the body's format, else JSON).
#[derive(Debug, ToSchema)]
#[schema(as = formsonfire::Format)]
#[allow(non_camel_case_types)]
pub(crate) enum Format {
    json,
    xml,
}

/// `GET /user`: one of `Id`, `Email`, `ExternalId`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "PascalCase")]
pub(crate) struct GetQuery {
    /// The user's GUID, with or without dashes.
    #[param(format = "uuid")]
    id: Option<String>,
    /// The user's email.
    email: Option<String>,
    /// The user's external id.
    external_id: Option<String>,
}

/// How the answer (and a write's body, unless it says) names `Folders` and `Groups`: by id
/// unless one of these is true.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "PascalCase")]
pub(crate) struct RefsQuery {
    /// By name.
    use_names: Option<bool>,
    /// By external id.
    use_external_ids: Option<bool>,
}

/// `DELETE /user`: `Id` here or in the body.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "PascalCase")]
pub(crate) struct DeleteQuery {
    /// The user's GUID, with or without dashes.
    #[param(format = "uuid")]
    id: Option<String>,
}

/// The answer's format, on every route.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FormatQuery {
    #[param(value_type = Option<Format>, inline)]
    format: Option<String>,
}

/// `Status` in a search also takes `Deleted` (which matches nobody).
#[derive(Debug, ToSchema)]
#[schema(as = formsonfire::SearchStatus)]
pub(crate) enum SearchStatus {
    Invited,
    Active,
    Disabled,
    Deleted,
}

/// `GET /user/search`: by `Name`, `Email` and `ExternalId`; without any, every user.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "PascalCase")]
pub(crate) struct SearchQuery {
    /// A case-insensitive part of "FirstName LastName".
    name: Option<String>,
    /// A case-insensitive part of the email.
    email: Option<String>,
    /// The exact external id.
    external_id: Option<String>,
    #[param(value_type = Option<SearchStatus>, inline)]
    status: Option<String>,
    /// The page, from 0.
    #[param(minimum = 0)]
    page_no: Option<i32>,
    /// Users per page (default 100).
    #[param(minimum = 1, maximum = 250)]
    page_size: Option<i32>,
    /// Accepted; Roster keeps no audits of deleted users, so it adds no rows.
    include_deleted_user_audits: Option<bool>,
}

/// A `User` body: the members `$head` lists, then those any body may carry. `CompanyId`
/// and `IntegrationKey` authenticate (else the query's).
macro_rules! user_body {
    ($(#[$meta:meta])* $name:ident { $($head:tt)* }) => {
        $(#[$meta])*
        pub(crate) struct $name {
            $($head)*
            company_id: Option<i64>,
            integration_key: Option<String>,
            external_id: Option<String>,
            time_zone: Option<String>,
            country: Option<String>,
            /// Set on create or change; never answered.
            password: Option<String>,
            status: Option<Status>,
            website_role: Option<WebsiteRole>,
            #[schema(rename = "Type")]
            license_type: Option<LicenseType>,
            /// Folder ids (or names, external ids: see `UseNames`, `UseExternalIds`).
            folders: Option<Vec<String>>,
            /// Group ids (or names, external ids: see `UseNames`, `UseExternalIds`).
            groups: Option<Vec<String>>,
            /// Key/value pairs (also `[{"Key":..,"Value":..}]`).
            metadata: Option<BTreeMap<String, String>>,
            do_not_email: Option<bool>,
            reset_password: Option<bool>,
            /// `Folders` and `Groups` are names.
            use_names: Option<bool>,
            /// `Folders` and `Groups` are external ids.
            use_external_ids: Option<bool>,
        }
    };
}

user_body! {
    /// `POST /user`: a new user, named and with an email. DESIGN (the vendor is silent): a body
    /// with the `Id` of a user updates that user as `PUT` would (then the names are not
    /// required). Member names match without case; a null clears a member. In XML the root
    /// element is `User`, nulls are `i:nil="true"`, list items are any elements
    /// (`<d2p1:guid>`, `<string>`), and `Metadata` items are `KeyValueOfstringstring` with
    /// `Key` and `Value`.
    #[derive(Debug, ToSchema)]
    #[schema(as = formsonfire::NewUser, rename_all = "PascalCase", xml(name = "User"))]
    NewUser {
        #[schema(pattern = r"\S")]
        first_name: String,
        #[schema(pattern = r"\S")]
        last_name: String,
        #[schema(format = Email)]
        email: String,
        /// The GUID of a user to update instead, with or without dashes (the all-zero GUID
        /// is none).
        #[schema(format = "uuid")]
        id: Option<String>,
    }
}

user_body! {
    /// `PUT /user`: the members given change on the user `Id` names; the names cannot be
    /// cleared. Member names match without case; a null clears a member. In XML as for
    /// `formsonfire.NewUser`.
    #[derive(Debug, ToSchema)]
    #[schema(as = formsonfire::UserChange, rename_all = "PascalCase", xml(name = "User"))]
    UserChange {
        /// The user's GUID, with or without dashes.
        #[schema(format = "uuid")]
        id: String,
        #[schema(required = false, pattern = r"\S")]
        first_name: String,
        #[schema(required = false, pattern = r"\S")]
        last_name: String,
        #[schema(required = false, format = Email)]
        email: String,
    }
}

/// The optional body of `DELETE /user`: its members stand in for absent query members;
/// any other member is ignored.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "PascalCase")]
#[schema(as = formsonfire::DeleteUserRequest, xml(name = "User"))]
pub(crate) struct DeleteUserRequest {
    #[schema(format = "uuid")]
    id: Option<String>,
    company_id: Option<i64>,
    integration_key: Option<String>,
}

/// `DELETE /user`'s optional body, in JSON or XML.
pub(crate) fn delete_body() -> RequestBody {
    let content = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("formsonfire.DeleteUserRequest")))
            .build()
    };
    RequestBodyBuilder::new()
        .description(Some(
            "Optional: `Id`, `CompanyId` and `IntegrationKey` when the query lacks them.",
        ))
        .content("application/json", content())
        .content("application/xml", content())
        .required(Some(Required::False))
        .build()
}

/// The failures of an endpoint whose answer is `root` (its own response DTO, with only a
/// filled `ResponseStatus`), plus the 405 of a verb it does not have (an `ErrorResponse`).
fn errors(root: &str) -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
    let cases = [
        (
            400,
            root,
            "Invalid or missing members, an unknown user, folder or group, a taken email or \
             external id, an unreadable or oversized body, an unsupported `Content-Type` or \
             `format`; `ResponseStatus.Errors` names each member.",
        ),
        (
            401,
            root,
            "Wrong or missing `CompanyId` or `IntegrationKey`.",
        ),
        (
            403,
            root,
            "The change is not the integration key's to make (the account owner's record): \
             `ErrorCode` `UnauthorizedAccessException`.",
        ),
        (
            405,
            "formsonfire.ErrorResponse",
            "The endpoint has no such verb.",
        ),
        (429, root, "Too many requests."),
        (500, root, "Roster failed."),
        (503, root, "The user service is unavailable."),
    ];
    cases
        .into_iter()
        .map(|(status, schema, description)| {
            let content = || {
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(schema)))
                    .build()
            };
            let r = ResponseBuilder::new()
                .description(description)
                .content("application/json", content())
                .content("application/xml", content())
                .build();
            (status.to_string(), RefOr::T(r))
        })
        .collect()
}

/// The failures of `/user`.
#[derive(Debug)]
pub(crate) struct UserErrors;

impl IntoResponses for UserErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        errors("formsonfire.UserResponse")
    }
}

/// The failures of `/user/search`.
#[derive(Debug)]
pub(crate) struct SearchErrors;

impl IntoResponses for SearchErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        errors("formsonfire.UserSearchResponse")
    }
}
