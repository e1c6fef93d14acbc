//! Finding users by key and loading them whole (see [`super::links`]: row and links in one
//! query, for any number of users).

use super::links::whole_users;
use crate::entities::{role, role_member, user};
use crate::errors::storage;
use crate::rows::rbac_name;
use roster_domain::RoleId;
use roster_domain::rbac::{BuiltInRole, UserRole};
use roster_domain::users::{User, UserKey};
use roster_domain::{StorageError, TenantId};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// The condition naming one user of one tenant.
pub(crate) fn key_condition(tenant: TenantId, key: &UserKey) -> sea_orm::Condition {
    use user::Column as C;
    let by = match key {
        UserKey::Id(id) => C::Id.eq(id.as_uuid()),
        UserKey::Number(n) => C::Number.eq(*n),
        UserKey::Login(l) => C::LoginKey.eq(l.key()),
        UserKey::Email(e) => C::EmailKey.eq(e.key()),
        UserKey::ExternalId(x) => C::ExternalId.eq(x.as_str()),
    };
    sea_orm::Condition::all()
        .add(C::TenantId.eq(tenant.as_uuid()))
        .add(by)
}

/// The row of one user, locked for update when `lock` (PostgreSQL writes).
pub(crate) async fn find_row<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    key: &UserKey,
    lock: bool,
) -> Result<Option<user::Model>, StorageError> {
    let mut q = user::Entity::find().filter(key_condition(tenant, key));
    if lock {
        q = q.lock_exclusive();
    }
    q.one(conn).await.map_err(storage)
}

/// The whole user `key` names, row and links in one query.
pub(crate) async fn find_whole<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    key: &UserKey,
) -> Result<Option<User>, StorageError> {
    let mut users = whole_users(
        conn,
        user::Entity::find().filter(key_condition(tenant, key)),
    )
    .await?;
    Ok(users.pop())
}

pub(crate) async fn load_one<C: ConnectionTrait>(
    conn: &C,
    row: user::Model,
) -> Result<User, StorageError> {
    let mut users = load(conn, vec![row]).await?;
    users
        .pop()
        .ok_or_else(|| StorageError::msg("loaded user vanished"))
}

/// Whole users for `rows`, in the same order: the rows again with their links, in one query
/// (callers hold rows they have just read or written in the same transaction).
pub(crate) async fn load<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<user::Model>,
) -> Result<Vec<User>, StorageError> {
    let numbers: Vec<i64> = rows.iter().map(|r| r.number).collect();
    let users = load_numbers(conn, &numbers).await?;
    if users.len() == numbers.len() {
        Ok(users)
    } else {
        Err(StorageError::msg("loaded user vanished"))
    }
}

/// Whole users numbered `numbers`, in that order, in one query; a number whose user is gone
/// (deleted since it was read, outside a transaction) is left out.
pub(crate) async fn load_numbers<C: ConnectionTrait>(
    conn: &C,
    numbers: &[i64],
) -> Result<Vec<User>, StorageError> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: HashMap<i64, User> = whole_users(
        conn,
        user::Entity::find().filter(user::Column::Number.is_in(numbers.iter().copied())),
    )
    .await?
    .into_iter()
    .map(|u| (u.number, u))
    .collect();
    Ok(numbers.iter().filter_map(|n| found.remove(n)).collect())
}

pub(crate) async fn roles_of<C: ConnectionTrait>(
    conn: &C,
    numbers: &[i64],
) -> Result<HashMap<i64, Vec<UserRole>>, StorageError> {
    let stmt = Query::select()
        .column((role_member::Entity, role_member::Column::UserNumber))
        .column((role_member::Entity, role_member::Column::IsDefault))
        .column((role::Entity, role::Column::Id))
        .column((role::Entity, role::Column::Name))
        .column((role::Entity, role::Column::BuiltIn))
        .from(role_member::Entity)
        .inner_join(
            role::Entity,
            Expr::col((role::Entity, role::Column::Id))
                .equals((role_member::Entity, role_member::Column::RoleId)),
        )
        .and_where(
            Expr::col((role_member::Entity, role_member::Column::UserNumber))
                .is_in(numbers.iter().copied()),
        )
        .order_by((role::Entity, role::Column::Name), Order::Asc)
        .to_owned();
    let mut out: HashMap<i64, Vec<UserRole>> = HashMap::new();
    for row in conn.query_all(&stmt).await.map_err(storage)? {
        let n: i64 = row.try_get("", "user_number").map_err(storage)?;
        let default: bool = row.try_get("", "is_default").map_err(storage)?;
        let id: uuid::Uuid = row.try_get("", "id").map_err(storage)?;
        let name: String = row.try_get("", "name").map_err(storage)?;
        let built_in = if row.try_get("", "built_in").map_err(storage)? {
            Some(BuiltInRole::from_key(&name).ok_or_else(|| {
                StorageError::msg(format!("stored built-in role '{name}' is unknown"))
            })?)
        } else {
            None
        };
        out.entry(n).or_default().push(UserRole {
            id: RoleId::from_uuid(id),
            name: rbac_name(&name)?,
            default,
            built_in,
        });
    }
    Ok(out)
}
