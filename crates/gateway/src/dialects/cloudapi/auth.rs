//! HTTP Signature authentication (`Authorization: Signature keyId=...`), checked as CloudAPI's
//! `lib/auth.js` and http-signature 1.4 check it.
//!
//! The first request of a key goes to the core (`AuthService.Authenticate`), which owns the
//! keys and verifies the signature. Its answer (the verified public key, a token and the
//! signer's roles) is cached by keyId for a short while: later reads (GET, HEAD) of that key
//! that sign `(request-target)` are verified here, with no round trip beyond the call they
//! make. Every other request goes to the core, whose answer is final: it checks the date
//! against its own clock, that the signature binds the method, and that a write's signature
//! is used once (the replay record lives in the database, so every gateway and replica
//! shares it). The date check here only gives CloudAPI's order of errors (a stale date is a
//! 400 before any key is looked at).
//!
//! Any successful write through this gateway clears the cache, so a key, role or policy
//! changed here takes effect at once; a change made elsewhere (another gateway, gRPC) takes
//! effect within [`KEY_CACHE_TTL`] (CloudAPI itself documents RBAC reads as eventually
//! consistent).

use super::CloudApi;
use super::error::ApiError;
use crate::RequestId;
use crate::core_error::{CoreError, Kind};
use crate::expiring::ExpiringMap;
use crate::session::{CachedToken, Core, wants_fresh};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use roster_httpsig::{Algorithm, PublicKey, parse_authorization, signing_string};
use roster_proto::v1 as pb;
use roster_proto::v1::ErrorReason;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// How long a verified key is trusted without asking the core again.
pub(crate) const KEY_CACHE_TTL: Duration = Duration::from_secs(30);
/// Largest allowed difference between the request's `Date` and ours (CloudAPI's 300 s).
const MAX_SKEW_SECS: u64 = 300;
const CACHE_CAPACITY: usize = 10_000;

/// A role the signer holds.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) name: String,
    pub(crate) default: bool,
    pub(crate) actions: BTreeSet<String>,
}

/// Who signed the request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The tenant login, as stored.
    pub(crate) account: String,
    pub(crate) owner_user_id: String,
    pub(crate) is_owner: bool,
    pub(crate) token: CachedToken,
    pub(crate) grants: Arc<[Grant]>,
}

/// Verified keys by keyId, each with the caller it verified.
#[derive(Debug)]
pub(crate) struct KeyCache {
    entries: ExpiringMap<String, (PublicKey, Caller)>,
}

impl Default for KeyCache {
    fn default() -> Self {
        Self {
            entries: ExpiringMap::new(CACHE_CAPACITY),
        }
    }
}

impl KeyCache {
    fn lookup(&self, key_id: &str) -> Option<(PublicKey, Caller)> {
        self.entries.get(&key_id.to_owned(), Duration::ZERO)
    }

    fn store(&self, key_id: String, key: PublicKey, caller: Caller, ttl: Duration) {
        self.entries
            .insert(key_id, (key, caller), Instant::now() + ttl);
    }

    /// Drops every entry (after a write that may change keys or permissions).
    pub(crate) fn clear(&self) {
        self.entries.clear();
    }

    fn forget(&self, key_id: &str) {
        self.entries.remove(&key_id.to_owned());
    }
}

/// `/:account/keys/:key` or `/:account/users/:login/keys/:key`.
fn parse_key_id(key_id: &str) -> Option<(String, Option<String>, String)> {
    let parts: Vec<&str> = key_id.split('/').collect();
    match parts.as_slice() {
        ["", account, "keys", key] if !account.is_empty() && !key.is_empty() => {
            Some(((*account).to_owned(), None, (*key).to_owned()))
        }
        ["", account, "users", user, "keys", key]
            if !account.is_empty() && !user.is_empty() && !key.is_empty() =>
        {
            Some((
                (*account).to_owned(),
                Some((*user).to_owned()),
                (*key).to_owned(),
            ))
        }
        _ => None,
    }
}

