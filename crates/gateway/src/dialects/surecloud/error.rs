//! SureCloud errors: `{"status": <HTTP status>, "message": "..."}` (the vendor documents none;
//! DESIGN, see docs/dialects/surecloud.md). Internal failures never show the core's text.

use crate::core_error::{CoreError, Kind};
use axum::Json;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use roster_proto::v1::ErrorReason;
use serde::Serialize;
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

    pub(crate) fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }

    /// A core failure of a whole request (item failures are `patchErrorMessage`s instead).
    pub(crate) fn from_core(e: impl Into<CoreError>) -> Self {
        let e = e.into();
        match e.kind {
            Kind::Unauthenticated => Self::unauthorized(),
            Kind::Forbidden => {
                Self::forbidden("The caller may not administer users (needs ADMINISTRATOR)")
            }
            Kind::Invalid if e.is(ErrorReason::TooLarge) => {
                Self::too_large(format!("Too many users in one request: {}", e.message))
            }
            Kind::Invalid => Self::bad_request(e.message),
            Kind::Exhausted => Self::new(StatusCode::TOO_MANY_REQUESTS, e.message),
            Kind::Busy => Self {
                retry_after: e.retry_after,
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The service is busy; try again later",
                )
            },
            Kind::Unavailable => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is unavailable; try again",
            ),
            // A whole PATCH names no one user: a missing or taken user is an item's failure.
            Kind::NotFound | Kind::Taken | Kind::Internal => Self::internal(),
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
        let res = ScError::from_core(crate::core_error::fake::busy(1)).into_response();
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()[http::header::RETRY_AFTER], "1");
        let body = axum::body::to_bytes(res.into_body(), 4096).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["status"], 503);
        assert!(v["message"].is_string());
    }
}
