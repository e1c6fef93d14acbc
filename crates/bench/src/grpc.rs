//! What every section's gRPC calls share: the bearer token, and seeding users in batches.

use anyhow::{Result, ensure};
use roster_proto::v1 as pb;
use roster_proto::v1::user_service_client::UserServiceClient;
use tonic::transport::Channel;

/// `msg` with `authorization: Bearer <token>`.
pub(crate) fn authed<T>(msg: T, token: &str) -> tonic::Request<T> {
    let mut r = tonic::Request::new(msg);
    if let Ok(v) = format!("Bearer {token}").parse() {
        r.metadata_mut().insert("authorization", v);
    }
    r
}

/// One BatchUpsertUsers call; every item must succeed, or the seed is not what the section
/// measures.
pub(crate) async fn upsert_all(
    users: &mut UserServiceClient<Channel>,
    token: &str,
    items: Vec<pb::UpsertUserItem>,
) -> Result<pb::BatchUpsertUsersResponse> {
    let r = users
        .batch_upsert_users(authed(
            pb::BatchUpsertUsersRequest {
                items,
                ..Default::default()
            },
            token,
        ))
        .await?
        .into_inner();
    let failed = r
        .results
        .iter()
        .filter(|r| r.status.as_ref().is_some_and(|s| s.code != 0))
        .count();
    ensure!(failed == 0, "{failed} seed items failed");
    Ok(r)
}
