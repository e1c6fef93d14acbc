//! SCIM errors (RFC 7644 §3.12): `{"schemas":[…:Error], "status":"400", "scimType":…,
//! "detail":…}` with `application/scim+json`. `status` is a string, as the RFC's examples
//! write it and as identity providers parse it. Internal failures never show the core's
//! message.

use super::SCIM_JSON;
use crate::core_error::{CoreError, Kind};
use crate::session::idempotency::{Asked, KeyRefusal};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode};
use roster_proto::v1::ErrorReason;
use serde::Serialize;
use utoipa::ToSchema;

pub(crate) const ERROR_URN: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The `scimType` keywords of RFC 7644 Table 9 (and RFC 9865's `invalidCursor`) Roster
/// answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScimType {
    InvalidFilter,
    TooMany,
    Uniqueness,
    Mutability,
    InvalidSyntax,
    InvalidPath,
    NoTarget,
    InvalidValue,
    InvalidCursor,
}

impl ScimType {
    fn as_str(self) -> &'static str {
        match self {
            Self::InvalidFilter => "invalidFilter",
            Self::TooMany => "tooMany",
            Self::Uniqueness => "uniqueness",
            Self::Mutability => "mutability",
            Self::InvalidSyntax => "invalidSyntax",
            Self::InvalidPath => "invalidPath",
            Self::NoTarget => "noTarget",
            Self::InvalidValue => "invalidValue",
            Self::InvalidCursor => "invalidCursor",
        }
    }
}

/// Every SCIM error, as sent and as described.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = scim::Error)]
pub(crate) struct ErrorBody<'a> {
    /// Always `["urn:ietf:params:scim:api:messages:2.0:Error"]`.
    schemas: [&'a str; 1],
    /// The HTTP status, as a string.
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    scim_type: Option<&'a str>,
    detail: &'a str,
}

/// A refusal in SCIM's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScimError {
    pub(crate) status: StatusCode,
    pub(crate) scim_type: Option<ScimType>,
    pub(crate) detail: String,
    /// Seconds a client should wait (`Retry-After`).
    pub(crate) retry_after: Option<u64>,
}

impl ScimError {
    pub(crate) fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            scim_type: None,
            detail: detail.into(),
            retry_after: None,
        }
    }

    /// A 400 with a `scimType`.
    pub(crate) fn bad(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self {
            scim_type: Some(scim_type),
            ..Self::new(StatusCode::BAD_REQUEST, detail)
        }
    }

    pub(crate) fn typed(mut self, scim_type: ScimType) -> Self {
        self.scim_type = Some(scim_type);
        self
    }

    pub(crate) fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad(ScimType::InvalidValue, detail)
    }

    pub(crate) fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::bad(ScimType::InvalidSyntax, detail)
    }

    pub(crate) fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "A valid provisioning token is required: Authorization: Bearer <token>",
        )
    }

    /// `If-Match` names a version that is no longer current.
    pub(crate) fn precondition() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "The resource was changed: its version no longer matches If-Match",
        )
    }

    pub(crate) fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }

    /// A core error in SCIM's terms; `missing` is this route's text for 404.
    pub(crate) fn from_core(e: &CoreError, missing: &str) -> Self {
        let retry = |mut s: Self| {
            s.retry_after = e.retry_after;
            s
        };
        match e.kind {
            Kind::NotFound => Self::not_found(missing),
            Kind::Invalid if e.is(ErrorReason::EtagMismatch) => Self::precondition(),
            Kind::Invalid if e.is(ErrorReason::TooLarge) => {
                Self::bad(ScimType::TooMany, e.detail().to_owned())
            }
            Kind::Invalid => Self::invalid_value(e.first_violation().map_or_else(
                || e.message.clone(),
                |v| format!("{}: {}", v.field, v.description),
            )),
            Kind::Taken => Self {
                scim_type: Some(ScimType::Uniqueness),
                ..Self::new(StatusCode::CONFLICT, e.message.clone())
            },
            Kind::Unauthenticated => Self::unauthorized(),
            Kind::Forbidden => Self::new(StatusCode::FORBIDDEN, e.message.clone()),
            Kind::Exhausted => retry(Self::new(StatusCode::TOO_MANY_REQUESTS, e.message.clone())),
            Kind::Busy => retry(Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is busy; try again later",
            )),
            Kind::Unavailable => retry(Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is unavailable; try again",
            )),
            // 503 like every "try again" this dialect documents.
            Kind::Timeout => retry(Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "The service did not answer in time; try again",
            )),
            Kind::Internal => Self::internal(),
        }
    }

    /// The error as a JSON value (a Bulk operation's `response`).
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.body()).unwrap_or_default()
    }

    fn body(&self) -> ErrorBody<'_> {
        ErrorBody {
            schemas: [ERROR_URN],
            status: self.status.as_u16().to_string(),
            scim_type: self.scim_type.map(ScimType::as_str),
            detail: &self.detail,
        }
    }
}

impl From<CoreError> for ScimError {
    fn from(e: CoreError) -> Self {
        Self::from_core(&e, "Resource not found")
    }
}

/// A keyed write the gateway answers before it runs (see [`crate::session::idempotency`]).
pub(crate) fn refuse_key(_: &Asked<'_>, why: KeyRefusal) -> Response {
    let malformed = matches!(why, KeyRefusal::Malformed);
    match why.split() {
        Ok((_, message)) if malformed => ScimError::invalid_value(message),
        Ok((status, message)) => ScimError::new(status, message),
        Err(e) => ScimError::from_core(&e, "Not found"),
    }
    .into_response()
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let bytes = serde_json::to_vec(&self.body()).unwrap_or_default();
        let mut res = (self.status, bytes).into_response();
        let h = res.headers_mut();
        h.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(SCIM_JSON),
        );
        if let Some(secs) = self.retry_after {
            h.insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_a_string_and_scim_type_is_left_out_when_unset() {
        let e = ScimError::not_found("Resource 7 not found");
        assert_eq!(
            e.to_json(),
            serde_json::json!({
                "schemas": [ERROR_URN],
                "status": "404",
                "detail": "Resource 7 not found",
            })
        );
        let e = ScimError::bad(ScimType::InvalidFilter, "x");
        assert_eq!(e.to_json()["scimType"], "invalidFilter");
    }

    #[test]
    fn a_busy_core_is_a_503_with_retry_after() {
        let e = ScimError::from_core(&crate::core_error::fake::busy(2).into(), "missing");
        let res = e.into_response();
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()[http::header::RETRY_AFTER], "2");
        assert_eq!(res.headers()[http::header::CONTENT_TYPE], SCIM_JSON);
    }
}
