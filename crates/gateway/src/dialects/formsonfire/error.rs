//! Forms On Fire errors: an HTTP status (200/400/401/405 as the vendor documents, 5xx only
//! when Roster itself fails or is busy: 503 with `Retry-After`) and a filled `ResponseStatus`. Core errors are mapped from their
//! gRPC code, `ErrorInfo` reason and `BadRequest` field violations, never from message text,
//! and internal failures say nothing about their cause.
//!
//! Error codes (DESIGN: the vendor publishes none): `NotEmpty` (a required member is
//! missing), `InvalidValue` (a member has a bad value), `DuplicateEmail`,
//! `DuplicateExternalId`, `NotFound` (no such user, folder or group), `Unauthorized`,
//! `MethodNotAllowed`, `SerializationException` (a body that cannot be read),
//! `RequestTooLarge`, `InternalServerError`, `ServiceUnavailable`. The top-level code and
//! message are the first field error's, as ServiceStack's validation feature does it.

use super::response_status::{FieldError, ResponseStatus};
use crate::core_error::{CoreError, Kind};
use crate::session::idempotency::KeyRefusal;
use http::StatusCode;
use roster_proto::v1::ErrorReason;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FofError {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) errors: Vec<FieldError>,
    /// Seconds for `Retry-After` (a busy, unreachable or late core).
    pub(crate) retry_after: Option<u64>,
}

pub(crate) fn field(code: &str, name: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        error_code: code.to_owned(),
        field_name: name.to_owned(),
        message: message.into(),
    }
}

/// The Forms On Fire member a core field path names (`user.first_name` -> `FirstName`,
/// `user.groups[2]` -> `Groups[2]`).
fn member_of(path: &str) -> String {
    let path = path.strip_prefix("user.").unwrap_or(path);
    let (base, index) = match path.split_once('[') {
        Some((b, rest)) => (b, Some(rest)),
        None => (path, None),
    };
    let name = match base {
        "email" | "login" => "Email",
        "first_name" => "FirstName",
        "last_name" => "LastName",
        "external_id" => "ExternalId",
        "time_zone" => "TimeZone",
        "country" => "Country",
        "metadata" => "Metadata",
        "status" => "Status",
        "access_level" => "WebsiteRole",
        "license_type" => "Type",
        "groups" => "Groups",
        "folders" => "Folders",
        "password" => "Password",
        "id" | "key" => "Id",
        "page_size" => "PageSize",
        "skip" => "PageNo",
        other => other,
    };
    match index {
        Some(rest) => format!("{name}[{rest}"),
        None => name.to_owned(),
    }
}

