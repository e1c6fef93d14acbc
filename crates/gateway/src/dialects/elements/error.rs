//! Cloud Elements errors: `{"requestId","message"}` with the vendor's normalized statuses
//! (400 bad parameter, 401 bad secrets, 403 forbidden, 404, 405, 409 conflict, 415, 429 when
//! the password guess limit trips, 500, and 503 with `Retry-After` when the core is busy). Internal failures never show the core's message.

use crate::RequestId;
use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode};
use serde::Serialize;
use tonic::Code;
use tonic_types::StatusExt as _;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ElementsError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    /// Seconds a client should wait (429).
    pub(crate) retry_after: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    request_id: &'a str,
    message: &'a str,
}

impl ElementsError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Invalid Organization or User secret, or the user is not an organization administrator",
        )
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    pub(crate) fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }

    /// A core error in Cloud Elements' terms; `not_found` is this route's text for 404.
    pub(crate) fn from_status(s: &tonic::Status, not_found: &str) -> Self {
        // The core is busy (TRY_LATER): 503 with `Retry-After`, unlike the per-user
        // password-guess limit below, which is the client's doing (429).
        if let Some(secs) = crate::status_map::try_later_secs(s) {
            return Self {
                retry_after: Some(secs),
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("The service is busy; try again in {secs} seconds"),
                )
            };
        }
        let reason = s
            .get_details_error_info()
            .map(|i| i.reason)
            .unwrap_or_default();
        let violation = s
            .get_details_bad_request()
            .and_then(|b| b.field_violations.into_iter().next())
            .map(|v| format!("{}: {}", v.field, v.description));
        match s.code() {
            Code::NotFound => Self::not_found(not_found),
            Code::InvalidArgument | Code::OutOfRange | Code::FailedPrecondition => {
                if reason == "INVALID_PAGE_TOKEN" {
                    return Self::bad_request(
                        "Invalid nextPage token: it is altered or belongs to another query",
                    );
                }
                if reason == "ETAG_MISMATCH" {
                    return Self::conflict("The user was changed at the same time; try again");
                }
                Self::bad_request(violation.unwrap_or_else(|| s.message().to_owned()))
            }
            Code::AlreadyExists => Self::conflict(match reason.as_str() {
                "EMAIL_TAKEN" | "LOGIN_TAKEN" => "A user with this email already exists".to_owned(),
                _ => s.message().to_owned(),
            }),
            Code::Unauthenticated => Self::unauthorized(),
            Code::PermissionDenied => Self::forbidden("Forbidden"),
            Code::ResourceExhausted => {
                let retry = s
                    .get_details_retry_info()
                    .and_then(|r| r.retry_delay)
                    .map(|d| d.as_secs().max(1));
                Self {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    message: format!(
                        "Too many wrong passwords for this user; try again in {} seconds",
                        retry.unwrap_or(60)
                    ),
                    retry_after: retry,
                }
            }
            Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is unavailable; try again",
            ),
            Code::Ok
            | Code::Unknown
            | Code::Aborted
            | Code::Unimplemented
            | Code::Internal
            | Code::DataLoss => {
                tracing::error!(status = ?s, "Cloud Elements: the core failed.");
                Self::internal()
            }
        }
    }
}

impl IntoResponse for ElementsError {
    fn into_response(self) -> Response {
        // The request id is filled in by the dialect's middleware, which knows it.
        let mut res = (
            self.status,
            Json(Body {
                request_id: "",
                message: &self.message,
            }),
        )
            .into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(http::header::RETRY_AFTER, v);
        }
        res.extensions_mut().insert(ErrorMessage(self.message));
        res
    }
}

/// The message of an error response, for the middleware that adds the request id.
#[derive(Debug, Clone)]
pub(crate) struct ErrorMessage(pub(crate) String);

/// The error body with its request id.
pub(crate) fn body_with_id(message: &str, id: &RequestId) -> Vec<u8> {
    serde_json::to_vec(&Body {
        request_id: id.as_str(),
        message,
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_core_is_a_503_with_retry_after() {
        let e = ElementsError::from_status(&crate::status_map::busy_status(1), "no such user");
        assert_eq!((e.status.as_u16(), e.retry_after), (503, Some(1)));
        let res = e.into_response();
        assert_eq!(res.headers()[http::header::RETRY_AFTER], "1");
    }
}
