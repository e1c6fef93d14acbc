//! SureCloud errors: `{"status": <HTTP status>, "message": "..."}` (the vendor documents none;
//! DESIGN, see docs/dialects/surecloud.md). Internal failures never show the core's text.

use super::super::refusal::{Refusal, Shape};
use crate::core_error::{CoreError, Kind};
use crate::session::idempotency::{Asked, KeyRefusal};
use axum::Json;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use roster_proto::v1::ErrorReason;
use serde::Serialize;
use utoipa::ToSchema;

/// How SureCloud writes an error (see [`ErrorBody`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScShape;

pub(crate) type ScError = Refusal<ScShape>;

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
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "The bearer token is missing, invalid, expired or revoked",
        )
    }

    pub(crate) fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// A core failure of a whole request (item failures are `patchErrorMessage`s instead).
    /// The user's restrictions do not admit the client's address (its secret key's, and the
    /// key's tokens').
    pub(crate) fn address_not_allowed() -> Self {
        Self::forbidden("The secret key may not be used from this address")
    }

    pub(crate) fn from_core(e: impl Into<CoreError>) -> Self {
        let e = e.into();
        match e.kind {
            Kind::Unauthenticated => Self::unauthorized(),
            Kind::Forbidden if e.is(ErrorReason::AddressNotAllowed) => Self::address_not_allowed(),
            Kind::Forbidden => {
                Self::forbidden("The caller may not administer users (needs ADMINISTRATOR)")
            }
            Kind::Invalid if e.is(ErrorReason::TooLarge) => {
                Self::too_large(format!("Too many users in one request: {}", e.message))
            }
            Kind::Invalid => Self::bad_request(e.message),
            Kind::Exhausted => Self::new(StatusCode::TOO_MANY_REQUESTS, e.message),
            Kind::Busy => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is busy; try again later",
            )
            .retry_after(e.retry_after),
            Kind::Unavailable => Self::unavailable().retry_after(e.retry_after),
            Kind::Timeout => Self::timed_out().retry_after(e.retry_after),
            // A whole PATCH names no one user: a missing or taken user is an item's failure.
            Kind::NotFound | Kind::Taken | Kind::Internal => Self::internal(),
        }
    }
}

/// A keyed write the gateway answers before it runs (see [`crate::session::idempotency`]).
pub(crate) fn refuse_key(_: &Asked<'_>, why: KeyRefusal) -> Response {
    match why.split() {
        Ok((status, message)) => ScError::new(status, message),
        Err(e) => ScError::from_core(e),
    }
    .into_response()
}

impl Shape for ScShape {
    fn render(status: StatusCode, message: String) -> Response {
        (
            status,
            Json(ErrorBody {
                status: status.as_u16(),
                message,
            }),
        )
            .into_response()
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
