//! A refusal or failure of the core, read once: its gRPC code, `ErrorInfo` reason (as the
//! generated [`ErrorReason`], never a string), metadata, field violations and retry delay.
//! Dialects only render a [`CoreError`] in their vendor's words; none of them looks inside a
//! `tonic::Status` or compares reasons as text.
//!
//! It is built from either status type the core sends: the `tonic::Status` of a failed call,
//! or the `google.rpc.Status` of one item of a batch.

use bytes::Bytes;
use prost::Message as _;
use roster_proto::v1::ErrorReason;
use std::collections::HashMap;
use tonic::Code;
use tonic_types::StatusExt as _;

/// What kind of answer a core error calls for, whatever the dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The request is wrong: a field, a reference, a page token, an etag.
    Invalid,
    NotFound,
    /// A uniqueness rule: the login, email, external id or name is taken.
    Taken,
    /// The credential or token does not hold (or no longer holds).
    Unauthenticated,
    /// The caller is known, and the core's policy refuses it this.
    Forbidden,
    /// A per-user limit the client tripped (too many wrong passwords).
    Exhausted,
    /// The core is busy (reason `TRY_LATER`): try again after `retry_after`.
    Busy,
    /// The core cannot be reached (or its database cannot), or the call broke off.
    Unavailable,
    /// The request's deadline ran out before the core answered (DEADLINE_EXCEEDED, or
    /// CANCELLED, which is how tonic's own timers report it).
    Timeout,
    /// The core failed. Logged once, here; the client is never told why.
    Internal,
}

/// One field the core refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// The core's field path (`user.email`, `users[3].groups[1]`).
    pub(crate) field: String,
    pub(crate) description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CoreError {
    pub(crate) kind: Kind,
    pub(crate) code: Code,
    pub(crate) reason: Option<ErrorReason>,
    /// The core's message: safe to show for every kind but `Internal`.
    pub(crate) message: String,
    metadata: HashMap<String, String>,
    pub(crate) violations: Vec<Violation>,
    /// Seconds the client should wait (`RetryInfo`, at least 1), when the core said.
    pub(crate) retry_after: Option<u64>,
}

impl CoreError {
    pub(crate) fn is(&self, reason: ErrorReason) -> bool {
        self.reason == Some(reason)
    }

    /// Whether the key the call named was wrong: malformed (a key the core cannot read, such
    /// as a bad email) rather than well formed and missing. Dialects whose vendors look keys
    /// up rather than validate them answer both as "not found".
    pub(crate) fn is_malformed_key(&self) -> bool {
        self.code == Code::InvalidArgument
    }

    /// A value of the `ErrorInfo` metadata (`skew_seconds`, `header`, `rule`, …).
    pub(crate) fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.get(key).map(String::as_str)
    }

    pub(crate) fn first_violation(&self) -> Option<&Violation> {
        self.violations.first()
    }

    /// The first violation's description, or the message when there is none.
    pub(crate) fn detail(&self) -> &str {
        self.first_violation()
            .map_or(self.message.as_str(), |v| v.description.as_str())
    }

    fn read(s: &tonic::Status) -> Self {
        let info = s.get_details_error_info();
        let reason = info
            .as_ref()
            .and_then(|i| ErrorReason::from_str_name(&i.reason));
        let retry_after = s
            .get_details_retry_info()
            .and_then(|r| r.retry_delay)
            .map(|d| d.as_secs().max(1));
        let violations = s
            .get_details_bad_request()
            .map(|b| {
                b.field_violations
                    .into_iter()
                    .map(|v| Violation {
                        field: v.field,
                        description: v.description,
                    })
                    .collect()
            })
            .unwrap_or_default();
        // UNKNOWN with an error of its own was made here, by the transport, not sent by the
        // core: the connection broke mid-call (the user service died, say).
        let broken = s.code() == Code::Unknown && std::error::Error::source(s).is_some();
        let kind = if broken {
            Kind::Unavailable
        } else {
            kind_of(s.code(), reason)
        };
        if kind == Kind::Internal {
            tracing::error!(code = ?s.code(), message = %s.message(), "The core failed.");
        }
        Self {
            kind,
            code: s.code(),
            reason,
            message: s.message().to_owned(),
            metadata: info.map(|i| i.metadata).unwrap_or_default(),
            violations,
            // Every "try again" answer says when.
            retry_after: if matches!(kind, Kind::Busy | Kind::Unavailable | Kind::Timeout) {
                Some(retry_after.unwrap_or(1))
            } else {
                retry_after
            },
        }
    }
}

fn kind_of(code: Code, reason: Option<ErrorReason>) -> Kind {
    if reason == Some(ErrorReason::TryLater) {
        return Kind::Busy;
    }
    match code {
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => Kind::Invalid,
        Code::NotFound => Kind::NotFound,
        Code::AlreadyExists => Kind::Taken,
        Code::Unauthenticated => Kind::Unauthenticated,
        Code::PermissionDenied => Kind::Forbidden,
        Code::ResourceExhausted => Kind::Exhausted,
        Code::Unavailable => Kind::Unavailable,
        Code::DeadlineExceeded | Code::Cancelled => Kind::Timeout,
        Code::Ok
        | Code::Unknown
        | Code::Aborted
        | Code::Unimplemented
        | Code::Internal
        | Code::DataLoss => Kind::Internal,
    }
}

impl From<tonic::Status> for CoreError {
    fn from(s: tonic::Status) -> Self {
        Self::read(&s)
    }
}

impl From<&tonic::Status> for CoreError {
    fn from(s: &tonic::Status) -> Self {
        Self::read(s)
    }
}

