//! [`GroupRepository`] on sea-orm.

use crate::Store;
use crate::entities::{group, user_group};
use crate::errors::{Unique, foreign_key_violation, storage, unique_violation};
use crate::rows::group_from_row;
use roster_domain::groups::{CreateGroupError, DeleteGroupError, Group, GroupKey, GroupQuery};
use roster_domain::ports::GroupRepository;
use roster_domain::values::{ExternalId, GroupPath};
use roster_domain::{GroupId, StorageError, TenantId, Timestamp};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

fn key_condition(tenant: TenantId, key: &GroupKey) -> sea_orm::Condition {
    let by = match key {
        GroupKey::Id(id) => group::Column::Id.eq(id.as_uuid()),
        GroupKey::Path(p) => group::Column::Path.eq(p.as_str()),
        GroupKey::ExternalId(x) => group::Column::ExternalId.eq(x.as_str()),
    };
    sea_orm::Condition::all()
        .add(group::Column::TenantId.eq(tenant.as_uuid()))
        .add(by)
}

/// Direct member counts of `ids`, in one query.
async fn member_counts<C: ConnectionTrait>(
    conn: &C,
    ids: &[uuid::Uuid],
) -> Result<HashMap<uuid::Uuid, i64>, StorageError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(uuid::Uuid, i64)> = user_group::Entity::find()
        .select_only()
        .column(user_group::Column::GroupId)
        .column_as(
            Expr::from(Func::count(Expr::col(user_group::Column::UserNumber))),
            "members",
        )
        .filter(user_group::Column::GroupId.is_in(ids.iter().copied()))
        .group_by(user_group::Column::GroupId)
        .into_tuple()
        .all(conn)
        .await
        .map_err(storage)?;
    Ok(rows.into_iter().collect())
}

async fn with_counts<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<group::Model>,
) -> Result<Vec<Group>, StorageError> {
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let counts = member_counts(conn, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let n = counts.get(&r.id).copied().unwrap_or(0);
            group_from_row(&r, n)
        })
        .collect()
}

fn new_row(
    tenant: TenantId,
    parent: Option<uuid::Uuid>,
    path: &GroupPath,
    ext: Option<&ExternalId>,
    now: Timestamp,
) -> group::ActiveModel {
    group::ActiveModel {
        id: Set(GroupId::generate().as_uuid()),
        tenant_id: Set(tenant.as_uuid()),
        parent_id: Set(parent),
        name: Set(path.name().to_owned()),
        path: Set(path.as_str().to_owned()),
        external_id: Set(ext.map(|x| x.as_str().to_owned())),
        created_at: Set(now.as_micros()),
    }
}

impl GroupRepository for Store {
    #[tracing::instrument(name = "db.groups.create_path", skip_all, fields(db.system = self.system()))]
    async fn create_path(
        &self,
        tenant: TenantId,
        path: &GroupPath,
        external_id: Option<ExternalId>,
        now: Timestamp,
    ) -> Result<Group, CreateGroupError> {
        let w = self.write().await.map_err(storage)?;
        let mut parent: Option<uuid::Uuid> = None;
        let lineage = path.lineage();
        let (leaf, ancestors) = lineage
            .split_last()
            .ok_or_else(|| StorageError::msg("empty path"))?;
        for p in ancestors {
            // Concurrent creators of the same parent: the loser's insert does nothing and
            // both read the winner's row.
            group::Entity::insert(new_row(tenant, parent, p, None, now))
                .on_conflict(
                    OnConflict::columns([group::Column::TenantId, group::Column::Path])
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&w.txn)
                .await
                .map_err(|e| {
                    if foreign_key_violation(&e) {
                        CreateGroupError::TenantNotFound
                    } else {
                        CreateGroupError::Storage(storage(e))
                    }
                })?;
            let row = group::Entity::find()
                .filter(key_condition(tenant, &GroupKey::Path(p.clone())))
                .one(&w.txn)
                .await
                .map_err(storage)?
                .ok_or_else(|| StorageError::msg("parent group vanished"))?;
            parent = Some(row.id);
        }
        let row = group::Entity::insert(new_row(tenant, parent, leaf, external_id.as_ref(), now))
            .exec_with_returning(&w.txn)
            .await
            .map_err(|e| match unique_violation(&e) {
                None if foreign_key_violation(&e) => CreateGroupError::TenantNotFound,
                Some(Unique::GroupPath) => CreateGroupError::Exists(leaf.clone()),
                Some(Unique::ExternalId) => match &external_id {
                    Some(x) => CreateGroupError::ExternalIdTaken(x.clone()),
                    None => CreateGroupError::Storage(storage(e)),
                },
                _ => CreateGroupError::Storage(storage(e)),
            })?;
        w.txn.commit().await.map_err(storage)?;
        Ok(group_from_row(&row, 0)?)
    }

    #[tracing::instrument(name = "db.groups.get", skip_all, fields(db.system = self.system()))]
    async fn get(&self, tenant: TenantId, key: &GroupKey) -> Result<Option<Group>, StorageError> {
        let row = group::Entity::find()
            .filter(key_condition(tenant, key))
            .one(self.connection())
            .await
            .map_err(storage)?;
        match row {
            Some(r) => Ok(with_counts(self.connection(), vec![r]).await?.pop()),
            None => Ok(None),
        }
    }

    #[tracing::instrument(name = "db.groups.list", skip_all, fields(db.system = self.system()))]
    async fn list(&self, tenant: TenantId, q: &GroupQuery) -> Result<Vec<Group>, StorageError> {
        let mut s = group::Entity::find().filter(group::Column::TenantId.eq(tenant.as_uuid()));
        if let Some(p) = q.parent {
            s = s.filter(group::Column::ParentId.eq(p.as_uuid()));
        }
        if let Some(after) = &q.after {
            s = s.filter(group::Column::Path.gt(after.as_str()));
        }
        let rows = s
            .order_by_asc(group::Column::Path)
            .limit(u64::from(q.limit))
            .all(self.connection())
            .await
            .map_err(storage)?;
        with_counts(self.connection(), rows).await
    }

    #[tracing::instrument(name = "db.groups.delete", skip_all, fields(db.system = self.system()))]
    async fn delete(
        &self,
        tenant: TenantId,
        id: GroupId,
        recursive: bool,
    ) -> Result<(), DeleteGroupError> {
        let w = self.write().await.map_err(storage)?;
        let exists = group::Entity::find()
            .filter(key_condition(tenant, &GroupKey::Id(id)))
            .count(&w.txn)
            .await
            .map_err(storage)?;
        if exists == 0 {
            return Err(DeleteGroupError::NotFound);
        }
        if !recursive {
            let children = group::Entity::find()
                .filter(group::Column::ParentId.eq(id.as_uuid()))
                .count(&w.txn)
                .await
                .map_err(storage)?;
            if children > 0 {
                return Err(DeleteGroupError::HasChildren);
            }
        }
        // Descendants and memberships follow by ON DELETE CASCADE.
        group::Entity::delete_many()
            .filter(key_condition(tenant, &GroupKey::Id(id)))
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        w.txn.commit().await.map_err(storage)?;
        Ok(())
    }
}
