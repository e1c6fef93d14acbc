//! Idempotent retries of the contract's writes (`request_id`, AIP-155) and the scope and
//! sealing that `IdempotencyService` (the REST gateway's `Idempotency-Key`) shares with them.
//!
//! One wrapper, [`Core::once`], runs around every write's handler: an empty `request_id`
//! runs the handler as it is; otherwise the key is claimed in the caller's scope, and either
//! the handler runs and its answer is kept (or the key released, for an answer that says
//! "try again"), or the kept answer is sent again. Which requests take part is the list in
//! [`requests`].

mod requests;
mod seal;
mod unsettled;

pub(crate) use requests::Idempotent;
pub(crate) use seal::Sealer;

use crate::core::{Core, Store};
use crate::status::IntoStatus;
use prost::Message as _;
use roster_domain::FieldViolations;
use roster_domain::idempotency::{Claim, ClaimId, IdempotencyKey, IdempotencyScope};
use sha2::{Digest, Sha256};
use std::future::Future;
use tonic::codegen::Bytes;
use tonic::metadata::{KeyAndValueRef, MetadataKey, MetadataValue};
use tonic::{Code, Request, Response, Status};

/// Response metadata that marks an answer sent again, as `Idempotent-Replayed` does in HTTP.
pub(crate) const REPLAYED_METADATA: &str = "roster-idempotent-replayed";

/// What an answer is bound to when sealed: its kind (`grpc`, `http`), scope and key.
pub(crate) fn binding(kind: &str, scope: &IdempotencyScope, key: &IdempotencyKey) -> Vec<u8> {
    [kind, scope.as_str(), key.as_str()].join("\n").into_bytes()
}

/// A gRPC answer as it is kept: a response with its metadata, or an error.
#[derive(Clone, PartialEq, prost::Message)]
struct GrpcAnswer {
    /// 0 for a response, else the error's code.
    #[prost(int32, tag = "1")]
    code: i32,
    /// The encoded response.
    #[prost(bytes = "vec", tag = "2")]
    message: Vec<u8>,
    /// The response's text metadata (the API secret CreateUser hands over, say).
    #[prost(message, repeated, tag = "3")]
    metadata: Vec<MetadataEntry>,
    #[prost(string, tag = "4")]
    error_message: String,
    /// The error's `google.rpc.Status` details.
    #[prost(bytes = "vec", tag = "5")]
    details: Vec<u8>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct MetadataEntry {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(string, tag = "2")]
    value: String,
}

/// Whether an error is the request's own and so its answer: what says "try again" (busy,
/// unavailable, a lost race, a failure, a token to renew) is not kept, so a retry runs again.
fn kept(code: Code) -> bool {
    match code {
        Code::Ok
        | Code::InvalidArgument
        | Code::NotFound
        | Code::AlreadyExists
        | Code::PermissionDenied
        | Code::FailedPrecondition
        | Code::OutOfRange
        | Code::Unimplemented => true,
        Code::Cancelled
        | Code::Unknown
        | Code::DeadlineExceeded
        | Code::ResourceExhausted
        | Code::Aborted
        | Code::Internal
        | Code::Unavailable
        | Code::DataLoss
        | Code::Unauthenticated => false,
    }
}

/// The answer to keep, if it is one to keep.
fn keep<Res: prost::Message>(out: &Result<Response<Res>, Status>) -> Option<GrpcAnswer> {
    match out {
        Ok(res) => Some(GrpcAnswer {
            code: 0,
            message: res.get_ref().encode_to_vec(),
            metadata: res
                .metadata()
                .iter()
                .filter_map(|kv| match kv {
                    KeyAndValueRef::Ascii(k, v) => Some(MetadataEntry {
                        name: k.as_str().to_owned(),
                        value: v.to_str().ok()?.to_owned(),
                    }),
                    KeyAndValueRef::Binary(..) => None,
                })
                .collect(),
            ..GrpcAnswer::default()
        }),
        Err(s) if kept(s.code()) => Some(GrpcAnswer {
            code: s.code() as i32,
            error_message: s.message().to_owned(),
            details: s.details().to_vec(),
            ..GrpcAnswer::default()
        }),
        Err(_) => None,
    }
}

