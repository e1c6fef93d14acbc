//! The statuses every family of errors builds on: ErrorInfo and BadRequest details kept
//! small enough to travel, and the answers shared across families.

use roster_domain::{FieldViolations, StorageError, StorageFault, TryLater};
use roster_proto::v1::ErrorReason;
use std::collections::HashMap;
use std::time::Duration;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// The ErrorInfo domain of every Roster error.
pub const ERROR_DOMAIN: &str = "roster.v1";

/// The most field violations a status carries, and the longest description. A status
/// travels in HTTP/2 trailers (`grpc-message`, `grpc-status-details-bin`), whose size every
/// peer limits: a request with thousands of bad items must still be refused with a status
/// that arrives, not break the connection (the client saw an h2 COMPRESSION_ERROR, or
/// RESOURCE_EXHAUSTED, instead of INVALID_ARGUMENT). The first violations are the ones a
/// caller fixes first.
const MAX_VIOLATIONS: usize = 20;
const MAX_DESCRIPTION_CHARS: usize = 256;

fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_DESCRIPTION_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// `field: description; ...` of the first violations, and how many more there are.
fn summary(v: &FieldViolations) -> String {
    let shown: Vec<String> = v
        .iter()
        .take(MAX_VIOLATIONS)
        .map(|fv| format!("{}: {}", fv.field, bounded(&fv.description)))
        .collect();
    let more = v.iter().count().saturating_sub(MAX_VIOLATIONS);
    if more == 0 {
        shown.join("; ")
    } else {
        format!("{}; and {more} more", shown.join("; "))
    }
}

fn error_info(reason: ErrorReason, metadata: &[(&str, String)]) -> ErrorDetails {
    let meta: HashMap<String, String> = metadata
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    ErrorDetails::with_error_info(reason.as_str_name(), ERROR_DOMAIN, meta)
}

/// A status with an ErrorInfo reason, optional metadata and optional field violations (the
/// first [`MAX_VIOLATIONS`] of them).
pub(crate) fn status(
    code: Code,
    message: impl Into<String>,
    reason: ErrorReason,
    metadata: &[(&str, String)],
    violations: Option<&FieldViolations>,
) -> Status {
    let mut d = error_info(reason, metadata);
    if let Some(v) = violations {
        for fv in v.iter().take(MAX_VIOLATIONS) {
            d.add_bad_request_violation(fv.field.clone(), bounded(&fv.description));
        }
    }
    Status::with_error_details(code, message, d)
}

pub(super) fn invalid(v: &FieldViolations) -> Status {
    status(
        Code::InvalidArgument,
        format!("invalid request: {}", summary(v)),
        ErrorReason::InvalidField,
        &[],
        Some(v),
    )
}

/// An item of a list field that names nothing that exists: the violation sits at `field`.
pub(super) fn unknown_item(
    reason: ErrorReason,
    message: String,
    field: String,
    description: &str,
) -> Status {
    let v = FieldViolations::single(field, description);
    status(Code::InvalidArgument, message, reason, &[], Some(&v))
}

/// RESOURCE_EXHAUSTED with a RetryInfo delay (also in the ErrorInfo metadata, in seconds):
/// nothing was changed, and the same request may succeed after `retry_after`.
pub(super) fn retry_later(reason: ErrorReason, message: String, retry_after: Duration) -> Status {
    let mut d = error_info(
        reason,
        &[("retry_after_secs", retry_after.as_secs().to_string())],
    );
    d.set_retry_info(Some(retry_after));
    Status::with_error_details(Code::ResourceExhausted, message, d)
}

/// Too much work waiting (password hashing): reason TRY_LATER, after at least a second.
pub(super) fn try_later(t: TryLater) -> Status {
    let retry_after = t.retry_after.max(Duration::from_secs(1));
    retry_later(ErrorReason::TryLater, t.to_string(), retry_after)
}

/// NOT_FOUND, with no details beyond the reason.
pub(super) fn not_found(message: impl Into<String>, reason: ErrorReason) -> Status {
    status(Code::NotFound, message, reason, &[], None)
}

/// ALREADY_EXISTS: another holds the value of `field`, which the ErrorInfo metadata names.
pub(super) fn already_exists(message: String, reason: ErrorReason, field: &str) -> Status {
    let metadata = [("field", field.to_owned())];
    status(Code::AlreadyExists, message, reason, &metadata, None)
}

/// The tenant is gone, e.g. the token names a tenant that has since been deleted.
pub(super) fn tenant_gone() -> Status {
    not_found("tenant not found", ErrorReason::TenantNotFound)
}

pub(super) fn user_not_found() -> Status {
    not_found("user not found", ErrorReason::UserNotFound)
}

/// What the client learns of any internal failure: nothing (it is logged where it happens).
pub(super) fn opaque_internal() -> Status {
    status(
        Code::Internal,
        "internal error",
        ErrorReason::Internal,
        &[],
        None,
    )
}

/// An internal failure that is no storage error: logged with `context`, answered opaquely.
pub(crate) fn opaque(context: &str) -> Status {
    tracing::error!(context, "Internal failure.");
    opaque_internal()
}