fn header_invalid(reason: impl std::fmt::Display) -> ApiError {
    ApiError::invalid_header(format!("Authorization header invalid: {reason}"))
}

/// The clock skew check of http-signature: `|now - date| <= 300 s`.
fn check_skew(date: &str) -> Result<(), ApiError> {
    let sent = httpdate::parse_http_date(date)
        .map_err(|_| header_invalid("date header is not a valid HTTP date"))?;
    let now = SystemTime::now();
    let skew = now
        .duration_since(sent)
        .or_else(|_| sent.duration_since(now))
        .unwrap_or_default();
    if skew.as_secs() > MAX_SKEW_SECS {
        return Err(header_invalid(format!(
            "clock skew of {}s was greater than {MAX_SKEW_SECS}s",
            skew.as_secs()
        )));
    }
    Ok(())
}

fn caller_from(r: &pb::AuthenticateResponse) -> Caller {
    Caller {
        account: r.tenant_login.clone(),
        owner_user_id: r.owner_user_id.clone(),
        is_owner: r.owner,
        token: CachedToken::authenticated(r.clone()),
        grants: r
            .roles
            .iter()
            .map(|g| Grant {
                name: g.name.clone(),
                default: g.default,
                actions: g.actions.iter().cloned().collect(),
            })
            .collect(),
    }
}

/// A signature checked for shape, date and key id: what remains is the cryptography.
struct Signed {
    key_id: String,
    account: String,
    user: Option<String>,
    key: String,
    algorithm: Algorithm,
    message: String,
    signature: Vec<u8>,
    /// The request's method, as the core is told it.
    method: String,
    /// Whether the signature covers `(request-target)`, and so the method and path.
    binds_target: bool,
}

impl Signed {
    /// Whether the cached key may verify this request: a read whose signature binds its
    /// method. A write's signature must reach the core's replay record, and so must one that
    /// binds no method (the core may allow it once only, see `signature_allow_date_only`).
    fn may_use_cache(&self) -> bool {
        self.binds_target && matches!(self.method.as_str(), "GET" | "HEAD")
    }
}

/// Everything http-signature's `parseRequest` checks before any key is looked at.
fn parse_request(req: &Parts) -> Result<Signed, ApiError> {
    let Some(value) = req.headers.get(http::header::AUTHORIZATION) else {
        return Err(ApiError::credentials(
            "You must make authenticated requests to use CloudAPI",
        ));
    };
    let value = value.to_str().map_err(|_| header_invalid("not ASCII"))?;
    let params = parse_authorization(value).map_err(header_invalid)?;
    if !params.headers.iter().any(|h| h == "date" || h == "x-date") {
        return Err(header_invalid("date was not a signed header"));
    }
    let header = |name: &str| {
        let values: Vec<&str> = req
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    };
    let date_header = if params.headers.iter().any(|h| h == "x-date") {
        "x-date"
    } else {
        "date"
    };
    let date = header(date_header)
        .ok_or_else(|| header_invalid(format!("{date_header} was not in the request")))?;
    check_skew(&date)?;
    let algorithm = Algorithm::parse(&params.algorithm).map_err(|_| {
        ApiError::invalid_header(format!(
            "{} is not a supported signing algorithm",
            params.algorithm
        ))
    })?;
    let (account, user, key) = parse_key_id(&params.key_id).ok_or_else(|| {
        ApiError::credentials(format!(
            "Invalid KeyId {} in authorization header",
            params.key_id
        ))
    })?;
    let target = req
        .uri
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    let message = signing_string(&params.headers, req.method.as_str(), target, header)
        .map_err(header_invalid)?;
    Ok(Signed {
        binds_target: params.headers.iter().any(|h| h == "(request-target)"),
        key_id: params.key_id,
        account,
        user,
        key,
        algorithm,
        message,
        signature: params.signature,
        method: req.method.as_str().to_owned(),
    })
}

