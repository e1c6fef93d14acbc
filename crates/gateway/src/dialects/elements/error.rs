//! Cloud Elements errors: `{"requestId","message"}` with the vendor's normalized statuses
//! (400 bad parameter, 401 bad secrets, 403 forbidden, 404, 405, 409 conflict, 415, 429 when
//! the password guess limit trips, 500, and 503 with `Retry-After` when the core is busy,
//! unreachable or out of time). Internal failures never show the core's message.

use super::super::refusal::{Refusal, Shape};
use crate::RequestId;
use crate::core_error::{CoreError, Kind};
use axum::Json;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use roster_proto::v1::ErrorReason;
use serde::Serialize;
use utoipa::ToSchema;

/// How Cloud Elements writes an error (see [`ErrorBody`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ElementsShape;

pub(crate) type ElementsError = Refusal<ElementsShape>;

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
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Invalid Organization or User secret, or the user is not an organization administrator",
        )
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
            Kind::Exhausted => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Too many wrong passwords for this user; try again in {} seconds",
                    e.retry_after.unwrap_or(60)
                ),
            )
            .retry_after(e.retry_after),
            // The core is busy: 503 with `Retry-After`.
            Kind::Busy => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "The service is busy; try again in {} seconds",
                    e.retry_after.unwrap_or(1)
                ),
            )
            .retry_after(e.retry_after),
            Kind::Unavailable => Self::unavailable().retry_after(e.retry_after),
            Kind::Timeout => Self::timed_out().retry_after(e.retry_after),
            Kind::Internal => Self::internal(),
        }
    }
}

impl Shape for ElementsShape {
    fn render(status: StatusCode, message: String) -> Response {
        // The request id is filled in by the dialect's middleware, which knows it.
        let mut res = (
            status,
            Json(ErrorBody {
                request_id: "",
                message: &message,
            }),
        )
            .into_response();
        res.extensions_mut().insert(ErrorMessage(message));
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
