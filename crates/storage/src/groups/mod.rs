//! [`GroupRepository`] on sea-orm. Paths are materialised (`groups.path`), so a rename
//! rewrites the paths of the whole subtree ([`rename`]); member changes are set-based
//! ([`members`]).
//!
//! Locks, on PostgreSQL: a write that changes memberships locks the users it changes before
//! the groups it changes (a user write holds its user when it touches its groups), so that
//! member changes and user writes wait for each other instead of deadlocking. A transaction
//! that still loses a deadlock (a rename racing a user write, say) is run again.

mod members;
pub(crate) use members::{identities, subjects};
mod rename;

use crate::Store;
use crate::effects::Effects;
use crate::entities::{group, user_group};
use crate::errors::{Unique, foreign_key_violation, is_transient, storage, unique_violation};
use crate::rows::group_from_row;
use roster_domain::events::EventType;
use roster_domain::groups::{
    ChangeMembersError, CreateGroupError, DeleteGroupError, Group, GroupChange, GroupKey,
    GroupQuery, MemberChanges, MemberGuard, UpdateGroupError,
};
use roster_domain::ports::GroupRepository;
use roster_domain::values::{ExternalId, GroupPath};
use roster_domain::{GroupId, StorageError, TenantId, Timestamp, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeSet, HashMap};

/// How often a group write that lost a deadlock to a concurrent transaction runs.
const ATTEMPTS: usize = 3;

/// Groups whose members a write changed: their versions and update times move when the
/// write is done ([`TouchedGroups::apply`]), once per group however many users it changed.
#[derive(Debug, Default)]
pub(crate) struct TouchedGroups(BTreeSet<uuid::Uuid>);

impl TouchedGroups {
    pub(crate) fn add(&mut self, ids: impl IntoIterator<Item = uuid::Uuid>) {
        self.0.extend(ids);
    }

    pub(crate) fn merge(&mut self, other: TouchedGroups) {
        self.0.extend(other.0);
    }

    /// Gives every touched group a new version, locking them in id order first when `lock`
    /// (PostgreSQL), so that writes touching the same groups queue instead of deadlocking.
    pub(crate) async fn apply<C: ConnectionTrait>(
        self,
        conn: &C,
        lock: bool,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        if self.0.is_empty() {
            return Ok(());
        }
        if lock {
            group::Entity::find()
                .select_only()
                .column(group::Column::Id)
                .filter(group::Column::Id.is_in(self.0.iter().copied()))
                .order_by_asc(group::Column::Id)
                .lock(LockType::NoKeyUpdate)
                .into_tuple::<uuid::Uuid>()
                .all(conn)
                .await
                .map_err(storage)?;
        }
        group::Entity::update_many()
            .col_expr(
                group::Column::Version,
                Expr::col(group::Column::Version).add(1),
            )
            .col_expr(group::Column::UpdatedAt, Expr::val(now.as_micros()))
            .filter(group::Column::Id.is_in(self.0))
            .exec(conn)
            .await
            .map_err(storage)?;
        Ok(())
    }
}

/// The row of one group of the tenant, locked against other writers of the group when
/// `lock` (PostgreSQL; `FOR NO KEY UPDATE`, which lets memberships that reference it be
/// written meanwhile).
async fn locked_row<C: ConnectionTrait>(
    conn: &C,
    lock: bool,
    tenant: TenantId,
    id: GroupId,
) -> Result<Option<group::Model>, StorageError> {
    let mut q = group::Entity::find().filter(key_condition(tenant, &GroupKey::Id(id)));
    if lock {
        q = q.lock(LockType::NoKeyUpdate);
    }
    q.one(conn).await.map_err(storage)
}

/// The group of `row` with its member count.
async fn counted<C: ConnectionTrait>(conn: &C, row: group::Model) -> Result<Group, StorageError> {
    with_counts(conn, vec![row])
        .await?
        .pop()
        .ok_or_else(|| StorageError::msg("loaded group vanished"))
}

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
        version: Set(1),
        updated_at: Set(now.as_micros()),
    }
}

