//! CloudAPI errors: `{"code","message"}` with restify's status for each code.

use super::response::json_response;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Serialize;
use tonic::Code;
use tonic_types::StatusExt as _;

/// One CloudAPI (restify) error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// Seconds for `Retry-After` (a busy core).
    pub(crate) retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
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

    /// The core is busy (TRY_LATER): restify's 503 with `Retry-After`.
    pub(crate) fn try_later(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "The service is busy; try again later",
            )
        }
    }

    /// The standard mapping of a core error; callers override the not-found text they know
    /// better with [`ApiError::or_not_found`].
    pub(crate) fn from_status(s: &tonic::Status) -> Self {
        if let Some(secs) = crate::status_map::try_later_secs(s) {
            return Self::try_later(secs);
        }
        let reason = s
            .get_details_error_info()
            .map(|i| i.reason)
            .unwrap_or_default();
        let first_violation = s
            .get_details_bad_request()
            .and_then(|b| b.field_violations.into_iter().next())
            .map(|v| v.description);
        match s.code() {
            Code::NotFound => Self::not_found(s.message()),
            Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
                Self::invalid(first_violation.unwrap_or_else(|| s.message().to_owned()))
            }
            Code::AlreadyExists => Self::invalid(match reason.as_str() {
                "LOGIN_TAKEN" => "Login is already taken".to_owned(),
                "EMAIL_TAKEN" => "Email is already taken".to_owned(),
                _ => s.message().to_owned(),
            }),
            Code::Unauthenticated => {
                Self::credentials("Invalid authorization credentials supplied")
            }
            Code::PermissionDenied => Self::not_authorized(s.message()),
            Code::ResourceExhausted => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                s.message(),
            ),
            Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled => Self::unavailable(),
            Code::Ok
            | Code::Unknown
            | Code::Aborted
            | Code::Unimplemented
            | Code::Internal
            | Code::DataLoss => {
                tracing::error!(status = ?s, "CloudAPI: the core failed.");
                Self::internal()
            }
        }
    }
}

impl From<tonic::Status> for ApiError {
    fn from(s: tonic::Status) -> Self {
        Self::from_status(&s)
    }
}

/// A core error, with the CloudAPI text for "not found" of this route.
pub(crate) fn or_not_found(s: &tonic::Status, not_found: impl FnOnce() -> String) -> ApiError {
    if s.code() == Code::NotFound {
        ApiError::not_found(not_found())
    } else {
        ApiError::from_status(s)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            &Body {
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
        let busy = ApiError::from(crate::status_map::busy_status(1));
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
