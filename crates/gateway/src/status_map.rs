//! The one table from gRPC codes to HTTP statuses, following google/rpc/code.proto's
//! "HTTP Mapping" notes. Dialects start from it and override where their vendor differs.

use http::StatusCode;
use roster_proto::v1::ErrorReason;
use tonic::Code;
use tonic_types::StatusExt as _;

pub fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
            StatusCode::BAD_REQUEST
        }
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        // 499 is nginx's "client closed request", as code.proto suggests.
        Code::Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST),
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// When the core refused a request as busy (reason `TRY_LATER`: no password hashing slot in
/// time), the seconds a client should wait (its `RetryInfo`, at least 1); otherwise `None`.
/// Every dialect answers it with its own "try later" (503 and `Retry-After`).
pub fn try_later_secs(s: &tonic::Status) -> Option<u64> {
    let reason = s.get_details_error_info()?.reason;
    if ErrorReason::from_str_name(&reason) != Some(ErrorReason::TryLater) {
        return None;
    }
    let delay = s.get_details_retry_info().and_then(|r| r.retry_delay);
    Some(delay.map_or(1, |d| d.as_secs().max(1)))
}

/// A TRY_LATER status as the user service sends it, for the dialects' tests.
#[cfg(test)]
pub(crate) fn busy_status(retry_secs: u64) -> tonic::Status {
    let mut d = tonic_types::ErrorDetails::with_error_info(
        ErrorReason::TryLater.as_str_name(),
        "roster.v1",
        std::collections::HashMap::<String, String>::new(),
    );
    d.set_retry_info(Some(std::time::Duration::from_secs(retry_secs)));
    tonic::Status::with_error_details(Code::ResourceExhausted, "the service is busy", d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_try_later_reasons_give_a_retry_delay() {
        assert_eq!(try_later_secs(&busy_status(1)), Some(1));
        assert_eq!(try_later_secs(&busy_status(0)), Some(1));
        assert_eq!(try_later_secs(&busy_status(7)), Some(7));
        let guesses = tonic_types::ErrorDetails::with_error_info(
            ErrorReason::PasswordGuessesExceeded.as_str_name(),
            "roster.v1",
            std::collections::HashMap::<String, String>::new(),
        );
        let s = tonic::Status::with_error_details(Code::ResourceExhausted, "x", guesses);
        assert_eq!(try_later_secs(&s), None);
        assert_eq!(
            try_later_secs(&tonic::Status::resource_exhausted("x")),
            None
        );
    }

    /// Pinned, because implementations disagree (grpc-gateway maps FAILED_PRECONDITION to
    /// 412 where code.proto says 400).
    #[test]
    fn every_code_has_its_pinned_status() {
        let table = [
            (Code::Ok, 200),
            (Code::Cancelled, 499),
            (Code::Unknown, 500),
            (Code::InvalidArgument, 400),
            (Code::DeadlineExceeded, 504),
            (Code::NotFound, 404),
            (Code::AlreadyExists, 409),
            (Code::PermissionDenied, 403),
            (Code::ResourceExhausted, 429),
            (Code::FailedPrecondition, 400),
            (Code::Aborted, 409),
            (Code::OutOfRange, 400),
            (Code::Unimplemented, 501),
            (Code::Internal, 500),
            (Code::Unavailable, 503),
            (Code::DataLoss, 500),
            (Code::Unauthenticated, 401),
        ];
        for (code, want) in table {
            assert_eq!(http_status(code).as_u16(), want, "{code:?}");
        }
    }
}
