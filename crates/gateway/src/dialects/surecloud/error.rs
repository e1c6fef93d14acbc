//! SureCloud errors: `{"status": <HTTP status>, "message": "..."}` (the vendor documents none;
//! DESIGN, see docs/dialects/surecloud.md). Internal failures never show the core's text.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Serialize;
use tonic::Code;
use tonic_types::StatusExt as _;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    /// Seconds for `Retry-After` (a busy core).
    pub(crate) retry_after: Option<u64>,
}

/// Every SureCloud error response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = surecloud::Error)]
pub(crate) struct ErrorBody {
    /// The HTTP status again.
    #[schema(example = 401)]
    pub(crate) status: u16,
    #[schema(example = "The bearer token is invalid, expired or revoked")]
    pub(crate) message: String,
}

impl ScError {
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
            "The bearer token is missing, invalid, expired or revoked",
        )
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    pub(crate) fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// A core failure of a whole request (item failures are `patchErrorMessage`s instead).
    pub(crate) fn from_status(s: &tonic::Status) -> Self {
        if let Some(secs) = crate::status_map::try_later_secs(s) {
            return Self {
                retry_after: Some(secs),
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The service is busy; try again later",
                )
            };
        }
        match s.code() {
            Code::Unauthenticated => Self::unauthorized(),
            Code::PermissionDenied => {
                Self::forbidden("The caller may not administer users (needs ADMINISTRATOR)")
            }
            Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
                let reason = s.get_details_error_info().map(|i| i.reason);
                if reason.as_deref() == Some("TOO_LARGE") {
                    Self::too_large(format!("Too many users in one request: {}", s.message()))
                } else {
                    Self::bad_request(s.message())
                }
            }
            Code::ResourceExhausted => Self::new(StatusCode::TOO_MANY_REQUESTS, s.message()),
            Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is unavailable; try again",
            ),
            Code::Ok
            | Code::Unknown
            | Code::NotFound
            | Code::AlreadyExists
            | Code::Aborted
            | Code::Unimplemented
            | Code::Internal
            | Code::DataLoss => {
                tracing::error!(status = ?s, "SureCloud: the core failed.");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
            }
        }
    }
}

impl IntoResponse for ScError {
    fn into_response(self) -> Response {
        let mut res = (
            self.status,
            Json(ErrorBody {
                status: self.status.as_u16(),
                message: self.message,
            }),
        )
            .into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_busy_core_is_a_503_with_retry_after() {
        let res = ScError::from_status(&crate::status_map::busy_status(1)).into_response();
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()[http::header::RETRY_AFTER], "1");
        let body = axum::body::to_bytes(res.into_body(), 4096).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["status"], 503);
        assert!(v["message"].is_string());
    }
}
