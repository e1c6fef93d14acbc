//! RBAC policies: named lists of rules, stored as a JSON array of rule texts.

use super::id_or_name;
use crate::Store;
use crate::effects::{Effects, wall_clock};
use crate::entities::{policy, role_policy};
use crate::errors::{foreign_key_violation, storage, unique_violation};
use crate::outbox::payload;
use crate::rows::rbac_name;
use roster_domain::events::EventType;
use roster_domain::rbac::{NewPolicy, Policy, PolicyChange, PolicyError, RbacName, Rule};
use roster_domain::{PolicyId, RoleId, StorageError, TenantId, Timestamp};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// The rules of a policy row (a JSON array of rule texts), each parsed again.
pub(super) fn stored_rules(json: &str) -> Result<Vec<Rule>, StorageError> {
    let texts: Vec<String> = serde_json::from_str(json)
        .map_err(|e| StorageError::msg(format!("stored rules are invalid: {e}")))?;
    texts
        .iter()
        .map(|t| Rule::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StorageError::msg(format!("stored rule is invalid: {e}")))
}

fn policy_from_row(r: policy::Model) -> Result<Policy, StorageError> {
    Ok(Policy {
        id: PolicyId::from_uuid(r.id),
        tenant: TenantId::from_uuid(r.tenant_id),
        name: rbac_name(&r.name)?,
        rules: stored_rules(&r.rules)?,
        description: r.description,
        created: Timestamp::from_micros(r.created_at),
    })
}

fn rules_json(rules: &[Rule]) -> String {
    let texts: Vec<&str> = rules.iter().map(Rule::as_str).collect();
    serde_json::to_string(&texts).unwrap_or_else(|_| "[]".to_owned())
}

fn policy_write_error(e: sea_orm::DbErr, name: &RbacName) -> PolicyError {
    if unique_violation(&e).is_some() {
        PolicyError::Exists(name.clone())
    } else if foreign_key_violation(&e) {
        PolicyError::TenantNotFound
    } else {
        PolicyError::Storage(storage(e))
    }
}

pub(super) async fn list(store: &Store, tenant: TenantId) -> Result<Vec<Policy>, StorageError> {
    policy::Entity::find()
        .filter(policy::Column::TenantId.eq(tenant.as_uuid()))
        .order_by_asc(policy::Column::Name)
        .all(store.connection())
        .await
        .map_err(storage)?
        .into_iter()
        .map(policy_from_row)
        .collect()
}

pub(super) async fn find(
    store: &Store,
    tenant: TenantId,
    key: &str,
) -> Result<Option<Policy>, StorageError> {
    let cond = id_or_name(
        policy::Column::Id,
        policy::Column::Name,
        policy::Column::TenantId,
        tenant,
        key,
    );
    policy::Entity::find()
        .filter(cond)
        .one(store.connection())
        .await
        .map_err(storage)?
        .map(policy_from_row)
        .transpose()
}

pub(super) async fn create(
    store: &Store,
    tenant: TenantId,
    new: NewPolicy,
    now: Timestamp,
) -> Result<Policy, PolicyError> {
    let w = store.write().await.map_err(storage)?;
    let row = policy::ActiveModel {
        id: Set(PolicyId::generate().as_uuid()),
        tenant_id: Set(tenant.as_uuid()),
        name: Set(new.name.as_str().to_owned()),
        rules: Set(rules_json(&new.rules)),
        description: Set(new.description.clone()),
        created_at: Set(now.as_micros()),
    }
    .insert(&w.txn)
    .await
    .map_err(|e| policy_write_error(e, &new.name))?;
    let policy = policy_from_row(row)?;
    let mut effects = Effects::default();
    effects.events.push(
        tenant,
        EventType::PolicyCreated,
        &policy.id,
        payload::policy(&policy),
    );
    store.finish(w, effects, now).await?;
    Ok(policy)
}

pub(super) async fn update(
    store: &Store,
    tenant: TenantId,
    id: PolicyId,
    changes: &[PolicyChange],
) -> Result<Policy, PolicyError> {
    let w = store.write().await.map_err(storage)?;
    let find = || {
        policy::Entity::find()
            .filter(policy::Column::TenantId.eq(tenant.as_uuid()))
            .filter(policy::Column::Id.eq(id.as_uuid()))
    };
    let Some(current) = find().one(&w.txn).await.map_err(storage)? else {
        return Err(PolicyError::NotFound);
    };
    let name = rbac_name(&current.name)?;
    let mut q = policy::Entity::update_many().filter(policy::Column::Id.eq(id.as_uuid()));
    let mut new_name = name.clone();
    for change in changes {
        q = match change {
            PolicyChange::Name(n) => {
                new_name = n.clone();
                q.col_expr(policy::Column::Name, Expr::val(n.as_str()))
            }
            PolicyChange::Rules(r) => q.col_expr(policy::Column::Rules, Expr::val(rules_json(r))),
            PolicyChange::Description(d) => {
                q.col_expr(policy::Column::Description, Expr::val(d.clone()))
            }
        };
    }
    if !changes.is_empty() {
        q.exec(&w.txn)
            .await
            .map_err(|e| policy_write_error(e, &new_name))?;
    }
    let row = find()
        .one(&w.txn)
        .await
        .map_err(storage)?
        .ok_or(PolicyError::NotFound)?;
    let (before, after) = (policy_from_row(current)?, policy_from_row(row)?);
    let mut effects = Effects::default();
    effects.events.updated(
        tenant,
        EventType::PolicyUpdated,
        &id,
        "policy",
        (payload::policy(&before), payload::policy(&after)),
    );
    store.finish(w, effects, wall_clock()).await?;
    Ok(after)
}

pub(super) async fn delete(
    store: &Store,
    tenant: TenantId,
    id: PolicyId,
) -> Result<bool, StorageError> {
    let w = store.write().await.map_err(storage)?;
    let Some(row) = policy::Entity::find()
        .filter(policy::Column::TenantId.eq(tenant.as_uuid()))
        .filter(policy::Column::Id.eq(id.as_uuid()))
        .one(&w.txn)
        .await
        .map_err(storage)?
    else {
        return Ok(false);
    };
    // Its role links go with it (ON DELETE CASCADE): the roles that held it change too.
    let holders: Vec<uuid::Uuid> = role_policy::Entity::find()
        .select_only()
        .column(role_policy::Column::RoleId)
        .filter(role_policy::Column::PolicyId.eq(id.as_uuid()))
        .into_tuple()
        .all(&w.txn)
        .await
        .map_err(storage)?;
    let mut before = Vec::with_capacity(holders.len());
    for role in &holders {
        before.extend(super::roles::role_by_id(&w.txn, tenant, RoleId::from_uuid(*role)).await?);
    }
    policy::Entity::delete_many()
        .filter(policy::Column::Id.eq(id.as_uuid()))
        .exec(&w.txn)
        .await
        .map_err(storage)?;
    let mut effects = Effects::default();
    effects.events.push(
        tenant,
        EventType::PolicyDeleted,
        &id,
        payload::policy(&policy_from_row(row)?),
    );
    for was in before {
        if let Some(is) = super::roles::role_by_id(&w.txn, tenant, was.id).await? {
            effects.events.updated(
                tenant,
                EventType::RoleUpdated,
                &is.id,
                "role",
                (payload::role(&was), payload::role(&is)),
            );
        }
    }
    store.finish(w, effects, wall_clock()).await?;
    Ok(true)
}
