//! `POST /restful/v1/token`: a user's email and secret key for a JWT (DESIGN: the vendor
//! documents the endpoint but not its shape; see docs/dialects/surecloud.md). The core checks
//! the key and refuses a disabled user, and a client the user's address restrictions do not
//! admit (403); the token names the key, so revoking or rotating it ends the token.

use super::SureCloud;
use super::body::{check_accept, check_content_type, read_body};
use super::doc;
use super::error::ScError;
use super::model::{TokenRequest, TokenResponse};
use crate::RequestId;
use crate::core_error::{CoreError, Kind};
use crate::session::{CachedToken, Core};
use axum::Json;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use roster_proto::v1 as pb;
use roster_proto::v1::ErrorReason;
use std::time::Duration;

/// The largest token request read: an email and a key are far smaller.
const MAX_TOKEN_BODY: usize = 64 * 1024;

/// Exchanges a user's email and secret key for a bearer token.
#[utoipa::path(
    post,
    path = "/restful/v1/token",
    operation_id = "surecloud_CreateToken",
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
    let rid = RequestId::of_request(&req);
    check_accept(req.headers())?;
    check_content_type(req.headers())?;
    let bytes = read_body(
        req.into_body(),
        MAX_TOKEN_BODY,
        "The token request body is too large",
    )
    .await?;
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
    let r = Core::anonymous(&api.state.upstream, &rid)
        .auth()
        .authenticate(request)
        .await
        .map_err(|s| match CoreError::from(s) {
            e if e.kind == Kind::Unauthenticated || e.code == tonic::Code::InvalidArgument => {
                ScError::new(
                    StatusCode::UNAUTHORIZED,
                    "The email or the secret key is wrong, or the key was revoked",
                )
            }
            e if e.is(ErrorReason::AddressNotAllowed) => ScError::address_not_allowed(),
            e if e.kind == Kind::Forbidden => ScError::forbidden("The user is disabled"),
            e => ScError::from_core(e),
        })?
        .into_inner();
    let expires = CachedToken::authenticated(r.clone()).time_left();
    Ok(TokenResponse {
        token: r.token,
        expires_in: (expires + Duration::from_millis(500)).as_secs(),
    })
}
