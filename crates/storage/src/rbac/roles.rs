//! RBAC roles: their rows, read with their members and policies. Built-in roles share the
//! table and are invisible here.

use super::id_or_name;
use super::role_links::{load_roles, set_members, set_policies};
use crate::Store;
use crate::effects::{Effects, wall_clock};
use crate::entities::role;
use crate::errors::{foreign_key_violation, storage, unique_violation};
use crate::outbox::payload;
use roster_domain::events::EventType;
use roster_domain::rbac::{NewRole, RbacName, Role, RoleChange, RoleError};
use roster_domain::{RoleId, StorageError, TenantId, Timestamp};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// RBAC roles only: built-in roles are managed through their holders' `role_keys`.
fn rbac_only() -> Condition {
    Condition::all().add(role::Column::BuiltIn.eq(false))
}

/// The RBAC role `id` of `tenant`, with its members and policies.
pub(super) async fn role_by_id<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    id: RoleId,
) -> Result<Option<Role>, StorageError> {
    let row = role::Entity::find()
        .filter(role::Column::TenantId.eq(tenant.as_uuid()))
        .filter(role::Column::Id.eq(id.as_uuid()))
        .filter(rbac_only())
        .one(conn)
        .await
        .map_err(storage)?;
    Ok(match row {
        Some(r) => load_roles(conn, vec![r]).await?.pop(),
        None => None,
    })
}

fn role_write_error(e: sea_orm::DbErr, name: &RbacName) -> RoleError {
    if unique_violation(&e).is_some() {
        RoleError::Exists(name.clone())
    } else if foreign_key_violation(&e) {
        RoleError::TenantNotFound
    } else {
        RoleError::Storage(storage(e))
    }
}

pub(super) async fn list(store: &Store, tenant: TenantId) -> Result<Vec<Role>, StorageError> {
    let rows = role::Entity::find()
        .filter(role::Column::TenantId.eq(tenant.as_uuid()))
        .filter(rbac_only())
        .order_by_asc(role::Column::Name)
        .all(store.connection())
        .await
        .map_err(storage)?;
    load_roles(store.connection(), rows).await
}

pub(super) async fn find(
    store: &Store,
    tenant: TenantId,
    key: &str,
) -> Result<Option<Role>, StorageError> {
    let cond = id_or_name(
        role::Column::Id,
        role::Column::Name,
        role::Column::TenantId,
        tenant,
        key,
    );
    let row = role::Entity::find()
        .filter(cond)
        .filter(rbac_only())
        .one(store.connection())
        .await
        .map_err(storage)?;
    Ok(match row {
        Some(r) => load_roles(store.connection(), vec![r]).await?.pop(),
        None => None,
    })
}

pub(super) async fn create(
    store: &Store,
    tenant: TenantId,
    new: NewRole,
    now: Timestamp,
) -> Result<Role, RoleError> {
    let w = store.write().await.map_err(storage)?;
    let id = RoleId::generate();
    role::ActiveModel {
        id: Set(id.as_uuid()),
        tenant_id: Set(tenant.as_uuid()),
        name: Set(new.name.as_str().to_owned()),
        created_at: Set(now.as_micros()),
        built_in: Set(false),
    }
    .insert(&w.txn)
    .await
    .map_err(|e| role_write_error(e, &new.name))?;
    set_members(
        &w.txn,
        tenant,
        id.as_uuid(),
        &new.members,
        store.locks_rows(),
    )
    .await?;
    set_policies(&w.txn, tenant, id.as_uuid(), &new.policies).await?;
    let role = role_by_id(&w.txn, tenant, id)
        .await?
        .ok_or(RoleError::NotFound)?;
    let mut effects = Effects::default();
    effects
        .events
        .push(tenant, EventType::RoleCreated, &id, payload::role(&role));
    store.finish(w, effects, now).await?;
    Ok(role)
}

pub(super) async fn update(
    store: &Store,
    tenant: TenantId,
    id: RoleId,
    changes: &[RoleChange],
) -> Result<Role, RoleError> {
    let w = store.write().await.map_err(storage)?;
    let Some(before) = role_by_id(&w.txn, tenant, id).await? else {
        return Err(RoleError::NotFound);
    };
    for change in changes {
        match change {
            RoleChange::Name(name) => {
                role::Entity::update_many()
                    .col_expr(role::Column::Name, Expr::val(name.as_str()))
                    .filter(role::Column::Id.eq(id.as_uuid()))
                    .exec(&w.txn)
                    .await
                    .map_err(|e| role_write_error(e, name))?;
            }
            RoleChange::Members(m) => {
                set_members(&w.txn, tenant, id.as_uuid(), m, store.locks_rows()).await?;
            }
            RoleChange::Policies(p) => set_policies(&w.txn, tenant, id.as_uuid(), p).await?,
        }
    }
    let role = role_by_id(&w.txn, tenant, id)
        .await?
        .ok_or(RoleError::NotFound)?;
    let mut effects = Effects::default();
    effects.events.updated(
        tenant,
        EventType::RoleUpdated,
        &id,
        "role",
        (payload::role(&before), payload::role(&role)),
    );
    store.finish(w, effects, wall_clock()).await?;
    Ok(role)
}

pub(super) async fn delete(
    store: &Store,
    tenant: TenantId,
    id: RoleId,
) -> Result<bool, StorageError> {
    let w = store.write().await.map_err(storage)?;
    let Some(gone) = role_by_id(&w.txn, tenant, id).await? else {
        return Ok(false);
    };
    role::Entity::delete_many()
        .filter(role::Column::Id.eq(id.as_uuid()))
        .exec(&w.txn)
        .await
        .map_err(storage)?;
    let mut effects = Effects::default();
    effects
        .events
        .push(tenant, EventType::RoleDeleted, &id, payload::role(&gone));
    store.finish(w, effects, wall_clock()).await?;
    Ok(true)
}
