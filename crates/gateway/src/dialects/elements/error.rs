//! Cloud Elements errors: `{"requestId","message"}` with the vendor's normalized statuses
//! (400 bad parameter, 401 bad secrets, 403 forbidden, 404, 405, 409 conflict, 415, 429 when
//! the password guess limit trips, 500, and 503 with `Retry-After` when the core is busy). Internal failures never show the core's message.

use crate::RequestId;
use crate::core_error::{CoreError, Kind};
use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode};
use roster_proto::v1::ErrorReason;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ElementsError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    /// Seconds a client should wait (429).
    pub(crate) retry_after: Option<u64>,
}

/// Every Cloud Elements error, as sent and as described.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = elements::Error)]
pub(crate) struct ErrorBody<'a> {
    /// The request's id, as in the `elements-request-id` header.
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
    pub(crate) fn from_core(e: &CoreError, not_found: &str) -> Self {
        match e.kind {
            Kind::NotFound => Self::not_found(not_found),
            Kind::Invalid if e.is(ErrorReason::InvalidPageToken) => Self::bad_request(
                "Invalid nextPage token: it is altered or belongs to another query",
            ),
            Kind::Invalid if e.is(ErrorReason::EtagMismatch) => {
                Self::conflict("The user was changed at the same time; try again")
            }
            Kind::Invalid => Self::bad_request(e.first_violation().map_or_else(
                || e.message.clone(),
                |v| format!("{}: {}", v.field, v.description),
            )),
            Kind::Taken if e.is(ErrorReason::EmailTaken) || e.is(ErrorReason::LoginTaken) => {
                Self::conflict("A user with this email already exists")
            }
            Kind::Taken => Self::conflict(e.message.clone()),
            Kind::Unauthenticated => Self::unauthorized(),
            Kind::Forbidden => Self::forbidden("Forbidden"),
            // The per-user password-guess limit is the client's doing: 429.
            Kind::Exhausted => Self {
                retry_after: e.retry_after,
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "Too many wrong passwords for this user; try again in {} seconds",
                        e.retry_after.unwrap_or(60)
                    ),
                )
            },
            // The core is busy: 503 with `Retry-After`.
            Kind::Busy => {
                let secs = e.retry_after.unwrap_or(1);
                Self {
                    retry_after: Some(secs),
                    ..Self::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        format!("The service is busy; try again in {secs} seconds"),
                    )
                }
            }
            Kind::Unavailable => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is unavailable; try again",
            ),
            Kind::Internal => Self::internal(),
        }
    }
}

impl IntoResponse for ElementsError {
    fn into_response(self) -> Response {
        // The request id is filled in by the dialect's middleware, which knows it.
        let mut res = (
            self.status,
            Json(ErrorBody {
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
    serde_json::to_vec(&ErrorBody {
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
        let e = ElementsError::from_core(&crate::core_error::fake::busy(1).into(), "no such user");
        assert_eq!((e.status.as_u16(), e.retry_after), (503, Some(1)));
        let res = e.into_response();
        assert_eq!(res.headers()[http::header::RETRY_AFTER], "1");
    }
}
