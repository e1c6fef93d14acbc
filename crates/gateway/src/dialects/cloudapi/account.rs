//! `GET /:account` and `GET /--ping`.

use super::context::{Allowed, Any, Signed};
use super::error::ApiError;
use super::model::Account;
use super::response::ok;
use axum::response::Response;
use roster_proto::v1 as pb;
use serde::Serialize;

/// The API versions this server answers for, oldest first, as CloudAPI lists them.
const VERSIONS: [&str; 6] = ["7.0.0", "7.1.0", "7.2.0", "7.3.0", "8.0.0", "9.0.0"];

/// The data center name `/--ping` reports.
const DATACENTER: &str = "roster";

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = cloudapi::Versions)]
struct Versions {
    versions: [&'static str; 6],
}

/// `{"ping":"pong","cloudapi":{"versions":[...]}}`, in this order.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = cloudapi::Pong)]
struct Pong {
    ping: &'static str,
    cloudapi: Versions,
}

/// Answers without authentication.
#[utoipa::path(
    get,
    path = "/--ping",
    operation_id = "cloudapi_Ping",
    responses((status = 200, description = "The API versions served.", body = Pong)),
)]
pub(crate) async fn ping() -> Response {
    let mut res = ok(&Pong {
        ping: "pong",
        cloudapi: Versions { versions: VERSIONS },
    });
    res.headers_mut().insert(
        "triton-datacenter-name",
        http::HeaderValue::from_static(DATACENTER),
    );
    res
}

/// `GET /<account>`.
async fn get_account(req: Signed<Any>) -> Result<Response, ApiError> {
    let Allowed { ctx, .. } = req.allow("getaccount").await?;
    let tenant = ctx
        .core
        .tenants()
        .get_tenant(pb::GetTenantRequest { key: None })
        .await?
        .into_inner();
    let key = pb::UserKey {
        key: Some(pb::user_key::Key::Id(tenant.owner_user_id.clone())),
    };
    let owner = ctx
        .core
        .users()
        .get_user(pb::GetUserRequest { key: Some(key) })
        .await?
        .into_inner();
    Ok(ok(&Account::from_pb(&tenant, &owner)))
}

operations! {
    /// Reads the account.
    get(req: Any) => get_account(req),
        get "/{account}" as "cloudapi_GetAccount", 200 "The account." => Account;
}
