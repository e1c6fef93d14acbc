//! What hangs off a role: its members (users) and its policies, read for many roles at once
//! and replaced as a whole.

use crate::entities::{policy, role, role_member, role_policy, user};
use crate::errors::storage;
use crate::rows::rbac_name;
use crate::users::load::find_row;
use roster_domain::rbac::{MemberSelector, PolicyRef, PolicySelector, Role, RoleError, RoleMember};
use roster_domain::values::Login;
use roster_domain::{PolicyId, RoleId, StorageError, TenantId, Timestamp, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The roles of `rows` with their members and policies, in the order of `rows`.
pub(super) async fn load_roles<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<role::Model>,
) -> Result<Vec<Role>, StorageError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let members_q = Query::select()
        .column((role_member::Entity, role_member::Column::RoleId))
        .column((role_member::Entity, role_member::Column::IsDefault))
        .column((user::Entity, user::Column::Id))
        .column((user::Entity, user::Column::Login))
        .from(role_member::Entity)
        .inner_join(
            user::Entity,
            Expr::col((user::Entity, user::Column::Number))
                .equals((role_member::Entity, role_member::Column::UserNumber)),
        )
        .and_where(
            Expr::col((role_member::Entity, role_member::Column::RoleId))
                .is_in(ids.iter().copied()),
        )
        .order_by((user::Entity, user::Column::LoginKey), Order::Asc)
        .to_owned();
    let mut members: HashMap<uuid::Uuid, Vec<RoleMember>> = HashMap::new();
    for row in conn.query_all(&members_q).await.map_err(storage)? {
        let role: uuid::Uuid = row.try_get("", "role_id").map_err(storage)?;
        let default: bool = row.try_get("", "is_default").map_err(storage)?;
        let id: uuid::Uuid = row.try_get("", "id").map_err(storage)?;
        let login: String = row.try_get("", "login").map_err(storage)?;
        let login = Login::parse(&login)
            .map_err(|e| StorageError::msg(format!("stored login is invalid: {e}")))?;
        members.entry(role).or_default().push(RoleMember {
            user: UserId::from_uuid(id),
            login,
            default,
        });
    }
    let policies_q = Query::select()
        .column((role_policy::Entity, role_policy::Column::RoleId))
        .column((policy::Entity, policy::Column::Id))
        .column((policy::Entity, policy::Column::Name))
        .from(role_policy::Entity)
        .inner_join(
            policy::Entity,
            Expr::col((policy::Entity, policy::Column::Id))
                .equals((role_policy::Entity, role_policy::Column::PolicyId)),
        )
        .and_where(
            Expr::col((role_policy::Entity, role_policy::Column::RoleId))
                .is_in(ids.iter().copied()),
        )
        .order_by((policy::Entity, policy::Column::Name), Order::Asc)
        .to_owned();
    let mut policies: HashMap<uuid::Uuid, Vec<PolicyRef>> = HashMap::new();
    for row in conn.query_all(&policies_q).await.map_err(storage)? {
        let role: uuid::Uuid = row.try_get("", "role_id").map_err(storage)?;
        let id: uuid::Uuid = row.try_get("", "id").map_err(storage)?;
        let name: String = row.try_get("", "name").map_err(storage)?;
        policies.entry(role).or_default().push(PolicyRef {
            id: PolicyId::from_uuid(id),
            name: rbac_name(&name)?,
        });
    }
    rows.into_iter()
        .map(|r| {
            Ok(Role {
                id: RoleId::from_uuid(r.id),
                tenant: TenantId::from_uuid(r.tenant_id),
                name: rbac_name(&r.name)?,
                members: members.remove(&r.id).unwrap_or_default(),
                policies: policies.remove(&r.id).unwrap_or_default(),
                created: Timestamp::from_micros(r.created_at),
            })
        })
        .collect()
}

/// Replaces the role's members, refusing selectors that name no user.
pub(super) async fn set_members(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    role: uuid::Uuid,
    members: &[MemberSelector],
    lock: bool,
) -> Result<(), RoleError> {
    // One row per user; `default` wins if any mention of the user asks for it.
    let mut rows: BTreeMap<i64, bool> = BTreeMap::new();
    for (index, m) in members.iter().enumerate() {
        let Some(u) = find_row(txn, tenant, &m.user, lock).await? else {
            return Err(RoleError::UnknownMember {
                index,
                user: m.user.clone(),
            });
        };
        *rows.entry(u.number).or_default() |= m.default;
    }
    role_member::Entity::delete_many()
        .filter(role_member::Column::RoleId.eq(role))
        .exec(txn)
        .await
        .map_err(storage)?;
    if rows.is_empty() {
        return Ok(());
    }
    let models = rows.into_iter().map(|(n, d)| role_member::ActiveModel {
        role_id: Set(role),
        user_number: Set(n),
        is_default: Set(d),
    });
    role_member::Entity::insert_many(models)
        .exec(txn)
        .await
        .map_err(storage)?;
    Ok(())
}

/// Replaces the role's policies, refusing selectors that name no policy.
pub(super) async fn set_policies(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    role: uuid::Uuid,
    policies: &[PolicySelector],
) -> Result<(), RoleError> {
    let mut ids = BTreeSet::new();
    for (index, p) in policies.iter().enumerate() {
        let cond = Condition::all()
            .add(policy::Column::TenantId.eq(tenant.as_uuid()))
            .add(match p {
                PolicySelector::Id(id) => policy::Column::Id.eq(id.as_uuid()),
                PolicySelector::Name(n) => policy::Column::Name.eq(n.as_str()),
            });
        let Some(row) = policy::Entity::find()
            .filter(cond)
            .one(txn)
            .await
            .map_err(storage)?
        else {
            return Err(RoleError::UnknownPolicy {
                index,
                selector: p.clone(),
            });
        };
        ids.insert(row.id);
    }
    role_policy::Entity::delete_many()
        .filter(role_policy::Column::RoleId.eq(role))
        .exec(txn)
        .await
        .map_err(storage)?;
    if ids.is_empty() {
        return Ok(());
    }
    let models = ids.into_iter().map(|p| role_policy::ActiveModel {
        role_id: Set(role),
        policy_id: Set(p),
    });
    role_policy::Entity::insert_many(models)
        .exec(txn)
        .await
        .map_err(storage)?;
    Ok(())
}
