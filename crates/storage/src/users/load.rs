//! Loading whole users: rows plus their groups and devices, in one query each for any
//! number of users (no N+1).

use crate::entities::{device, group, user, user_group};
use crate::entities::{role, role_member};
use crate::errors::storage;
use crate::rows::{UserLinks, device_from_row, group_ref, rbac_name, user_from_row};
use roster_domain::RoleId;
use roster_domain::groups::GroupRef;
use roster_domain::rbac::{BuiltInRole, UserRole};
use roster_domain::users::{Device, User, UserKey};
use roster_domain::{StorageError, TenantId};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
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

pub(crate) async fn load_one<C: ConnectionTrait>(
    conn: &C,
    row: user::Model,
) -> Result<User, StorageError> {
    let mut users = load(conn, vec![row]).await?;
    users
        .pop()
        .ok_or_else(|| StorageError::msg("loaded user vanished"))
}

/// Whole users for `rows`, in the same order.
pub(crate) async fn load<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<user::Model>,
) -> Result<Vec<User>, StorageError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let numbers: Vec<i64> = rows.iter().map(|r| r.number).collect();
    let mut groups = memberships(conn, &numbers).await?;
    let mut devices = devices_of(conn, &numbers).await?;
    let mut roles = roles_of(conn, &numbers).await?;
    let mut folders = super::folder_links::folders_of(conn, &numbers).await?;
    rows.into_iter()
        .map(|r| {
            let n = r.number;
            let links = UserLinks {
                groups: groups.remove(&n).unwrap_or_default(),
                devices: devices.remove(&n).unwrap_or_default(),
                roles: roles.remove(&n).unwrap_or_default(),
                folders: folders.remove(&n).unwrap_or_default(),
            };
            user_from_row(r, links)
        })
        .collect()
}

async fn memberships<C: ConnectionTrait>(
    conn: &C,
    numbers: &[i64],
) -> Result<HashMap<i64, Vec<GroupRef>>, StorageError> {
    let stmt = Query::select()
        .column((user_group::Entity, user_group::Column::UserNumber))
        .column((group::Entity, group::Column::Id))
        .column((group::Entity, group::Column::Path))
        .column((group::Entity, group::Column::ExternalId))
        .from(user_group::Entity)
        .inner_join(
            group::Entity,
            Expr::col((group::Entity, group::Column::Id))
                .equals((user_group::Entity, user_group::Column::GroupId)),
        )
        .and_where(
            Expr::col((user_group::Entity, user_group::Column::UserNumber))
                .is_in(numbers.iter().copied()),
        )
        .order_by(
            (user_group::Entity, user_group::Column::Position),
            Order::Asc,
        )
        .order_by((group::Entity, group::Column::Path), Order::Asc)
        .to_owned();
    let mut out: HashMap<i64, Vec<GroupRef>> = HashMap::new();
    for row in conn.query_all(&stmt).await.map_err(storage)? {
        let n: i64 = row.try_get("", "user_number").map_err(storage)?;
        let id: uuid::Uuid = row.try_get("", "id").map_err(storage)?;
        let path: String = row.try_get("", "path").map_err(storage)?;
        let ext: Option<String> = row.try_get("", "external_id").map_err(storage)?;
        out.entry(n)
            .or_default()
            .push(group_ref(id, &path, ext.as_deref())?);
    }
    Ok(out)
}

async fn devices_of<C: ConnectionTrait>(
    conn: &C,
    numbers: &[i64],
) -> Result<HashMap<i64, Vec<Device>>, StorageError> {
    let rows = device::Entity::find()
        .filter(device::Column::UserNumber.is_in(numbers.iter().copied()))
        .order_by_desc(device::Column::LastSyncAt)
        .order_by_asc(device::Column::DeviceId)
        .all(conn)
        .await
        .map_err(storage)?;
    let mut out: HashMap<i64, Vec<Device>> = HashMap::new();
    for r in rows {
        out.entry(r.user_number)
            .or_default()
            .push(device_from_row(r));
    }
    Ok(out)
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
