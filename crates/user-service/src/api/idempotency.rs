//! `roster.v1.IdempotencyService`: the REST gateway's `Idempotency-Key`, kept by the core so
//! that it holds across gateways and restarts. Any authenticated caller may use it, in its
//! own scope only: the scope is derived from the caller's token, never read from the request,
//! so a caller can neither see, complete nor release another's keys.

use crate::core::{Core, Store};
use crate::idempotency::binding;
use crate::status::{IntoStatus, opaque};
use prost::Message as _;
use roster_domain::FieldViolations;
use roster_domain::idempotency::{Claim, ClaimId, Fingerprint, IdempotencyKey};
use roster_proto::v1 as pb;
use roster_proto::v1::claim_idempotency_key_response::Outcome;
use std::sync::Arc;
use tonic::{Request, Response, Status};

/// The kind an HTTP answer is sealed as (see [`binding`]).
const HTTP: &str = "http";

#[derive(Debug)]
pub struct IdempotencyApi<R> {
    core: Arc<Core<R>>,
}

impl<R> IdempotencyApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

/// The key and claim id of a Complete or Release.
fn claimed(raw_key: &str, raw_claim: &str) -> Result<(IdempotencyKey, ClaimId), Status> {
    let mut v = FieldViolations::new();
    let key = v.check("key", IdempotencyKey::parse(raw_key));
    let claim = v.check(
        "claim_id",
        ClaimId::parse(raw_claim).ok_or("is not a claim id"),
    );
    match (key, claim) {
        (Some(k), Some(c)) if v.is_empty() => Ok((k, c)),
        _ => Err(v.into_status()),
    }
}

#[tonic::async_trait]
impl<R: Store> pb::idempotency_service_server::IdempotencyService for IdempotencyApi<R> {
    async fn claim(
        &self,
        req: Request<pb::ClaimIdempotencyKeyRequest>,
    ) -> Result<Response<pb::ClaimIdempotencyKeyResponse>, Status> {
        let scope = self.core.idempotency_scope(&req).await?;
        let r = req.into_inner();
        let mut v = FieldViolations::new();
        let key = v.check("key", IdempotencyKey::parse(&r.key));
        let fingerprint = v.check("fingerprint", Fingerprint::from_slice(&r.fingerprint));
        let (Some(key), Some(fingerprint)) = (key, fingerprint) else {
            return Err(v.into_status());
        };
        let outcome = match self
            .core
            .idempotency
            .claim(&scope, &key, fingerprint)
            .await
            .map_err(IntoStatus::into_status)?
        {
            Claim::Run(claim) => Outcome::ClaimId(claim.to_string()),
            Claim::Replay(sealed) => Outcome::Replay(
                self.core
                    .sealer
                    .open(&binding(HTTP, &scope, &key), &sealed)
                    .and_then(|plain| pb::HttpAnswer::decode(plain.as_slice()).ok())
                    .ok_or_else(|| opaque("a kept HTTP answer does not open"))?,
            ),
        };
        Ok(Response::new(pb::ClaimIdempotencyKeyResponse {
            outcome: Some(outcome),
        }))
    }

    async fn complete(
        &self,
        req: Request<pb::CompleteIdempotencyKeyRequest>,
    ) -> Result<Response<()>, Status> {
        let scope = self.core.idempotency_scope(&req).await?;
        let r = req.into_inner();
        let (key, claim) = claimed(&r.key, &r.claim_id)?;
        let answer = r
            .answer
            .ok_or_else(|| FieldViolations::single("answer", "is required").into_status())?;
        let sealed = self
            .core
            .sealer
            .seal(&binding(HTTP, &scope, &key), &answer.encode_to_vec());
        self.core.settle(&scope, &key, claim, Some(sealed)).await;
        Ok(Response::new(()))
    }

    async fn release(
        &self,
        req: Request<pb::ReleaseIdempotencyKeyRequest>,
    ) -> Result<Response<()>, Status> {
        let scope = self.core.idempotency_scope(&req).await?;
        let r = req.into_inner();
        let (key, claim) = claimed(&r.key, &r.claim_id)?;
        self.core.settle(&scope, &key, claim, None).await;
        Ok(Response::new(()))
    }
}
