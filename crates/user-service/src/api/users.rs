//! `roster.v1.UserService`.

use super::{expected_version, tenant_binding};
use crate::convert::filter::{filter_from_pb, order_from_pb};
use crate::convert::time::from_pb;
use crate::convert::users::{
    device_from_pb, key_from_pb, masked_changes, new_user_from_pb, user_to_pb,
};
use crate::core::{Core, Store};
use crate::page_token::Side;
use crate::status::{IntoStatus, to_rpc_status};
use crate::tokens::scopes;
use roster_domain::authz::Principal;
use roster_domain::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, UserCursor, UserQuery};
use roster_domain::users::UpsertItem;
use roster_domain::values::Password;
use roster_domain::{FieldViolations, UserId};
use roster_proto::v1 as pb;
use roster_proto::v1::ErrorReason;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tonic::{Request, Response, Status};

/// The CreateUser response metadata that carries the new user's API secret.
const API_SECRET_METADATA: &str = "roster-api-secret";

#[derive(Debug)]
pub struct UsersApi<R> {
    core: Arc<Core<R>>,
}

impl<R> UsersApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

fn user_id(raw: &str, field: &str) -> Result<UserId, Status> {
    UserId::parse(raw).map_err(|e| FieldViolations::single(field, e).into_status())
}

/// Binds page tokens to the query they were made for.
fn query_binding(who: &Principal, r: &pb::ListUsersRequest) -> Vec<u8> {
    let mut h = Sha256::new();
    // A token of one tenant is no token in another, even for the same query.
    h.update(tenant_binding(who));
    h.update([0]);
    h.update(
        r.filter
            .as_ref()
            .map(prost::Message::encode_to_vec)
            .unwrap_or_default(),
    );
    h.update([0]);
    h.update(
        r.order_by
            .as_ref()
            .map(prost::Message::encode_to_vec)
            .unwrap_or_default(),
    );
    h.finalize().to_vec()
}

fn item_from_pb(i: usize, item: &pb::UpsertUserItem) -> Result<UpsertItem, FieldViolations> {
    let mut v = FieldViolations::new();
    let key = v.absorb(key_from_pb(item.key.as_ref(), &format!("items[{i}].key")));
    let user = item.user.clone().unwrap_or_default();
    let changes = v.absorb(masked_changes(
        item.update_mask.as_ref(),
        &user,
        &format!("items[{i}].user."),
    ));
    match (key, changes) {
        (Some(key), Some(changes)) if v.is_empty() => Ok(UpsertItem {
            key,
            changes,
            create_if_missing: item.create_if_missing,
            lenient_groups: item.lenient_groups,
        }),
        _ => {
            if v.is_empty() {
                v.add(format!("items[{i}]"), "is invalid");
            }
            Err(v)
        }
    }
}

impl<R: Store> UsersApi<R> {
    /// VerifyPassword and RevealApiSecret: the user, and whether the password is right.
    async fn check_password(
        &self,
        req: Request<pb::VerifyPasswordRequest>,
    ) -> Result<(roster_domain::users::User, bool), Status> {
        let who = self
            .core
            .principal_for(&req, scopes::PASSWORDS_VERIFY)
            .await?;
        let r = req.into_inner();
        let key = key_from_pb(r.key.as_ref(), "key").map_err(IntoStatus::into_status)?;
        self.core
            .users
            .verify_password(&who, &key, r.password)
            .await
            .map_err(IntoStatus::into_status)
    }
}

