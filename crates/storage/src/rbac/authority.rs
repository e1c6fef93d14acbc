//! What the policy needs to know of a user on every call: its standing, and the actions its
//! roles allow.

use super::policies::stored_rules;
use crate::entities::{policy, role, role_member, role_policy};
use crate::errors::storage;
use crate::rows::rbac_name;
use crate::users::load::find_row;
use roster_domain::authz::StoredAuthority;
use roster_domain::rbac::{BuiltInRole, RoleGrant};
use roster_domain::users::{AccessLevel, UserKey, UserStatus};
use roster_domain::{StorageError, TenantId, UserId};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeSet, HashMap};

/// The authority of `user_id` in `tenant`; `None` when there is no such user.
pub(super) async fn authority<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    user_id: UserId,
) -> Result<Option<StoredAuthority>, StorageError> {
    let Some(u) = find_row(conn, tenant, &UserKey::Id(user_id), false).await? else {
        return Ok(None);
    };
    let (grants, built_in) = roles_of_user(conn, u.number).await?;
    let bad = |what: &str| StorageError::msg(format!("stored {what} is invalid"));
    Ok(Some(StoredAuthority {
        status: UserStatus::from_name(&u.status).ok_or_else(|| bad("status"))?,
        access_level: AccessLevel::from_name(&u.access_level).ok_or_else(|| bad("access level"))?,
        epoch: u.auth_epoch,
        org_admin: built_in.contains(&BuiltInRole::OrgAdmin),
        secret_key_admin: built_in.contains(&BuiltInRole::SecretKeyAdmin),
        grants,
    }))
}

/// The RBAC roles of the user numbered `number`, each with every action its policies allow,
/// and the built-in roles it holds.
async fn roles_of_user<C: ConnectionTrait>(
    conn: &C,
    number: i64,
) -> Result<(Vec<RoleGrant>, BTreeSet<BuiltInRole>), StorageError> {
    let memberships = role_member::Entity::find()
        .filter(role_member::Column::UserNumber.eq(number))
        .all(conn)
        .await
        .map_err(storage)?;
    if memberships.is_empty() {
        return Ok((Vec::new(), BTreeSet::new()));
    }
    let ids: Vec<uuid::Uuid> = memberships.iter().map(|m| m.role_id).collect();
    let (built_in, roles): (Vec<role::Model>, Vec<role::Model>) = role::Entity::find()
        .filter(role::Column::Id.is_in(ids.clone()))
        .order_by_asc(role::Column::Name)
        .all(conn)
        .await
        .map_err(storage)?
        .into_iter()
        .partition(|r| r.built_in);
    let built_in: BTreeSet<BuiltInRole> = built_in
        .iter()
        .filter_map(|r| BuiltInRole::from_key(&r.name))
        .collect();
    let rules_q = Query::select()
        .column((role_policy::Entity, role_policy::Column::RoleId))
        .column((policy::Entity, policy::Column::Rules))
        .from(role_policy::Entity)
        .inner_join(
            policy::Entity,
            Expr::col((policy::Entity, policy::Column::Id))
                .equals((role_policy::Entity, role_policy::Column::PolicyId)),
        )
        .and_where(Expr::col((role_policy::Entity, role_policy::Column::RoleId)).is_in(ids))
        .to_owned();
    let mut actions: HashMap<uuid::Uuid, BTreeSet<String>> = HashMap::new();
    for row in conn.query_all(&rules_q).await.map_err(storage)? {
        let role_id: uuid::Uuid = row.try_get("", "role_id").map_err(storage)?;
        let stored: String = row.try_get("", "rules").map_err(storage)?;
        let set = actions.entry(role_id).or_default();
        for rule in stored_rules(&stored)? {
            set.extend(rule.actions().iter().cloned());
        }
    }
    let grants = roles
        .into_iter()
        .map(|r| {
            let default = memberships
                .iter()
                .any(|m| m.role_id == r.id && m.is_default);
            Ok(RoleGrant {
                name: rbac_name(&r.name)?,
                default,
                actions: actions.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect::<Result<_, StorageError>>()?;
    Ok((grants, built_in))
}
