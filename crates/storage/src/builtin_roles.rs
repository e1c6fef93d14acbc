//! The built-in roles of a tenant (Cloud Elements' `org-admin`, `admin`, `org`, SureCloud's
//! `secret-key-admin`): rows of the role table flagged `built_in`, named by their key, held
//! through the same membership table as RBAC roles. Users name them by key
//! ([`UserChange::RoleKeys`]).
//!
//! [`UserChange::RoleKeys`]: roster_domain::users::UserChange::RoleKeys

use crate::entities::{role, role_member};
use roster_domain::rbac::BuiltInRole;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// What the owner of a new tenant holds from the start.
const OWNER_ROLES: [BuiltInRole; 2] = [BuiltInRole::OrgAdmin, BuiltInRole::Org];

/// Creates every built-in role of `tenant` and gives `owner` (a user number) the owner's.
pub(crate) async fn insert_for_tenant<C: ConnectionTrait>(
    conn: &C,
    tenant: uuid::Uuid,
    owner: Option<i64>,
    now_micros: i64,
) -> Result<(), DbErr> {
    let rows = BuiltInRole::ALL.map(|r| (r, uuid::Uuid::now_v7()));
    role::Entity::insert_many(rows.iter().map(|(r, id)| role::ActiveModel {
        id: Set(*id),
        tenant_id: Set(tenant),
        name: Set(r.key().to_owned()),
        created_at: Set(now_micros),
        built_in: Set(true),
    }))
    .exec(conn)
    .await?;
    let Some(owner) = owner else {
        return Ok(());
    };
    let held = rows
        .iter()
        .filter(|(r, _)| OWNER_ROLES.contains(r))
        .map(|(_, id)| role_member::ActiveModel {
            role_id: Set(*id),
            user_number: Set(owner),
            is_default: Set(true),
        });
    role_member::Entity::insert_many(held).exec(conn).await?;
    Ok(())
}

/// Makes the user `number` of `tenant` hold exactly `keys` among the built-in roles.
pub(crate) async fn set_for_user<C: ConnectionTrait>(
    conn: &C,
    tenant: uuid::Uuid,
    number: i64,
    keys: &[BuiltInRole],
) -> Result<(), DbErr> {
    let roles = role::Entity::find()
        .filter(role::Column::TenantId.eq(tenant))
        .filter(role::Column::BuiltIn.eq(true))
        .all(conn)
        .await?;
    let ids: Vec<uuid::Uuid> = roles.iter().map(|r| r.id).collect();
    role_member::Entity::delete_many()
        .filter(role_member::Column::UserNumber.eq(number))
        .filter(role_member::Column::RoleId.is_in(ids))
        .exec(conn)
        .await?;
    let wanted: Vec<role_member::ActiveModel> = roles
        .iter()
        .filter(|r| BuiltInRole::from_key(&r.name).is_some_and(|k| keys.contains(&k)))
        .map(|r| role_member::ActiveModel {
            role_id: Set(r.id),
            user_number: Set(number),
            is_default: Set(true),
        })
        .collect();
    if wanted.len() < dedup_len(keys) {
        // A tenant made before its built-in roles existed would lose a grant silently.
        return Err(DbErr::Custom("the tenant lacks a built-in role".to_owned()));
    }
    if !wanted.is_empty() {
        role_member::Entity::insert_many(wanted).exec(conn).await?;
    }
    Ok(())
}

fn dedup_len(keys: &[BuiltInRole]) -> usize {
    let mut k = keys.to_vec();
    k.sort_unstable();
    k.dedup();
    k.len()
}