/// A storage failure, by what the adapter said of it: TRY_LATER when no connection came free
/// in time (as for a busy hasher), DEADLINE_EXCEEDED when the call's deadline ran out in the
/// database, UNAVAILABLE when the database cannot be reached; otherwise internal, and the
/// client learns nothing of it.
pub(crate) fn storage_failure(context: &str, err: &StorageError) -> Status {
    match err.fault() {
        StorageFault::Failed => {
            tracing::error!(error = ?err, context, "Storage failure.");
            opaque_internal()
        }
        StorageFault::Busy => {
            tracing::warn!(error = ?err, context, "No database connection came free in time.");
            let retry_after = Duration::from_secs(1);
            retry_later(
                ErrorReason::TryLater,
                "the service is busy; try again later".to_owned(),
                retry_after,
            )
        }
        StorageFault::DeadlineExceeded => {
            tracing::warn!(error = ?err, context, "The call's deadline ran out in the database.");
            Status::deadline_exceeded("the deadline ran out before the database answered")
        }
        StorageFault::Unreachable => {
            tracing::warn!(error = ?err, context, "The database cannot be reached.");
            Status::unavailable("the database cannot be reached; try again")
        }
    }
}

/// A page token that is malformed, altered, or made for another query.
pub(crate) fn invalid_page_token() -> Status {
    let v = FieldViolations::single("page_token", "is invalid or belongs to another query");
    status(
        Code::InvalidArgument,
        "invalid page token",
        ErrorReason::InvalidPageToken,
        &[],
        Some(&v),
    )
}

/// The caller's token lacks `scope`, or names no tenant where one is needed.
pub(crate) fn missing_scope(scope: &str) -> Status {
    status(
        Code::PermissionDenied,
        format!("the token lacks the `{scope}` scope"),
        ErrorReason::MissingScope,
        &[("scope", scope.to_owned())],
        None,
    )
}

/// The google.rpc.Status message of a status, for per-item results.
pub(crate) fn to_rpc_status(s: &Status) -> tonic_types::Status {
    use prost::Message as _;
    let plain = || tonic_types::Status {
        code: s.code() as i32,
        message: s.message().to_owned(),
        details: Vec::new(),
    };
    // A status made without details (out of time, unavailable) has none to decode, and empty
    // bytes decode as a status of code 0: OK, which would turn the failure into a success.
    if s.details().is_empty() {
        return plain();
    }
    tonic_types::Status::decode(s.details()).unwrap_or_else(|_| plain())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::IntoStatus as _;

    #[test]
    fn a_status_without_details_keeps_its_code_as_an_item_status() {
        for s in [
            Status::deadline_exceeded("late"),
            Status::unavailable("down"),
        ] {
            let item = to_rpc_status(&s);
            assert_eq!(
                (item.code, item.message.as_str()),
                (s.code() as i32, s.message())
            );
        }
        let busy = retry_later(
            ErrorReason::TryLater,
            "busy".to_owned(),
            Duration::from_secs(1),
        );
        let item = to_rpc_status(&busy);
        assert_eq!(item.code, busy.code() as i32);
        assert!(!item.details.is_empty(), "the reason and retry delay stay");
    }
    use roster_domain::users::{
        ChangePasswordError, CreateUserError, UpdateUserError, VerifyPasswordError,
    };

    #[test]
    fn a_status_carries_a_bounded_number_of_bounded_violations() {
        let mut v = FieldViolations::new();
        for i in 0..1000 {
            v.add(format!("user.folders[{i}]"), "x".repeat(10_000));
        }
        let s = invalid(&v);
        let details = s.get_details_bad_request().unwrap().field_violations;
        assert_eq!(details.len(), MAX_VIOLATIONS);
        assert_eq!(details[0].field, "user.folders[0]");
        assert!(details[0].description.chars().count() <= MAX_DESCRIPTION_CHARS + 3);
        assert!(s.message().ends_with("; and 980 more"), "{}", s.message());
        assert!(s.message().len() < 8 * 1024);
        let one = invalid(&FieldViolations::single("user.email", "is invalid"));
        assert_eq!(one.message(), "invalid request: user.email: is invalid");
    }

    #[test]
    fn storage_failures_say_whether_trying_again_may_help() {
        let err = |fault| StorageError::with_fault(fault, std::io::Error::other("x"));
        let failed = storage_failure("t", &err(StorageFault::Failed));
        assert_eq!(failed.code(), Code::Internal);
        assert_eq!(failed.message(), "internal error");
        let busy = storage_failure("t", &err(StorageFault::Busy));
        assert_eq!(busy.code(), Code::ResourceExhausted);
        assert_eq!(busy.get_details_error_info().unwrap().reason, "TRY_LATER");
        let delay = busy.get_details_retry_info().unwrap().retry_delay;
        assert_eq!(delay, Some(Duration::from_secs(1)));
        let late = storage_failure("t", &err(StorageFault::DeadlineExceeded));
        assert_eq!(late.code(), Code::DeadlineExceeded);
        let down = storage_failure("t", &err(StorageFault::Unreachable));
        assert_eq!(down.code(), Code::Unavailable);
    }

    #[test]
    fn a_busy_hasher_is_resource_exhausted_try_later_with_a_retry_delay() {
        let busy = TryLater {
            retry_after: Duration::from_secs(1),
        };
        for s in [
            CreateUserError::TryLater(busy).into_status(),
            ChangePasswordError::TryLater(busy).into_status(),
            VerifyPasswordError::TryLater(busy).into_status(),
            UpdateUserError::TryLater(busy).into_status(),
        ] {
            assert_eq!(s.code(), Code::ResourceExhausted);
            assert_eq!(s.get_details_error_info().unwrap().reason, "TRY_LATER");
            let delay = s.get_details_retry_info().unwrap().retry_delay;
            assert_eq!(delay, Some(Duration::from_secs(1)));
        }
    }
}
