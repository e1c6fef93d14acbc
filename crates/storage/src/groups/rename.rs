//! UpdateGroup: a new name or external id, in one transaction. Paths are materialised, so a
//! new name rewrites the path of the group and of every descendant in one statement each;
//! the subtree is locked in path order first (PostgreSQL), so that renames of an ancestor
//! and of a descendant queue instead of deadlocking.

use super::{counted, locked_row, with_counts};
use crate::Store;
use crate::effects::Effects;
use crate::entities::group;
use crate::errors::{Unique, storage, unique_violation};
use crate::outbox::payload;
use crate::rows::group_ref;
use crate::users::touch::touch_members;
use roster_domain::events::EventType;
use roster_domain::groups::{Group, GroupChange, UpdateGroupError};
use roster_domain::values::{ExternalId, GroupPath};
use roster_domain::{GroupId, TenantId, Timestamp};
use sea_orm::sea_query::{BinOper, Expr, ExprTrait, Func, LockType};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// `path` starts with `prefix` (compared as characters, without LIKE, so that `%` and `_` in
/// a group name are only text).
pub(super) fn starts_with(prefix: &str) -> Expr {
    // PostgreSQL's SUBSTR takes `integer` positions, not `bigint`.
    let n = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
    Expr::expr(
        Func::cust("SUBSTR")
            .arg(Expr::col(group::Column::Path))
            .arg(1)
            .arg(n),
    )
    .eq(prefix)
}

/// What a unique violation of the update is about.
fn collision(e: DbErr, path: &GroupPath, external_id: Option<&ExternalId>) -> UpdateGroupError {
    match unique_violation(&e) {
        Some(Unique::GroupPath) => UpdateGroupError::Exists(path.clone()),
        Some(Unique::ExternalId) => match external_id {
            Some(x) => UpdateGroupError::ExternalIdTaken(x.clone()),
            None => UpdateGroupError::Storage(storage(e)),
        },
        _ => UpdateGroupError::Storage(storage(e)),
    }
}

