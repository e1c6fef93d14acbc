//! `Idempotency-Key` (the IETF httpapi draft) on every dialect's writes, in one layer.
//!
//! A POST, PUT, PATCH or DELETE that carries the header is claimed in the core
//! (`IdempotencyService`, so that the claim holds across gateways, replicas and restarts),
//! within its caller's scope: the tenant and the credential of the request. The first request
//! with a key runs and its answer is kept; a retry with the same key and the same request
//! (method, path with query, body) gets that answer again, marked `Idempotent-Replayed: true`,
//! without running; the same key with another request is a 422, and a retry while the first
//! still runs a 409, each in the dialect's error shape. Answers that say "try again" are not
//! kept (see [`answer::keeps`]): the key is released and a retry runs.
//!
//! Whose key it is depends on the credential, and only the dialect knows how to read its
//! credential (a signature, a bearer token, two secrets, a company id and key that may sit in
//! the body). So the layer does not authenticate. It puts a [`Gate`] in the request (the
//! request's [`RequestId`] carries it, and every dialect's authentication receives that), the
//! route authenticates as it always does, and hands over the core as its caller reaches it
//! ([`Core::admit`]) before its first call. The layer claims the key with that very core, so
//! with the same token, from which the core derives the scope; and the route goes on only
//! when the claim is granted. Otherwise the layer drops the route, which has done nothing yet,
//! and answers itself. A route that ends before it admits (a refused credential, an unknown
//! path) is answered as it is, and nothing is claimed.

mod answer;
mod gate;
mod settle;

pub(crate) use gate::{Admission, Gate, Halted};

use super::body::{BodyError, BodyRules};
use super::{Core, RequestId};
use crate::core_error::CoreError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, Method, StatusCode, Uri};
use roster_proto::v1 as pb;
use roster_proto::v1::ErrorReason;
use roster_proto::v1::claim_idempotency_key_response::Outcome;
use tonic_types::StatusExt as _;

/// The request header.
pub(crate) const HEADER: &str = "idempotency-key";
/// The response header of an answer sent again.
pub(crate) const REPLAYED: &str = "idempotent-replayed";

/// Why a keyed write is answered before it runs. Each dialect words it in its own error
/// shape (`refuse_key` beside its error type).
#[derive(Debug)]
pub(crate) enum KeyRefusal {
    /// The header is not one key: several values, or a broken quoted string (400).
    Malformed,
    /// The body cannot be read whole: larger than the gateway takes (413), or broken (400).
    Body(BodyError),
    /// The first request with this key is still running (409).
    InUse,
    /// The key was used for another request (422).
    Reused,
    /// The core refused or failed the claim: the dialect's usual answer to it.
    Core(CoreError),
}

impl KeyRefusal {
    /// The status of every refusal but [`Self::Core`] (whose status is the dialect's).
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::Malformed | Self::Body(BodyError::Unreadable | BodyError::MediaType(_)) => {
                StatusCode::BAD_REQUEST
            }
            Self::Body(BodyError::TooLarge(_)) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::InUse => StatusCode::CONFLICT,
            Self::Reused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Core(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The status and message of the gateway's own refusals, or the core's error to answer
    /// the dialect's usual way.
    pub(crate) fn split(self) -> Result<(StatusCode, String), CoreError> {
        match self {
            Self::Core(e) => Err(e),
            own @ (Self::Malformed | Self::Body(_) | Self::InUse | Self::Reused) => {
                Ok((own.status(), own.message()))
            }
        }
    }

    /// What every refusal but [`Self::Core`] says.
    pub(crate) fn message(&self) -> String {
        match self {
            Self::Malformed => {
                "Idempotency-Key must be one key: 1 to 255 printable ASCII characters".to_owned()
            }
            Self::Body(e) => e.to_string(),
            Self::InUse => "A request with this Idempotency-Key is still being processed; \
                            retry it later"
                .to_owned(),
            Self::Reused => "This Idempotency-Key was used for a different request; use a \
                             new key for a new request"
                .to_owned(),
            Self::Core(e) => e.message.clone(),
        }
    }
}

/// The request a refusal answers, as far as a dialect words it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Asked<'a> {
    pub(crate) uri: &'a Uri,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) rid: &'a RequestId,
}

