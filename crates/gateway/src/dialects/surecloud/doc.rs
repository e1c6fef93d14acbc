//! The error responses of the SureCloud operations, for the OpenAPI description. Every one
//! has the dialect's `{"status","message"}` body; both operations answer the same set.

// These types exist for their schemas; nothing reads their fields.
#![allow(dead_code)]

use super::error::ErrorBody;
use utoipa::IntoResponses;

/// What `PATCH /restful/v1/user` and `POST /restful/v1/token` may answer besides 200.
#[derive(Debug, IntoResponses)]
pub(crate) enum Errors {
    /// The body is not JSON of the operation's shape (`{"users": [...]}`,
    /// `{"email","secretKey"}`).
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// PATCH: no bearer token, or it is invalid, expired, or its secret key was revoked or
    /// rotated. Token: the email or the secret key is wrong.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// PATCH: the caller may not administer users. Token: the user is disabled.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// The client does not accept `application/json`.
    #[response(status = 406)]
    NotAcceptable(ErrorBody),
    /// More users, or more bytes, than the server accepts in one request: nothing written.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not declared as `application/json`.
    #[response(status = 415)]
    UnsupportedMediaType(ErrorBody),
    #[response(status = 500)]
    Internal(ErrorBody),
    /// The user service cannot be reached; retry.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}