/// One batch item's `google.rpc.Status`.
impl From<&tonic_types::Status> for CoreError {
    fn from(s: &tonic_types::Status) -> Self {
        Self::read(&tonic::Status::with_details(
            Code::from(s.code),
            s.message.clone(),
            Bytes::from(s.encode_to_vec()),
        ))
    }
}

/// Core errors as the user service sends them, for the dialects' tests.
#[cfg(test)]
pub(crate) mod fake {
    use super::*;

    pub(crate) fn status(code: Code, reason: ErrorReason, fields: &[&str]) -> tonic::Status {
        let mut d = tonic_types::ErrorDetails::with_error_info(
            reason.as_str_name(),
            "roster.v1",
            HashMap::<String, String>::new(),
        );
        for f in fields {
            d.add_bad_request_violation(*f, "is wrong");
        }
        tonic::Status::with_error_details(code, "core text", d)
    }

    /// The core's TRY_LATER, with a retry delay.
    pub(crate) fn busy(retry_secs: u64) -> tonic::Status {
        let mut d = tonic_types::ErrorDetails::with_error_info(
            ErrorReason::TryLater.as_str_name(),
            "roster.v1",
            HashMap::<String, String>::new(),
        );
        d.set_retry_info(Some(std::time::Duration::from_secs(retry_secs)));
        tonic::Status::with_error_details(Code::ResourceExhausted, "the service is busy", d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_later_is_busy_whatever_the_code_and_waits_at_least_a_second() {
        let e = CoreError::from(fake::busy(7));
        assert_eq!((e.kind, e.retry_after), (Kind::Busy, Some(7)));
        assert_eq!(CoreError::from(fake::busy(0)).retry_after, Some(1));
        let guesses = fake::status(
            Code::ResourceExhausted,
            ErrorReason::PasswordGuessesExceeded,
            &[],
        );
        assert_eq!(CoreError::from(guesses).kind, Kind::Exhausted);
        assert_eq!(
            CoreError::from(tonic::Status::resource_exhausted("x")).retry_after,
            None
        );
    }

    #[test]
    fn reasons_violations_and_metadata_are_read_once() {
        let e = CoreError::from(fake::status(
            Code::InvalidArgument,
            ErrorReason::GroupNotFound,
            &["user.groups[1]", "user.email"],
        ));
        assert_eq!(e.kind, Kind::Invalid);
        assert!(e.is(ErrorReason::GroupNotFound));
        assert_eq!(e.first_violation().unwrap().field, "user.groups[1]");
        assert_eq!(e.violations.len(), 2);
        assert_eq!(e.detail(), "is wrong");
        let mut meta = HashMap::new();
        meta.insert("rule".to_owned(), "owner".to_owned());
        let d = tonic_types::ErrorDetails::with_error_info(
            ErrorReason::PermissionDenied.as_str_name(),
            "roster.v1",
            meta,
        );
        let denied = CoreError::from(tonic::Status::with_error_details(
            Code::PermissionDenied,
            "no",
            d,
        ));
        assert_eq!(
            (denied.kind, denied.meta("rule")),
            (Kind::Forbidden, Some("owner"))
        );
        // An unknown reason string is no reason at all.
        let odd = tonic_types::ErrorDetails::with_error_info(
            "NOT_A_REASON",
            "x",
            HashMap::<String, String>::new(),
        );
        let odd = CoreError::from(tonic::Status::with_error_details(Code::NotFound, "x", odd));
        assert_eq!((odd.kind, odd.reason), (Kind::NotFound, None));
    }

    #[test]
    fn every_code_has_its_kind() {
        use Kind::*;
        let table = [
            (Code::Ok, Internal),
            (Code::Cancelled, Timeout),
            (Code::Unknown, Internal),
            (Code::InvalidArgument, Invalid),
            (Code::DeadlineExceeded, Timeout),
            (Code::NotFound, NotFound),
            (Code::AlreadyExists, Taken),
            (Code::PermissionDenied, Forbidden),
            (Code::ResourceExhausted, Exhausted),
            (Code::FailedPrecondition, Invalid),
            (Code::Aborted, Internal),
            (Code::OutOfRange, Invalid),
            (Code::Unimplemented, Internal),
            (Code::Internal, Internal),
            (Code::Unavailable, Unavailable),
            (Code::DataLoss, Internal),
            (Code::Unauthenticated, Unauthenticated),
        ];
        for (code, kind) in table {
            assert_eq!(kind_of(code, None), kind, "{code:?}");
        }
    }

    #[test]
    fn transport_failures_are_unavailable_and_every_try_again_says_when() {
        // As tonic reports a connection that broke mid-call: UNKNOWN, with the cause.
        let mut broken = tonic::Status::unknown("h2 protocol error: connection reset");
        broken.set_source(std::sync::Arc::new(std::io::Error::other("reset")));
        let e = CoreError::from(broken);
        assert_eq!((e.kind, e.retry_after), (Kind::Unavailable, Some(1)));
        // UNKNOWN as the core sends it is its failure.
        assert_eq!(
            CoreError::from(tonic::Status::unknown("x")).kind,
            Kind::Internal
        );
        let late = CoreError::from(tonic::Status::deadline_exceeded("late"));
        assert_eq!((late.kind, late.retry_after), (Kind::Timeout, Some(1)));
        let down = CoreError::from(tonic::Status::unavailable("down"));
        assert_eq!((down.kind, down.retry_after), (Kind::Unavailable, Some(1)));
    }

    #[test]
    fn a_batch_item_status_reads_like_a_call_status() {
        let s = fake::status(Code::AlreadyExists, ErrorReason::EmailTaken, &[]);
        let item = tonic_types::Status::decode(s.details()).unwrap();
        let e = CoreError::from(&item);
        assert_eq!(
            (e.kind, e.reason),
            (Kind::Taken, Some(ErrorReason::EmailTaken))
        );
        assert_eq!(e.message, "core text");
    }
}