/// A kept answer as it was first sent, marked as sent again.
fn replay<Res: prost::Message + Default>(a: GrpcAnswer) -> Result<Response<Res>, Status> {
    if a.code != 0 {
        let mut s =
            Status::with_details(Code::from(a.code), a.error_message, Bytes::from(a.details));
        s.metadata_mut()
            .insert(REPLAYED_METADATA, MetadataValue::from_static("true"));
        return Err(s);
    }
    let message = Res::decode(a.message.as_slice())
        .map_err(|_| crate::status::opaque("a kept answer does not decode"))?;
    let mut res = Response::new(message);
    for e in a.metadata {
        if let (Ok(k), Ok(v)) = (
            MetadataKey::from_bytes(e.name.as_bytes()),
            MetadataValue::try_from(e.value.as_str()),
        ) {
            res.metadata_mut().insert(k, v);
        }
    }
    res.metadata_mut()
        .insert(REPLAYED_METADATA, MetadataValue::from_static("true"));
    Ok(res)
}

/// What tells two requests with one id apart: the method and the encoded request (maps are
/// ordered in the generated types, so a request encodes the same way every time).
fn fingerprint<Req: Idempotent>(req: &Req) -> roster_domain::idempotency::Fingerprint {
    let mut h = Sha256::new();
    h.update(Req::METHOD.as_bytes());
    h.update([0]);
    h.update(req.encode_to_vec());
    roster_domain::idempotency::Fingerprint::new(h.finalize().into())
}

impl<R: Store> Core<R> {
    /// The scope of the caller of `req`: its token checked as every call checks it.
    pub(crate) async fn idempotency_scope<T: Sync>(
        &self,
        req: &Request<T>,
    ) -> Result<IdempotencyScope, Status> {
        let caller = self.caller(req).await?;
        let subject = caller.subject.clone();
        let who = self.principal_of(req, caller).await?;
        Ok(IdempotencyScope::of(&who, &subject))
    }

    /// Runs the write `run` on `req` at most once per `request_id` (see the module).
    pub(crate) async fn once<Req, Res, F, Fut>(
        &self,
        req: Request<Req>,
        run: F,
    ) -> Result<Response<Res>, Status>
    where
        Req: Idempotent,
        Res: prost::Message + Default,
        F: FnOnce(Request<Req>) -> Fut,
        Fut: Future<Output = Result<Response<Res>, Status>>,
    {
        if req.get_ref().request_id().is_empty() {
            return run(req).await;
        }
        let key = IdempotencyKey::parse(req.get_ref().request_id())
            .map_err(|e| FieldViolations::single("request_id", e).into_status())?;
        let scope = self.idempotency_scope(&req).await?;
        let binding = binding("grpc", &scope, &key);
        let claim = self
            .idempotency
            .claim(&scope, &key, fingerprint(req.get_ref()))
            .await
            .map_err(IntoStatus::into_status)?;
        match claim {
            Claim::Run(claim) => {
                let unsettled = unsettled::Unsettled::new(&self.idempotency, &scope, &key, claim);
                let out = run(req).await;
                let answer = keep(&out).map(|a| self.sealer.seal(&binding, &a.encode_to_vec()));
                self.settle(&scope, &key, claim, answer).await;
                unsettled.settled();
                out
            }
            Claim::Replay(sealed) => {
                let answer = self
                    .sealer
                    .open(&binding, &sealed)
                    .and_then(|plain| GrpcAnswer::decode(plain.as_slice()).ok())
                    .ok_or_else(|| crate::status::opaque("a kept answer does not open"))?;
                replay(answer)
            }
        }
    }