impl FofError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// 400 naming every bad member; the first one heads the status.
    pub(crate) fn fields(errors: Vec<FieldError>) -> Self {
        let (code, message) = errors.first().map_or_else(
            || {
                (
                    "InvalidValue".to_owned(),
                    "The request is invalid.".to_owned(),
                )
            },
            |e| (e.error_code.clone(), e.message.clone()),
        );
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            message,
            errors,
            retry_after: None,
        }
    }

    pub(crate) fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// A body that is not JSON or XML we read (DTDs and entities included).
    pub(crate) fn unreadable(message: impl Into<String>) -> Self {
        Self::bad_request("SerializationException", message)
    }

    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "Invalid CompanyId or IntegrationKey.",
        )
    }

    pub(crate) fn user_not_found() -> Self {
        Self::bad_request("NotFound", "User not found.")
    }

    /// A path or verb the API does not have.
    pub(crate) fn no_endpoint(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!("The endpoint {method} {path} does not exist."),
        )
    }

    /// A keyed write refused before it runs (see [`crate::session::idempotency`]).
    pub(crate) fn keyed(why: KeyRefusal) -> Self {
        match why {
            KeyRefusal::Core(e) => Self::from_core(&e),
            KeyRefusal::Malformed => Self::bad_request("InvalidValue", why.message()),
            KeyRefusal::Body(_) => Self::bad_request("RequestTooLarge", why.message()),
            KeyRefusal::InUse => Self::new(why.status(), "Conflict", why.message()),
            KeyRefusal::Reused => Self::new(why.status(), "UnprocessableEntity", why.message()),
        }
    }

    pub(crate) fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "An internal error occurred.",
        )
    }

    pub(crate) fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The service is unavailable; try again later.",
        )
    }

    /// The ResponseStatus this error is answered with.
    pub(crate) fn response_status(&self) -> ResponseStatus {
        ResponseStatus {
            error_code: Some(self.code.clone()),
            message: Some(self.message.clone()),
            errors: Some(self.errors.clone()),
        }
    }

    /// A core error as the vendor would report it.
    pub(crate) fn from_core(e: &CoreError) -> Self {
        match e.kind {
            Kind::Invalid => {
                let code = match e.reason {
                    Some(
                        ErrorReason::GroupNotFound
                        | ErrorReason::FolderNotFound
                        | ErrorReason::UserNotFound,
                    ) => "NotFound",
                    _ => "InvalidValue",
                };
                let errors: Vec<FieldError> = e
                    .violations
                    .iter()
                    .map(|v| field(code, &member_of(&v.field), v.description.clone()))
                    .collect();
                if errors.is_empty() {
                    Self::bad_request(code, e.message.clone())
                } else {
                    Self::fields(errors)
                }
            }
            Kind::Taken => match e.reason {
                Some(ErrorReason::EmailTaken | ErrorReason::LoginTaken) => {
                    Self::fields(vec![field(
                        "DuplicateEmail",
                        "Email",
                        "A user with this email already exists.",
                    )])
                }
                Some(ErrorReason::ExternalIdTaken) => Self::fields(vec![field(
                    "DuplicateExternalId",
                    "ExternalId",
                    "A user with this external id already exists.",
                )]),
                _ => Self::bad_request("Conflict", e.message.clone()),
            },
            Kind::NotFound if e.is(ErrorReason::UserNotFound) => Self::user_not_found(),
            Kind::NotFound => Self::bad_request("NotFound", e.message.clone()),
            // Valid credentials, but the core's policy refuses the change (the owner's
            // account): ServiceStack answers an UnauthorizedAccessException with 403.
            Kind::Forbidden if e.is(ErrorReason::PermissionDenied) => Self::new(
                StatusCode::FORBIDDEN,
                "UnauthorizedAccessException",
                e.message.clone(),
            ),
            Kind::Unauthenticated | Kind::Forbidden => Self::unauthorized(),
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
                    "The service did not answer in time; try again later.",
                )
            },
            // The core is busy (TRY_LATER): 503 with `Retry-After`.
            Kind::Busy => Self {
                retry_after: e.retry_after,
                ..Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ServiceUnavailable",
                    "The service is busy; try again later.",
                )
            },
            Kind::Exhausted => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                "Too many requests; try again later.",
            ),
            Kind::Internal => Self::internal(),
        }
    }
}

impl From<CoreError> for FofError {
    fn from(e: CoreError) -> Self {
        Self::from_core(&e)
    }
}

impl From<tonic::Status> for FofError {
    fn from(s: tonic::Status) -> Self {
        Self::from_core(&s.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core_error::fake;
    use tonic::Code;

    fn core(code: Code, reason: ErrorReason, fields: &[&str]) -> FofError {
        FofError::from(fake::status(code, reason, fields))
    }

    #[test]
    fn field_violations_name_the_vendor_members() {
        let e = core(
            Code::InvalidArgument,
            ErrorReason::InvalidField,
            &["user.external_id", "user.groups[1]", "password"],
        );
        assert_eq!(e.status, 400);
        let names: Vec<&str> = e.errors.iter().map(|f| f.field_name.as_str()).collect();
        assert_eq!(names, ["ExternalId", "Groups[1]", "Password"]);
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("InvalidValue", "is wrong")
        );
        let folder = core(
            Code::InvalidArgument,
            ErrorReason::FolderNotFound,
            &["user.folders[0]"],
        );
        assert_eq!(folder.errors[0].error_code, "NotFound");
        assert_eq!(folder.errors[0].field_name, "Folders[0]");
    }

    #[test]
    fn collisions_and_failures_are_reported_without_core_text() {
        let dup = core(Code::AlreadyExists, ErrorReason::EmailTaken, &[]);
        assert_eq!(
            (dup.status.as_u16(), dup.code.as_str()),
            (400, "DuplicateEmail")
        );
        assert_eq!(dup.errors[0].field_name, "Email");
        let gone = core(Code::NotFound, ErrorReason::UserNotFound, &[]);
        assert_eq!(
            (gone.status.as_u16(), gone.code.as_str()),
            (400, "NotFound")
        );
        let boom = FofError::from(tonic::Status::internal("db on fire"));
        assert_eq!(boom.status, 500);
        assert!(!boom.message.contains("fire"));
        assert_eq!(
            FofError::from(tonic::Status::unauthenticated("x")).status,
            401
        );
        let busy = FofError::from(fake::busy(1));
        assert_eq!(
            (busy.status.as_u16(), busy.code.as_str(), busy.retry_after),
            (503, "ServiceUnavailable", Some(1))
        );
    }
}