/// The core's refusal of a signature in CloudAPI's words: a date outside the window and a
/// missing signed header are the `InvalidHeader` errors http-signature's parser gives; a
/// replayed signature (CloudAPI has no replay check, so no word of its own) is a failed
/// authentication like any other.
fn refused(e: CoreError) -> ApiError {
    match e.kind {
        Kind::Forbidden => ApiError::not_authorized("Account or user is disabled"),
        Kind::Unauthenticated if e.is(ErrorReason::SignatureExpired) => header_invalid(format!(
            "clock skew of {}s was greater than {}s",
            e.meta("skew_seconds").unwrap_or("?"),
            e.meta("max_skew_seconds")
                .map_or_else(|| MAX_SKEW_SECS.to_string(), str::to_owned)
        )),
        Kind::Unauthenticated if e.is(ErrorReason::SignatureIncomplete) => header_invalid(format!(
            "{} was not a signed header",
            e.meta("header").unwrap_or("date")
        )),
        Kind::Unauthenticated => {
            ApiError::credentials("Invalid authorization credentials supplied")
        }
        Kind::Invalid
        | Kind::NotFound
        | Kind::Taken
        | Kind::Exhausted
        | Kind::Busy
        | Kind::Unavailable
        | Kind::Timeout
        | Kind::Internal => ApiError::from_core(e),
    }
}

/// Asks the core to verify `s` and caches the key it verified with.
async fn authenticate(api: &CloudApi, rid: &RequestId, s: Signed) -> Result<Caller, ApiError> {
    let credential = pb::SshKeyCredential {
        account: s.account,
        user: s.user.unwrap_or_default(),
        key: s.key,
        algorithm: s.algorithm.as_str().to_owned(),
        signing_string: s.message,
        signature: s.signature,
        method: s.method,
    };
    let request = pb::AuthenticateRequest {
        credential: Some(pb::authenticate_request::Credential::SshKey(credential)),
    };
    let answer = Core::anonymous(&api.state.upstream, rid)
        .auth()
        .authenticate(request)
        .await
        .map_err(|st| refused(st.into()))?;
    let answer = answer.into_inner();
    let caller = caller_from(&answer);
    if let Ok(public) = PublicKey::parse_openssh(&answer.public_key) {
        // Stop using the token well before it expires.
        let ttl = KEY_CACHE_TTL.min(
            caller
                .token
                .time_left()
                .saturating_sub(Duration::from_secs(30)),
        );
        api.keys.store(s.key_id, public, caller.clone(), ttl);
    }
    Ok(caller)
}

/// Verifies the request's signature: against a cached key when there is one, by the core
/// otherwise.
async fn verify(api: &CloudApi, req: &Parts) -> Result<Caller, ApiError> {
    let signed = parse_request(req)?;
    // A retry with a fresh token (the core refused the cached one) asks the core again.
    let cached = if signed.may_use_cache() && !wants_fresh(req) {
        api.keys.lookup(&signed.key_id)
    } else {
        None
    };
    if let Some((public, caller)) = cached {
        if public
            .verify(
                signed.algorithm,
                signed.message.as_bytes(),
                &signed.signature,
            )
            .is_ok()
        {
            return Ok(caller);
        }
        // The key may have been replaced since it was cached: ask the core.
        api.keys.forget(&signed.key_id);
    }
    authenticate(api, &RequestId::of(req), signed).await
}

/// Middleware on every CloudAPI route but `/--ping`.
pub(crate) async fn require_signature(
    State(api): State<CloudApi>,
    req: Request,
    next: Next,
) -> Response {
    // The body is not Sync: check the signature on the head alone.
    let (mut parts, body) = req.into_parts();
    match verify(&api, &parts).await {
        Ok(caller) => {
            parts.extensions.insert(caller);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) => e.into_response(),
    }
}

