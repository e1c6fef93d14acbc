//! `POST /restful/v1/token`: a user's email and secret key for a JWT (DESIGN: the vendor
//! documents the endpoint but not its shape; see docs/dialects/surecloud.md). The core checks
//! the key and refuses a disabled user; the token names the key, so revoking or rotating it
//! ends the token.

use super::SureCloud;
use super::doc;
use super::error::ScError;
use super::media::{check_accept, check_content_type};
use super::model::{TokenRequest, TokenResponse};
use crate::RequestId;
use crate::upstream::anonymous;
use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use roster_proto::v1 as pb;
use std::time::{Duration, SystemTime};

/// The largest token request read: an email and a key are far smaller.
const MAX_TOKEN_BODY: usize = 64 * 1024;

#[utoipa::path(
    post,
    path = "/restful/v1/token",
    tag = "SureCloud",
    operation_id = "surecloud_CreateToken",
    summary = "Exchanges a user's email and secret key for a bearer token.",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "A JWT and its lifetime in seconds.", body = TokenResponse),
        doc::Errors,
    ),
)]
pub(crate) async fn create(State(api): State<SureCloud>, req: Request) -> Response {
    match token(&api, req).await {
        Ok(t) => Json(t).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn token(api: &SureCloud, req: Request) -> Result<TokenResponse, ScError> {
    let rid = req
        .extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or_default();
    check_accept(req.headers())?;
    check_content_type(req.headers())?;
    let bytes = axum::body::to_bytes(req.into_body(), MAX_TOKEN_BODY)
        .await
        .map_err(|_| ScError::too_large("The token request body is too large"))?;
    let body: TokenRequest = serde_json::from_slice(&bytes).map_err(|e| {
        ScError::bad_request(format!(
            "The body must be {{\"email\": \"...\", \"secretKey\": \"...\"}}: {e}"
        ))
    })?;
    let request = pb::AuthenticateRequest {
        credential: Some(pb::authenticate_request::Credential::SecretKey(
            pb::SecretKeyCredential {
                email: body.email,
                secret_key: body.secret_key,
            },
        )),
    };
    let r = api
        .state
        .upstream
        .auth()
        .authenticate(anonymous(request, &rid))
        .await
        .map_err(|s| match s.code() {
            tonic::Code::Unauthenticated | tonic::Code::InvalidArgument => ScError::new(
                StatusCode::UNAUTHORIZED,
                "The email or the secret key is wrong, or the key was revoked",
            ),
            tonic::Code::PermissionDenied => ScError::forbidden("The user is disabled"),
            tonic::Code::Ok
            | tonic::Code::Cancelled
            | tonic::Code::Unknown
            | tonic::Code::DeadlineExceeded
            | tonic::Code::NotFound
            | tonic::Code::AlreadyExists
            | tonic::Code::ResourceExhausted
            | tonic::Code::FailedPrecondition
            | tonic::Code::Aborted
            | tonic::Code::OutOfRange
            | tonic::Code::Unimplemented
            | tonic::Code::Internal
            | tonic::Code::Unavailable
            | tonic::Code::DataLoss => ScError::from_status(&s),
        })?
        .into_inner();
    let expires = r
        .expire_time
        .and_then(|t| u64::try_from(t.seconds).ok())
        .map_or(SystemTime::now(), |s| {
            SystemTime::UNIX_EPOCH + Duration::from_secs(s)
        });
    Ok(TokenResponse {
        token: r.token,
        expires_in: expires
            .duration_since(SystemTime::now())
            .map_or(0, |d| (d + Duration::from_millis(500)).as_secs()),
    })
}