    /// Keeps the sealed `answer` of a claimed key, or frees the key when there is none to
    /// keep. A failure here does not change the request's answer, which went through: the
    /// key then stays claimed until its lease ends.
    pub(crate) async fn settle(
        &self,
        scope: &IdempotencyScope,
        key: &IdempotencyKey,
        claim: ClaimId,
        answer: Option<Vec<u8>>,
    ) {
        let done = match answer {
            Some(answer) => self.idempotency.complete(scope, key, claim, &answer).await,
            None => self.idempotency.release(scope, key, claim).await,
        };
        match done {
            Ok(true) => {}
            // Its lease ran out (a retry may have run the request again), or it was never
            // this caller's claim.
            Ok(false) => tracing::warn!("An idempotency key was no longer held by its claim."),
            Err(e) => tracing::warn!(error = ?e, "Cannot settle an idempotency key."),
        }
    }

    /// Deletes expired idempotency keys, a bounded number of batches at a time.
    pub async fn prune_idempotency_keys(&self) {
        const BATCH: u32 = 1000;
        const BATCHES: usize = 10;
        for _ in 0..BATCHES {
            match self.idempotency.prune(BATCH).await {
                Ok(n) if n == u64::from(BATCH) => {}
                Ok(_) => return,
                Err(e) => {
                    tracing::warn!(error = ?e, "Cannot prune idempotency keys.");
                    return;
                }
            }
        }
    }
}

/// Prunes expired idempotency keys every `every` until `stop` completes (the periodic half
/// of the purge; a claim takes over an expired key it meets on its own).
pub async fn prune_idempotency_keys<R: Store>(
    core: std::sync::Arc<Core<R>>,
    every: std::time::Duration,
    stop: impl Future<Output = ()>,
) {
    let mut tick = tokio::time::interval(every);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = tick.tick() => core.prune_idempotency_keys().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_proto::v1 as pb;

    #[test]
    fn answers_that_say_try_again_are_not_kept() {
        for code in [
            Code::Unavailable,
            Code::ResourceExhausted,
            Code::Aborted,
            Code::Internal,
            Code::Unauthenticated,
            Code::DeadlineExceeded,
        ] {
            let out: Result<Response<pb::User>, Status> = Err(Status::new(code, "x"));
            assert!(keep(&out).is_none(), "{code:?}");
        }
        for code in [Code::InvalidArgument, Code::AlreadyExists, Code::NotFound] {
            let out: Result<Response<pb::User>, Status> = Err(Status::new(code, "x"));
            let replayed = replay::<pb::User>(keep(&out).unwrap()).unwrap_err();
            assert_eq!((replayed.code(), replayed.message()), (code, "x"));
            assert_eq!(replayed.metadata().get(REPLAYED_METADATA).unwrap(), "true");
        }
    }

    #[test]
    fn a_kept_response_comes_back_with_its_metadata_marked_as_replayed() {
        let mut res = Response::new(pb::User {
            id: "u1".into(),
            ..Default::default()
        });
        res.metadata_mut()
            .insert("roster-api-secret", MetadataValue::from_static("s3cret"));
        let again = replay::<pb::User>(keep(&Ok(res)).unwrap()).unwrap();
        assert_eq!(again.get_ref().id, "u1");
        assert_eq!(again.metadata().get("roster-api-secret").unwrap(), "s3cret");
        assert_eq!(again.metadata().get(REPLAYED_METADATA).unwrap(), "true");
    }

    #[test]
    fn fingerprints_tell_requests_apart_and_ignore_map_order() {
        let user = |pairs: &[(&str, &str)]| pb::CreateUserRequest {
            user: Some(pb::User {
                email: "a@b.c".into(),
                metadata: pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                ..Default::default()
            }),
            request_id: "r".into(),
            ..Default::default()
        };
        let a = user(&[("x", "1"), ("y", "2")]);
        assert_eq!(
            fingerprint(&a),
            fingerprint(&user(&[("y", "2"), ("x", "1")]))
        );
        assert_ne!(fingerprint(&a), fingerprint(&user(&[("x", "1")])));
        let delete = pb::DeleteUserRequest::default();
        let group = pb::DeleteGroupRequest::default();
        assert_ne!(
            fingerprint(&delete),
            fingerprint(&group),
            "the method counts"
        );
    }
}
