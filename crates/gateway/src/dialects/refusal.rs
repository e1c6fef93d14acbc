//! The error of the dialects whose answer is a status and a message (Cloud Elements,
//! SureCloud): one type for their constructors and `Retry-After`, each rendering its own body
//! through its [`Shape`].

use axum::response::{IntoResponse, Response};
use http::StatusCode;
use std::marker::PhantomData;

/// How a dialect writes a [`Refusal`] on the wire.
pub(crate) trait Shape: Sized {
    /// The response without `Retry-After` (added by [`Refusal::into_response`]).
    fn render(status: StatusCode, message: String) -> Response;
}

pub(crate) struct Refusal<S> {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    /// Seconds a client should wait (`Retry-After`).
    pub(crate) retry_after: Option<u64>,
    shape: PhantomData<S>,
}

impl<S> Refusal<S> {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            retry_after: None,
            shape: PhantomData,
        }
    }

    /// The same refusal, asking the client to wait `secs` before trying again.
    pub(crate) fn retry_after(mut self, secs: Option<u64>) -> Self {
        self.retry_after = secs;
        self
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
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

    /// Roster failed; the message never says why.
    pub(crate) fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }

    /// The core (or its database) could not be reached.
    pub(crate) fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The service is unavailable; try again",
        )
    }

    /// The request's deadline ran out before the core answered: 503 like the other "try
    /// again" answers, which is what these vendors document (none documents 504).
    pub(crate) fn timed_out() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "The service did not answer in time; try again",
        )
    }
}

impl<S: Shape> IntoResponse for Refusal<S> {
    fn into_response(self) -> Response {
        let mut res = S::render(self.status, self.message);
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
        res
    }
}

// By hand: derives would ask the same of the marker type `S`.
impl<S> std::fmt::Debug for Refusal<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refusal")
            .field("status", &self.status)
            .field("message", &self.message)
            .field("retry_after", &self.retry_after)
            .finish()
    }
}