impl GroupRepository for Store {
    #[tracing::instrument(name = "db.groups.create_path", skip_all, fields(db.system = self.system()))]
    async fn create_path(
        &self,
        tenant: TenantId,
        path: &GroupPath,
        external_id: Option<ExternalId>,
        members: &[UserId],
        now: Timestamp,
        guard: MemberGuard<'_>,
    ) -> Result<Group, CreateGroupError> {
        let w = self.write().await.map_err(storage)?;
        let mut effects = Effects::default();
        let mut parent: Option<uuid::Uuid> = None;
        let lineage = path.lineage();
        let (leaf, ancestors) = lineage
            .split_last()
            .ok_or_else(|| StorageError::msg("empty path"))?;
        for p in ancestors {
            // Concurrent creators of the same parent: the loser's insert does nothing and
            // both read the winner's row.
            let made = group::Entity::insert(new_row(tenant, parent, p, None, now))
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
            if made > 0 {
                effects
                    .events
                    .group(EventType::GroupCreated, &group_from_row(&row, 0)?);
            }
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
        // The group is told before its first members join it.
        let mut joined = Effects::default();
        let count = if members.is_empty() {
            0
        } else {
            let first = members::FirstMembers {
                tenant,
                row: &row,
                members,
                guard,
            };
            members::first_members(&w.txn, self.locks_rows(), first, now, &mut joined)
                .await
                .map_err(CreateGroupError::Members)?
        };
        let group = group_from_row(&row, count)?;
        effects.events.group(EventType::GroupCreated, &group);
        effects.merge(joined);
        self.finish(w, effects, now).await?;
        Ok(group)
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
        // A page before `before` is the nearest rows below it: read downward, then turned
        // back into path order.
        let mut rows = match &q.before {
            Some(before) => s
                .filter(group::Column::Path.lt(before.as_str()))
                .order_by_desc(group::Column::Path),
            None => s.order_by_asc(group::Column::Path),
        }
        .limit(u64::from(q.limit))
        .all(self.connection())
        .await
        .map_err(storage)?;
        if q.before.is_some() {
            rows.reverse();
        }
        with_counts(self.connection(), rows).await
    }

    #[tracing::instrument(name = "db.groups.update", skip_all, fields(db.system = self.system()))]
    async fn update(
        &self,
        tenant: TenantId,
        id: GroupId,
        changes: &[GroupChange],
        expected_version: Option<i64>,
        now: Timestamp,
    ) -> Result<Group, UpdateGroupError> {
        let mut attempt = 1;
        loop {
            match rename::update(self, tenant, id, changes, expected_version, now).await {
                Err(UpdateGroupError::Storage(e)) if attempt < ATTEMPTS && is_transient(&e) => {
                    tracing::warn!(attempt, "Group update lost a deadlock; running it again.");
                    attempt += 1;
                }
                done => return done,
            }
        }
    }

    #[tracing::instrument(name = "db.groups.change_members", skip_all, fields(db.system = self.system()))]
    async fn change_members(
        &self,
        tenant: TenantId,
        id: GroupId,
        changes: &MemberChanges,
        expected_version: Option<i64>,
        now: Timestamp,
        guard: MemberGuard<'_>,
    ) -> Result<Group, ChangeMembersError> {
        let mut attempt = 1;
        loop {
            match members::change(self, tenant, id, changes, expected_version, now, guard).await {
                Err(ChangeMembersError::Storage(e)) if attempt < ATTEMPTS && is_transient(&e) => {
                    tracing::warn!(attempt, "Member change lost a deadlock; running it again.");
                    attempt += 1;
                }
                done => return done,
            }
        }
    }

    #[tracing::instrument(name = "db.groups.delete", skip_all, fields(db.system = self.system()))]
    async fn delete(
        &self,
        tenant: TenantId,
        id: GroupId,
        recursive: bool,
        now: Timestamp,
    ) -> Result<(), DeleteGroupError> {
        let w = self.write().await.map_err(storage)?;
        let Some(row) = group::Entity::find()
            .filter(key_condition(tenant, &GroupKey::Id(id)))
            .one(&w.txn)
            .await
            .map_err(storage)?
        else {
            return Err(DeleteGroupError::NotFound);
        };
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
        // The members lose the group from their `groups`: their versions move first, while
        // the memberships are still there to find them.
        crate::users::touch::touch_members(
            &w.txn,
            tenant,
            row.id,
            recursive.then_some(row.path.as_str()),
            now,
        )
        .await?;
        // Deepest first, as a reader rebuilding the tree would remove them.
        let mut gone = if recursive {
            group::Entity::find()
                .filter(group::Column::TenantId.eq(tenant.as_uuid()))
                .filter(rename::starts_with(&format!("{}/", row.path)))
                .order_by_desc(group::Column::Path)
                .all(&w.txn)
                .await
                .map_err(storage)?
        } else {
            Vec::new()
        };
        gone.push(row);
        let gone = with_counts(&w.txn, gone).await?;
        // Descendants and memberships follow by ON DELETE CASCADE.
        group::Entity::delete_many()
            .filter(key_condition(tenant, &GroupKey::Id(id)))
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        let mut effects = Effects::default();
        for g in &gone {
            effects.events.group(EventType::GroupDeleted, g);
        }
        self.finish(w, effects, now).await?;
        Ok(())
    }
}
