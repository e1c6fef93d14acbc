//! Idempotent retries: REST `Idempotency-Key` on every dialect's writes and gRPC
//! `request_id` on the contract's, kept in the database.

mod dialects;
mod grpc;
mod retries;
mod running;
mod scope;

use crate::support::{Answer, TestApp, key_email};
use roster_proto::v1 as pb;

/// The request header.
pub(crate) const KEY: &str = "Idempotency-Key";

/// How many users the tenant of `token` has.
pub(crate) async fn count(app: &TestApp, token: &str) -> i64 {
    app.users(token)
        .list_users(pb::ListUsersRequest {
            page_size: 1,
            include_total_size: true,
            ..Default::default()
        })
        .await
        .expect("list users")
        .into_inner()
        .total_size
        .expect("a total")
}

/// Whether the tenant of `token` has a user with this email.
pub(crate) async fn has(app: &TestApp, token: &str, email: &str) -> bool {
    match app
        .users(token)
        .get_user(pb::GetUserRequest {
            key: key_email(email),
        })
        .await
    {
        Ok(_) => true,
        Err(s) if s.code() == tonic::Code::NotFound => false,
        Err(s) => panic!("{s:?}"),
    }
}

/// `again` is `first` sent again: the same status, body and content type, marked as a replay.
#[track_caller]
pub(crate) fn replayed(first: &Answer, again: &Answer) {
    assert_eq!(first.header("idempotent-replayed"), "", "{first:?}");
    assert_eq!(again.header("idempotent-replayed"), "true", "{again:?}");
    assert_eq!(again.status, first.status, "{again:?}");
    assert_eq!(again.raw, first.raw, "{again:?}");
    assert_eq!(again.content_type(), first.content_type(), "{again:?}");
}