pub(super) async fn update(
    store: &Store,
    tenant: TenantId,
    id: GroupId,
    changes: &[GroupChange],
    expected_version: Option<i64>,
    now: Timestamp,
) -> Result<Group, UpdateGroupError> {
    let lock = store.locks_rows();
    let w = store.write().await.map_err(storage)?;
    let row = locked_row(&w.txn, lock, tenant, id)
        .await?
        .ok_or(UpdateGroupError::NotFound)?;
    if expected_version.is_some_and(|v| v != row.version) {
        return Err(UpdateGroupError::EtagMismatch);
    }
    let current = group_ref(row.id, &row.path, row.external_id.as_deref())?;
    let mut path = current.path.clone();
    let mut external_id = current.external_id.clone();
    for change in changes {
        match change {
            GroupChange::Name(name) => path = current.path.renamed(name),
            GroupChange::ExternalId(x) => external_id.clone_from(x),
        }
    }
    if path == current.path && external_id == current.external_id {
        return Ok(counted(&w.txn, row).await?);
    }
    let renamed = path != current.path;
    let old_prefix = format!("{}/", current.path);
    // As the events will compare them: the group and its subtree before the change.
    let was = counted(&w.txn, row.clone()).await?;
    let was_below = if renamed {
        subtree(&w.txn, tenant, &current.path).await?
    } else {
        Vec::new()
    };
    if renamed && lock {
        // The whole subtree, in path order: the order every rename locks it in.
        group::Entity::find()
            .select_only()
            .column(group::Column::Id)
            .filter(group::Column::TenantId.eq(tenant.as_uuid()))
            .filter(starts_with(&old_prefix))
            .order_by_asc(group::Column::Path)
            .lock(LockType::Update)
            .into_tuple::<uuid::Uuid>()
            .all(&w.txn)
            .await
            .map_err(storage)?;
    }
    group::Entity::update_many()
        .col_expr(group::Column::Name, Expr::val(path.name()))
        .col_expr(group::Column::Path, Expr::val(path.as_str()))
        .col_expr(
            group::Column::ExternalId,
            Expr::val(external_id.as_ref().map(|x| x.as_str().to_owned())),
        )
        .col_expr(
            group::Column::Version,
            Expr::col(group::Column::Version).add(1),
        )
        .col_expr(group::Column::UpdatedAt, Expr::val(now.as_micros()))
        .filter(group::Column::Id.eq(row.id))
        .exec(&w.txn)
        .await
        .map_err(|e| collision(e, &path, external_id.as_ref()))?;
    if renamed {
        // `//Old/x/y` becomes `//New/x/y`: the new path, then what followed the old one.
        let rest_from = i32::try_from(current.path.as_str().chars().count())
            .unwrap_or(i32::MAX)
            .saturating_add(1);
        group::Entity::update_many()
            .col_expr(
                group::Column::Path,
                Expr::val(path.as_str()).binary(
                    BinOper::Custom("||"),
                    Func::cust("SUBSTR")
                        .arg(Expr::col(group::Column::Path))
                        .arg(rest_from),
                ),
            )
            .filter(group::Column::TenantId.eq(tenant.as_uuid()))
            .filter(starts_with(&old_prefix))
            .exec(&w.txn)
            .await
            .map_err(|e| collision(e, &path, None))?;
    }
    // Members see the group's path (a rename: the subtree's too) and external id in their
    // `groups`: their versions move.
    touch_members(
        &w.txn,
        tenant,
        row.id,
        renamed.then_some(path.as_str()),
        now,
    )
    .await?;
    let fresh = locked_row(&w.txn, false, tenant, id)
        .await?
        .ok_or(UpdateGroupError::NotFound)?;
    let group = counted(&w.txn, fresh).await?;
    // The descendants have new paths too.
    let is_below = if renamed {
        subtree(&w.txn, tenant, &path).await?
    } else {
        Vec::new()
    };
    let effects = updates(tenant, (&was, &group), (&was_below, &is_below));
    store.finish(w, effects, now).await?;
    Ok(group)
}

/// The events of an update: the group's, then each descendant's that changed.
fn updates(
    tenant: TenantId,
    (was, is): (&Group, &Group),
    (was_below, is_below): (&[Group], &[Group]),
) -> Effects {
    let mut effects = Effects::default();
    let before: std::collections::HashMap<GroupId, &Group> =
        was_below.iter().map(|g| (g.id, g)).collect();
    let pairs = std::iter::once((was, is)).chain(
        is_below
            .iter()
            .filter_map(|a| Some((*before.get(&a.id)?, a))),
    );
    for (b, a) in pairs {
        let pair = (payload::group(b), payload::group(a));
        effects
            .events
            .updated(tenant, EventType::GroupUpdated, &a.id, "group", pair);
    }
    effects
}

/// The groups under `path`, in path order.
async fn subtree<C: sea_orm::ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    path: &GroupPath,
) -> Result<Vec<Group>, roster_domain::StorageError> {
    let rows = group::Entity::find()
        .filter(group::Column::TenantId.eq(tenant.as_uuid()))
        .filter(starts_with(&format!("{path}/")))
        .order_by_asc(group::Column::Path)
        .all(conn)
        .await
        .map_err(storage)?;
    with_counts(conn, rows).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::{PostgresQueryBuilder, Query, SqliteQueryBuilder};

    #[test]
    fn the_subtree_is_matched_by_a_bound_prefix_not_by_like() {
        let q = Query::select().expr(starts_with("//50%_off/")).to_owned();
        for (sql, values) in [q.build(SqliteQueryBuilder), q.build(PostgresQueryBuilder)] {
            assert!(sql.contains("SUBSTR") && !sql.contains("LIKE"), "{sql}");
            assert!(!sql.contains("50%"), "the prefix is a parameter: {sql}");
            assert_eq!(values.0.len(), 3);
        }
    }
}