#[tonic::async_trait]
impl<R: Store> pb::user_service_server::UserService for UsersApi<R> {
    async fn create_user(
        &self,
        req: Request<pb::CreateUserRequest>,
    ) -> Result<Response<pb::User>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::USERS_WRITE).await?;
                let r = req.into_inner();
                let mut v = FieldViolations::new();
                let new = v.absorb(new_user_from_pb(r.user.as_ref()));
                let password = match r.password.as_deref() {
                    Some(p) => v.check("password", Password::parse(p)),
                    None => None,
                };
                let new = match new {
                    Some(n) if v.is_empty() => n,
                    _ => return Err(v.into_status()),
                };
                let user = self
                    .core
                    .users
                    .create(&who, new, password)
                    .await
                    .map_err(IntoStatus::into_status)?;
                let mut res = Response::new(user_to_pb(&user));
                if let Ok(v) = self.core.users.api_secret(user.id).parse() {
                    res.metadata_mut().insert(API_SECRET_METADATA, v);
                }
                Ok(res)
            })
            .await
    }

    async fn get_user(
        &self,
        req: Request<pb::GetUserRequest>,
    ) -> Result<Response<pb::User>, Status> {
        let who = self.core.principal_for(&req, scopes::USERS_READ).await?;
        let key =
            key_from_pb(req.get_ref().key.as_ref(), "key").map_err(IntoStatus::into_status)?;
        let user = self
            .core
            .users
            .get(&who, &key)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(user_to_pb(&user)))
    }

    async fn list_users(
        &self,
        req: Request<pb::ListUsersRequest>,
    ) -> Result<Response<pb::ListUsersResponse>, Status> {
        let who = self.core.principal_for(&req, scopes::USERS_READ).await?;
        let r = req.into_inner();
        let mut v = FieldViolations::new();
        let filter = match &r.filter {
            Some(f) => v.check("filter", filter_from_pb(f, "filter", 0)),
            None => None,
        };
        let order = v
            .check("order_by", order_from_pb(r.order_by.as_ref()))
            .unwrap_or_default();
        let page_size = match r.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n => u32::try_from(n)
                .ok()
                .filter(|n| *n <= MAX_PAGE_SIZE)
                .unwrap_or_else(|| {
                    v.add(
                        "page_size",
                        format_args!("must be between 1 and {MAX_PAGE_SIZE}"),
                    );
                    DEFAULT_PAGE_SIZE
                }),
        };
        let skip = u64::try_from(r.skip).unwrap_or_else(|_| {
            v.add("skip", "must not be negative");
            0
        });
        v.into_result().map_err(IntoStatus::into_status)?;
        let binding = query_binding(&who, &r);
        let (after, before) = match self.core.pages.open_cursor(&binding, &r.page_token)? {
            Some((c, Side::After)) => (Some(c), None),
            Some((c, Side::Before)) => (None, Some(c)),
            None => (None, None),
        };
        let query = UserQuery {
            filter,
            order,
            page_size,
            after: after.clone(),
            before,
            skip,
            count_total: r.include_total_size,
        };
        let page = self
            .core
            .users
            .list(&who, &query)
            .await
            .map_err(IntoStatus::into_status)?;
        // At the end, a client that asked for it still gets a place to come back to.
        let next = page.next.or_else(|| {
            r.always_next_page_token
                .then(|| {
                    page.users
                        .last()
                        .map(|u| UserCursor::after(u, order))
                        .or(after)
                })
                .flatten()
        });
        Ok(Response::new(pb::ListUsersResponse {
            users: page.users.iter().map(user_to_pb).collect(),
            next_page_token: next
                .map(|c| self.core.pages.seal_user_cursor(&binding, &c, Side::After))
                .unwrap_or_default(),
            previous_page_token: page
                .previous
                .map(|c| self.core.pages.seal_user_cursor(&binding, &c, Side::Before))
                .unwrap_or_default(),
            total_size: page.total.map(|t| i64::try_from(t).unwrap_or(i64::MAX)),
        }))
    }

    async fn update_user(
        &self,
        req: Request<pb::UpdateUserRequest>,
    ) -> Result<Response<pb::User>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::USERS_WRITE).await?;
                let r = req.into_inner();
                let u = r
                    .user
                    .ok_or_else(|| FieldViolations::single("user", "is required").into_status())?;
                let id = user_id(&u.id, "user.id")?;
                let mut v = FieldViolations::new();
                let changes = v.absorb(masked_changes(r.update_mask.as_ref(), &u, "user."));
                let password = match r.password.as_deref() {
                    Some(p) => v.check("password", Password::parse(p)),
                    None => None,
                };
                let changes = match changes {
                    Some(c) if v.is_empty() => c,
                    _ => return Err(v.into_status()),
                };
                let users = &self.core.users;
                let expected = expected_version(&u.etag);
                let sets_password = password.is_some();
                let user = match password {
                    Some(p) => {
                        users
                            .update_with_password(&who, id, changes, expected, p)
                            .await
                    }
                    None => users.update(&who, id, &changes, expected).await,
                }
                .map_err(IntoStatus::into_status)?;
                let mut res = Response::new(user_to_pb(&user));
                // A write that sets the password reveals the user's API secret, as the password does
                // to RevealApiSecret (Cloud Elements answers it to such a PATCH); a token alone never
                // reads it.
                if sets_password && let Ok(v) = users.api_secret(user.id).parse() {
                    res.metadata_mut().insert(API_SECRET_METADATA, v);
                }
                Ok(res)
            })
            .await
    }

    async fn delete_user(
        &self,
        req: Request<pb::DeleteUserRequest>,
    ) -> Result<Response<()>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::USERS_WRITE).await?;
                let r = req.into_inner();
                let id = user_id(&r.id, "id")?;
                self.core
                    .users
                    .delete(&who, id, expected_version(&r.etag))
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(()))
            })
            .await
    }

    async fn batch_upsert_users(
        &self,
        req: Request<pb::BatchUpsertUsersRequest>,
    ) -> Result<Response<pb::BatchUpsertUsersResponse>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::USERS_WRITE).await?;
                let r = req.into_inner();
                let items = r
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| item_from_pb(i, it))
                    .collect();
                let outcomes = self
                    .core
                    .users
                    .batch_upsert(&who, items)
                    .await
                    .map_err(IntoStatus::into_status)?;
                let results = outcomes
                    .into_iter()
                    .map(|o| match o {
                        Ok(o) => pb::UpsertUserResult {
                            status: Some(tonic_types::Status {
                                code: 0,
                                message: String::new(),
                                details: vec![],
                            }),
                            user: Some(user_to_pb(&o.user)),
                            created: o.created,
                            warnings: o
                                .warnings
                                .into_iter()
                                .map(|w| pb::UpsertWarning {
                                    // A refused metadata entry, or else an unknown group.
                                    reason: if w.field.starts_with("user.metadata.") {
                                        ErrorReason::InvalidField
                                    } else {
                                        ErrorReason::GroupNotFound
                                    }
                                    .as_str_name()
                                    .to_owned(),
                                    field: w.field,
                                    message: w.message,
                                })
                                .collect(),
                        },
                        Err(e) => pb::UpsertUserResult {
                            status: Some(to_rpc_status(&e.into_status())),
                            user: None,
                            created: false,
                            warnings: vec![],
                        },
                    })
                    .collect();
                Ok(Response::new(pb::BatchUpsertUsersResponse { results }))
            })
            .await
    }

    async fn change_password(
        &self,
        req: Request<pb::ChangePasswordRequest>,
    ) -> Result<Response<pb::User>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::USERS_WRITE).await?;
                let r = req.into_inner();
                let id = user_id(&r.id, "id")?;
                let password = Password::parse(&r.password)
                    .map_err(|e| FieldViolations::single("password", e).into_status())?;
                let user = self
                    .core
                    .users
                    .change_password(&who, id, password, r.change_required)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(user_to_pb(&user)))
            })
            .await
    }

    async fn verify_password(
        &self,
        req: Request<pb::VerifyPasswordRequest>,
    ) -> Result<Response<pb::VerifyPasswordResponse>, Status> {
        let (user, valid) = self.check_password(req).await?;
        Ok(Response::new(pb::VerifyPasswordResponse {
            valid,
            user: valid.then(|| user_to_pb(&user)),
        }))
    }

    async fn record_activity(
        &self,
        req: Request<pb::RecordActivityRequest>,
    ) -> Result<Response<pb::User>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::USERS_WRITE).await?;
                let r = req.into_inner();
                let mut v = FieldViolations::new();
                let key = v.absorb(key_from_pb(r.key.as_ref(), "key"));
                let at = match &r.time {
                    Some(t) => v.check("time", from_pb(t).ok_or("is not a valid time")),
                    None => None,
                };
                let device = match &r.device {
                    Some(d) => v.absorb(device_from_pb(d, at.unwrap_or_else(|| self.core.now()))),
                    None => None,
                };
                let Some(key) = key.filter(|_| v.is_empty()) else {
                    return Err(v.into_status());
                };
                let user = self
                    .core
                    .users
                    .record_activity(&who, &key, at, device)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(user_to_pb(&user)))
            })
            .await
    }

    async fn reveal_api_secret(
        &self,
        req: Request<pb::VerifyPasswordRequest>,
    ) -> Result<Response<pb::RevealApiSecretResponse>, Status> {
        let (user, valid) = self.check_password(req).await?;
        Ok(Response::new(pb::RevealApiSecretResponse {
            valid,
            api_secret: if valid {
                self.core.users.api_secret(user.id)
            } else {
                String::new()
            },
            user: valid.then(|| user_to_pb(&user)),
        }))
    }
}