/// Middleware: a successful write may have changed keys, roles or policies.
pub(crate) async fn forget_after_writes(
    State(api): State<CloudApi>,
    req: Request,
    next: Next,
) -> Response {
    let write = !matches!(*req.method(), http::Method::GET | http::Method::HEAD);
    let res = next.run(req).await;
    if write && res.status().is_success() {
        api.keys.clear();
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_name_the_account_or_a_user() {
        assert_eq!(
            parse_key_id("/acme/keys/aa:bb"),
            Some(("acme".into(), None, "aa:bb".into()))
        );
        assert_eq!(
            parse_key_id("/acme/users/bob/keys/k1"),
            Some(("acme".into(), Some("bob".into()), "k1".into()))
        );
        for bad in [
            "acme/keys/x",
            "/acme/keys",
            "/acme/users/bob/keys",
            "/acme/x/y",
            "//keys/x",
            "/acme/keys/x/y",
        ] {
            assert_eq!(parse_key_id(bad), None, "{bad}");
        }
    }

    fn core_refusal(reason: &str, meta: &[(&str, &str)]) -> tonic::Status {
        use tonic_types::{ErrorDetails, StatusExt as _};
        let meta: std::collections::HashMap<String, String> = meta
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let d = ErrorDetails::with_error_info(reason, "roster.v1", meta);
        tonic::Status::with_error_details(tonic::Code::Unauthenticated, "refused", d)
    }

    #[test]
    fn the_cores_signature_refusals_get_cloudapis_words() {
        let e = refused(CoreError::from(core_refusal(
            "SIGNATURE_EXPIRED",
            &[("skew_seconds", "600"), ("max_skew_seconds", "300")],
        )));
        assert_eq!(
            (e.status.as_u16(), e.code, e.message.as_str()),
            (
                400,
                "InvalidHeader",
                "Authorization header invalid: clock skew of 600s was greater than 300s"
            )
        );
        let e = refused(CoreError::from(core_refusal(
            "SIGNATURE_INCOMPLETE",
            &[("header", "(request-target)")],
        )));
        assert_eq!(
            (e.status.as_u16(), e.code, e.message.as_str()),
            (
                400,
                "InvalidHeader",
                "Authorization header invalid: (request-target) was not a signed header"
            )
        );
        for reason in ["SIGNATURE_REPLAYED", "INVALID_CREDENTIALS"] {
            let e = refused(CoreError::from(core_refusal(reason, &[])));
            assert_eq!(
                (e.status.as_u16(), e.code, e.message.as_str()),
                (
                    401,
                    "InvalidCredentials",
                    "Invalid authorization credentials supplied"
                ),
                "{reason}"
            );
        }
    }

    #[test]
    fn only_reads_that_bind_their_method_use_the_key_cache() {
        let signed = |method: &str, binds_target: bool| Signed {
            key_id: "/acme/keys/k".into(),
            account: "acme".into(),
            user: None,
            key: "k".into(),
            algorithm: Algorithm::Ed25519Sha512,
            message: String::new(),
            signature: Vec::new(),
            method: method.into(),
            binds_target,
        };
        assert!(signed("GET", true).may_use_cache());
        assert!(signed("HEAD", true).may_use_cache());
        for (method, binds) in [
            ("POST", true),
            ("DELETE", true),
            ("PUT", true),
            ("GET", false),
            ("POST", false),
        ] {
            assert!(!signed(method, binds).may_use_cache(), "{method} {binds}");
        }
    }

    #[test]
    fn dates_too_far_from_now_are_refused() {
        let now = httpdate::fmt_http_date(SystemTime::now());
        assert!(check_skew(&now).is_ok());
        let old = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(400));
        let e = check_skew(&old).unwrap_err();
        assert_eq!(e.status, 400);
        assert!(
            e.message
                .starts_with("Authorization header invalid: clock skew of 40"),
            "{}",
            e.message
        );
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(301 + 5));
        assert!(check_skew(&future).is_err());
        assert!(check_skew("yesterday").is_err());
    }
}
