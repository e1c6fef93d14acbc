//! What the OpenAPI description says of CloudAPI beyond the handlers' own annotations: path
//! and query parameters, request bodies, and the error responses every signed route may
//! give. The handlers read their parameters from the query or the body alike (restify's
//! `mapParams`); the bodies here are the JSON form the triton CLI sends.

// These types exist for their schemas; nothing reads their fields.
#![allow(dead_code)]

use super::error::ErrorBody;
use serde::Deserialize;
use utoipa::{IntoParams, IntoResponses, ToSchema};

/// The path parameters of every route: each operation is described with those its path has.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct PathParams {
    /// The account login, or `my` for the caller's own account.
    pub(crate) account: String,
    /// The sub-user's login or id.
    pub(crate) user: String,
    /// The key's name or MD5 fingerprint (`aa:bb:...`).
    pub(crate) key: String,
    /// The role's name or id.
    pub(crate) role: String,
    /// The policy's name or id.
    pub(crate) policy: String,
}

/// The roles a sub-user acts with, on any signed route.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AsRole {
    /// Comma-separated role names to act with instead of the default roles.
    #[param(rename = "as-role")]
    pub(crate) as_role: Option<String>,
}

/// `GET /:account/users/:user?membership=true`.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Membership {
    /// Any value adds `roles` and `default_roles` (CloudAPI treats `false` as set too).
    pub(crate) membership: Option<String>,
}

/// `POST /:account/users`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = cloudapi::CreateUser)]
pub(crate) struct CreateUser {
    /// 3-32 of `A-Z a-z 0-9 _ . @`, starting with a letter.
    login: String,
    email: String,
    /// At least 7 characters with a letter and a digit.
    password: String,
    #[serde(flatten)]
    profile: Profile,
}

/// `POST /:account/users/:user`: the fields given change; `""` removes one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = cloudapi::UpdateUser)]
pub(crate) struct UpdateUser {
    login: Option<String>,
    email: Option<String>,
    #[serde(flatten)]
    profile: Profile,
}

/// The profile fields of a user (the `PROFILE` table of `users.rs`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = cloudapi::Profile)]
pub(crate) struct Profile {
    company_name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    address: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    state: Option<String>,
    country: Option<String>,
    phone: Option<String>,
}

/// `POST /:account/users/:user/change_password`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = cloudapi::ChangePassword)]
pub(crate) struct ChangePassword {
    password: String,
    password_confirmation: String,
}

/// `POST /:account/keys` and `POST /:account/users/:user/keys`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = cloudapi::CreateKey)]
pub(crate) struct CreateKey {
    /// Defaults to the fingerprint.
    name: Option<String>,
    /// The OpenSSH public key line.
    key: String,
}

/// A role member: a login (API v8) or `{"type":"subuser","login":...}` (v9).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
#[schema(as = cloudapi::MemberRef)]
pub(crate) enum MemberRef {
    Login(String),
    Member {
        #[serde(rename = "type")]
        kind: Option<String>,
        id: Option<String>,
        login: Option<String>,
        default: Option<bool>,
    },
}

/// A policy of a role: a name (v8) or `{"id"}` / `{"name"}` (v9).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
#[schema(as = cloudapi::PolicySelector)]
pub(crate) enum PolicySelector {
    Name(String),
    Ref {
        id: Option<String>,
        name: Option<String>,
    },
}

/// `POST /:account/roles` (`name` required) and `POST /:account/roles/:role`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = cloudapi::WriteRole)]
pub(crate) struct WriteRole {
    name: Option<String>,
    members: Option<Vec<MemberRef>>,
    /// Logins of the members whose role is active by default.
    default_members: Option<Vec<String>>,
    policies: Option<Vec<PolicySelector>>,
}

/// `POST /:account/policies` (`name` and `rules` required) and `POST /:account/policies/:policy`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = cloudapi::WritePolicy)]
pub(crate) struct WritePolicy {
    name: Option<String>,
    /// Aperture rules the server can enforce: `CAN listusers, getuser`.
    rules: Option<Vec<String>>,
    description: Option<String>,
}

/// The errors any signed CloudAPI route may answer.
#[derive(Debug, IntoResponses)]
pub(crate) enum Errors {
    /// `InvalidHeader` (unparseable or stale signature), `BadRequest`, `InvalidContent`,
    /// `BadDigest`.
    #[response(status = 400)]
    BadRequest(ErrorBody<'static>),
    /// `InvalidCredentials`: no signature, an unknown key, or a bad signature.
    #[response(status = 401)]
    Unauthorized(ErrorBody<'static>),
    /// `NotAuthorized`: another account, a disabled user, or no policy allows it.
    #[response(status = 403)]
    Forbidden(ErrorBody<'static>),
    /// `ResourceNotFound`.
    #[response(status = 404)]
    NotFound(ErrorBody<'static>),
    /// `MethodNotAllowed`.
    #[response(status = 405)]
    MethodNotAllowed(ErrorBody<'static>),
    /// `InvalidArgument` or `MissingParameter`.
    #[response(status = 409)]
    Conflict(ErrorBody<'static>),
    /// `PreconditionFailed`: `If-Match` names no current `ETag` of the user.
    #[response(status = 412)]
    PreconditionFailed(ErrorBody<'static>),
    /// `RequestEntityTooLarge`.
    #[response(status = 413)]
    TooLarge(ErrorBody<'static>),
    /// `UnsupportedMediaType`.
    #[response(status = 415)]
    UnsupportedMediaType(ErrorBody<'static>),
    /// `TooManyRequests`.
    #[response(status = 429)]
    TooManyRequests(ErrorBody<'static>),
    /// `InternalError`.
    #[response(status = 500)]
    Internal(ErrorBody<'static>),
    /// `ServiceUnavailable`.
    #[response(status = 503)]
    Unavailable(ErrorBody<'static>),
}
