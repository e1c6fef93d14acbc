//! CloudAPI errors: `{"code","message"}` with restify's status for each code.

use super::response::json_response;
use crate::core_error::{CoreError, Kind};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use roster_proto::v1::ErrorReason;
use serde::Serialize;
use utoipa::ToSchema;

/// One CloudAPI (restify) error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// Seconds for `Retry-After` (a busy, unreachable or late core).
    pub(crate) retry_after: Option<u64>,
}

/// Every CloudAPI error: restify's `{"code","message"}`, as sent and as described.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = cloudapi::Error)]
pub(crate) struct ErrorBody<'a> {
    /// `ResourceNotFound`, `InvalidArgument`, `MissingParameter`, `InvalidCredentials`, ...
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "ResourceNotFound", message)
    }

    /// restify answers InvalidArgument and MissingParameter with 409.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "InvalidArgument", message)
    }

    pub(crate) fn missing(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "MissingParameter", message)
    }

    /// `Request is missing required parameters: a is required, b is required`.
    pub(crate) fn missing_params(names: &[&str]) -> Self {
        let list: Vec<String> = names.iter().map(|n| format!("{n} is required")).collect();
        Self::missing(format!(
            "Request is missing required parameters: {}",
            list.join(", ")
        ))
    }

    pub(crate) fn credentials(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "InvalidCredentials", message)
    }

    pub(crate) fn invalid_header(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidHeader", message)
    }

    pub(crate) fn not_authorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "NotAuthorized", message)
    }

    pub(crate) fn invalid_content(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidContent", message)
    }

    pub(crate) fn bad_digest(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadDigest", message)
    }

    pub(crate) fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            message,
        )
    }

    pub(crate) fn method_not_allowed(method: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!("{method} is not allowed"),
        )
    }

    /// restify's PreconditionFailedError: an `If-Match` that names no current etag.
    pub(crate) fn precondition_failed(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "PreconditionFailed",
            message,
        )
    }

    pub(crate) fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "Internal Error",
        )
    }

    pub(crate) fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "Service Unavailable",
        )
    }

    /// A core error in CloudAPI's words; callers say the not-found text they know better
    /// with [`or_not_found`].
    pub(crate) fn from_core(e: impl Into<CoreError>) -> Self {
        let e = e.into();
        match e.kind {
            Kind::NotFound => Self::not_found(e.message),
            Kind::Invalid => Self::invalid(e.detail()),
            Kind::Taken if e.is(ErrorReason::LoginTaken) => Self::invalid("Login is already taken"),
            Kind::Taken if e.is(ErrorReason::EmailTaken) => Self::invalid("Email is already taken"),
            Kind::Taken => Self::invalid(e.message),
            Kind::Unauthenticated => {
                Self::credentials("Invalid authorization credentials supplied")
            }
            Kind::Forbidden => Self::not_authorized(e.message),
            Kind::Exhausted => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", e.message)
            }
            // The core is busy (TRY_LATER): 503 with `Retry-After`.
            Kind::Busy => Self {
                retry_after: e.retry_after,
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ServiceUnavailable",
                    "The service is busy; try again later",
                )
            },
            Kind::Unavailable => Self {
                retry_after: e.retry_after,
                ..Self::unavailable()
            },
            // 503 like every "try again" this dialect documents.
            Kind::Timeout => Self {
                retry_after: e.retry_after,
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ServiceUnavailable",
                    "The service did not answer in time; try again later",
                )
            },
            Kind::Internal => Self::internal(),
        }
    }
}

impl From<tonic::Status> for ApiError {
    fn from(s: tonic::Status) -> Self {
        Self::from_core(s)
    }
}

/// A core error, with the CloudAPI text for "not found" of this route.
pub(crate) fn or_not_found(
    e: impl Into<CoreError>,
    not_found: impl FnOnce() -> String,
) -> ApiError {
    match e.into() {
        e if e.kind == Kind::NotFound => ApiError::not_found(not_found()),
        e => ApiError::from_core(e),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            &ErrorBody {
                code: self.code,
                message: &self.message,
            },
            self.retry_after
                .map(|secs| (http::header::RETRY_AFTER, http::HeaderValue::from(secs)))
                .into_iter()
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_parameters_are_listed_in_order() {
        let e = ApiError::missing_params(&["email", "login"]);
        assert_eq!(e.status, 409);
        assert_eq!(
            e.message,
            "Request is missing required parameters: email is required, login is required"
        );
    }

    #[test]
    fn core_codes_map_to_restify_errors() {
        assert_eq!(
            ApiError::from(tonic::Status::not_found("x")).code,
            "ResourceNotFound"
        );
        assert_eq!(
            ApiError::from(tonic::Status::unauthenticated("x")).status,
            401
        );
        assert_eq!(
            ApiError::from(tonic::Status::permission_denied("x")).status,
            403
        );
        let busy = ApiError::from(crate::core_error::fake::busy(1));
        assert_eq!(
            (busy.status.as_u16(), busy.code, busy.retry_after),
            (503, "ServiceUnavailable", Some(1))
        );
        let res = busy.into_response();
        assert_eq!(res.headers()[http::header::RETRY_AFTER], "1");
        let internal = ApiError::from(tonic::Status::internal("db on fire"));
        assert_eq!(
            (internal.status.as_u16(), internal.message.as_str()),
            (500, "Internal Error")
        );
    }
}
