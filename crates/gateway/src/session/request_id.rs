//! Request ids: taken from `x-request-id` / `request-id` when the client sent a sane one,
//! otherwise a new UUID; kept in the request's extensions for handlers and dialect headers,
//! echoed as `x-request-id`, and passed to the core in gRPC metadata. A request's id also
//! carries its client's address ([`super::ClientAddress`]), its deadline ([`super::Deadline`])
//! and, for a keyed write, its idempotency gate ([`super::idempotency`]), so that whatever
//! calls the core for the request has all of them.

use super::idempotency::Gate;
use super::{ClientAddress, Deadline};
use axum::extract::{FromRequestParts, Request};
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use http::request::Parts;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId {
    id: Arc<str>,
    client: Option<IpAddr>,
    deadline: Option<Instant>,
    gate: Option<Gate>,
}

impl RequestId {
    pub fn new() -> Self {
        Self::from_id(uuid::Uuid::new_v4().to_string().into())
    }

    fn from_id(id: Arc<str>) -> Self {
        Self {
            id,
            client: None,
            deadline: None,
            gate: None,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.id
    }

    /// The client's address as [`super::client_address::assign`] determined it.
    pub fn client(&self) -> Option<IpAddr> {
        self.client
    }

    /// When the request's calls to the core must be done, as [`super::deadline::assign`]
    /// set it (none outside that middleware, in tests).
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The gate of a keyed write (see [`super::idempotency`]).
    pub(crate) fn gate(&self) -> Option<&Gate> {
        self.gate.as_ref()
    }

    /// The id [`assign`] gave this request (a fresh one outside the middleware, in tests).
    pub fn of(parts: &Parts) -> Self {
        Self::in_extensions(&parts.extensions)
    }

    /// The same, from a whole request.
    pub fn of_request<B>(req: &http::Request<B>) -> Self {
        Self::in_extensions(req.extensions())
    }

    fn in_extensions(e: &http::Extensions) -> Self {
        let mut id = e.get::<Self>().cloned().unwrap_or_default();
        id.client = e.get::<ClientAddress>().and_then(|c| c.0);
        id.deadline = e.get::<Deadline>().map(|d| d.0);
        id.gate = e.get::<Gate>().cloned();
        id
    }
}

impl Default for RequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.id)
    }
}

fn from_client(parts: &http::HeaderMap) -> Option<RequestId> {
    ["x-request-id", "request-id"].iter().find_map(|h| {
        let v = parts.get(*h)?.to_str().ok()?.trim();
        let ok = (1..=128).contains(&v.len())
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
        ok.then(|| RequestId::from_id(v.into()))
    })
}

/// Middleware: assigns the id and echoes it.
pub async fn assign(mut req: Request, next: Next) -> Response {
    let id = from_client(req.headers()).unwrap_or_default();
    req.extensions_mut().insert(id.clone());
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(id.as_str()) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::of(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_kept_only_when_sane() {
        let mut h = http::HeaderMap::new();
        h.insert("x-request-id", HeaderValue::from_static("abc-123"));
        assert_eq!(from_client(&h).unwrap().as_str(), "abc-123");
        h.insert("x-request-id", HeaderValue::from_static("no spaces please"));
        assert!(from_client(&h).is_none());
        assert_eq!(RequestId::new().as_str().len(), 36);
    }
}