/// How a dialect answers a [`KeyRefusal`].
pub(crate) type Refuse = fn(&Asked<'_>, KeyRefusal) -> Response;

fn is_write(m: &Method) -> bool {
    matches!(
        *m,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// A failed claim: the key's own refusals by their reason, the rest as the core's errors.
fn claim_refused(s: &tonic::Status) -> KeyRefusal {
    let reason = s
        .get_details_error_info()
        .and_then(|i| ErrorReason::from_str_name(&i.reason));
    match reason {
        Some(ErrorReason::IdempotencyKeyInUse) => KeyRefusal::InUse,
        Some(ErrorReason::IdempotencyKeyReused) => KeyRefusal::Reused,
        _ => KeyRefusal::Core(CoreError::from(s)),
    }
}

/// Middleware around every route; `max_body_bytes` is the gateway's body limit.
pub(crate) async fn guard(
    State(max_body_bytes): State<usize>,
    req: Request,
    next: Next,
) -> Response {
    if !is_write(req.method()) || !req.headers().contains_key(HEADER) {
        return next.run(req).await;
    }
    let Some(refuse) = crate::dialects::refusal_of(req.uri().path()) else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let rid = RequestId::of(&parts);
    let (uri, headers) = (parts.uri.clone(), parts.headers.clone());
    let asked = Asked {
        uri: &uri,
        headers: &headers,
        rid: &rid,
    };
    let Some(key) = answer::key_of(&parts.headers) else {
        return refuse(&asked, KeyRefusal::Malformed);
    };
    let bytes = match super::body::read(body, &BodyRules::json(max_body_bytes)).await {
        Ok(b) => b,
        Err(e) => return refuse(&asked, KeyRefusal::Body(e)),
    };
    let fingerprint = answer::fingerprint(&parts.method, &parts.uri, &bytes);
    let (gate, admission) = Gate::new();
    parts.extensions.insert(gate);
    let route = next.run(Request::from_parts(parts, Body::from(bytes)));
    tokio::pin!(route);
    let admitted = tokio::select! {
        biased;
        a = admission => a.ok(),
        res = &mut route => return res,
    };
    // Nobody will admit any more (the route let go of its gate): it runs as it is.
    let Some(Admission { core, go }) = admitted else {
        return route.await;
    };
    let claim = core
        .idempotency()
        .claim(pb::ClaimIdempotencyKeyRequest {
            key: key.clone(),
            fingerprint: fingerprint.to_vec(),
        })
        .await;
    let claim_id = match claim.map(|r| r.into_inner().outcome) {
        Ok(Some(Outcome::ClaimId(id))) => id,
        Ok(Some(Outcome::Replay(a))) => return answer::replayed(a),
        Ok(None) => {
            let e = CoreError::from(tonic::Status::internal("a claim without an outcome"));
            return refuse(&asked, KeyRefusal::Core(e));
        }
        Err(s) => return refuse(&asked, claim_refused(&s)),
    };
    // The route waits for this; it cannot have gone.
    let _ = go.send(());
    let res = route.await;
    settle(&core, key, claim_id, res, &asked, refuse).await
}

/// Keeps the route's answer for the key, or releases the key (in the background when the
/// core cannot take it now: [`settle::Settlement`]); then sends the answer, which the
/// request earned whether or not it could be kept.
async fn settle(
    core: &Core,
    key: String,
    claim_id: String,
    res: Response,
    asked: &Asked<'_>,
    refuse: Refuse,
) -> Response {
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.ok();
    let answer = bytes
        .as_ref()
        .filter(|_| answer::keeps(parts.status))
        .map(|b| answer::kept(parts.status, &parts.headers, b));
    let settlement = settle::Settlement {
        key,
        claim_id,
        answer,
    };
    settlement.settle(core).await;
    if let Some(b) = bytes {
        Response::from_parts(parts, Body::from(b))
    } else {
        let e = CoreError::from(tonic::Status::internal("the answer could not be read"));
        refuse(asked, KeyRefusal::Core(e))
    }
}
