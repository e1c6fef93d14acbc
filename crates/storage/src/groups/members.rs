//! ChangeGroupMembers: adds and removes in one transaction, set-based. Whatever the number
//! of users, each kind of write is one statement (per [`CHUNK`] users, which only a
//! `replace` of a larger group reaches): resolve the ids, lock the users, read the members,
//! delete, insert, give the changed users and the group a new version.

use super::{TouchedGroups, counted, key_condition, locked_row};
use crate::Store;
use crate::effects::Effects;
use crate::entities::{group, user, user_group};
use crate::errors::storage;
use crate::rows::group_ref;
use crate::users::load::roles_of;
use crate::users::touch::touch_users;
use roster_domain::authz::Subject;
use roster_domain::events::EventType;
use roster_domain::groups::{ChangeMembersError, Group, GroupKey, MemberChanges, MemberGuard};
use roster_domain::users::{AccessLevel, UserStatus};
use roster_domain::{GroupId, StorageError, TenantId, Timestamp, UserId};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, LockType, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeSet, HashMap};

/// Users per statement: the request limit, well under what either database binds at once
/// (SQLite 32766 parameters, PostgreSQL 65535).
const CHUNK: usize = 10_000;

/// The number of every user of `ids` in the tenant, or the first id (adds, then removes)
/// that names none.
async fn numbers<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    changes: &MemberChanges,
) -> Result<(Vec<i64>, Vec<i64>), ChangeMembersError> {
    let ids: Vec<uuid::Uuid> = changes
        .add
        .iter()
        .chain(&changes.remove)
        .map(UserId::as_uuid)
        .collect();
    let mut known: HashMap<uuid::Uuid, i64> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(uuid::Uuid, i64)> = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .column(user::Column::Number)
            .filter(user::Column::TenantId.eq(tenant.as_uuid()))
            .filter(user::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await
            .map_err(storage)?;
        known.extend(rows);
    }
    let resolve = |list: &[UserId], name: &str| -> Result<Vec<i64>, ChangeMembersError> {
        list.iter()
            .enumerate()
            .map(|(i, id)| {
                known
                    .get(&id.as_uuid())
                    .copied()
                    .ok_or_else(|| ChangeMembersError::UnknownUser {
                        id: *id,
                        field: format!("{name}[{i}]"),
                    })
            })
            .collect()
    };
    Ok((
        resolve(&changes.add, "add_user_ids")?,
        resolve(&changes.remove, "remove_user_ids")?,
    ))
}

/// Locks the users `numbers` against other writers (PostgreSQL), in number order: the order
/// every member change takes them in.
async fn lock_users<C: ConnectionTrait>(
    conn: &C,
    numbers: &BTreeSet<i64>,
) -> Result<(), StorageError> {
    let all: Vec<i64> = numbers.iter().copied().collect();
    for chunk in all.chunks(CHUNK) {
        user::Entity::find()
            .select_only()
            .column(user::Column::Number)
            .filter(user::Column::Number.is_in(chunk.iter().copied()))
            .order_by_asc(user::Column::Number)
            .lock(LockType::Update)
            .into_tuple::<i64>()
            .all(conn)
            .await
            .map_err(storage)?;
    }
    Ok(())
}

/// The members of `group`; only those among `among` unless it is `None`.
async fn members_of<C: ConnectionTrait>(
    conn: &C,
    group: uuid::Uuid,
    among: Option<&BTreeSet<i64>>,
) -> Result<BTreeSet<i64>, StorageError> {
    let q = || {
        user_group::Entity::find()
            .select_only()
            .column(user_group::Column::UserNumber)
            .filter(user_group::Column::GroupId.eq(group))
    };
    let mut out = BTreeSet::new();
    match among {
        None => out.extend(q().into_tuple::<i64>().all(conn).await.map_err(storage)?),
        Some(set) => {
            let all: Vec<i64> = set.iter().copied().collect();
            for chunk in all.chunks(CHUNK) {
                out.extend(
                    q().filter(user_group::Column::UserNumber.is_in(chunk.iter().copied()))
                        .into_tuple::<i64>()
                        .all(conn)
                        .await
                        .map_err(storage)?,
                );
            }
        }
    }
    Ok(out)
}

/// What the policy needs to know of the users `numbers`.
pub(crate) async fn subjects<C: ConnectionTrait>(
    conn: &C,
    numbers: &[i64],
) -> Result<Vec<Subject>, StorageError> {
    let mut out = Vec::with_capacity(numbers.len());
    for chunk in numbers.chunks(CHUNK) {
        let rows: Vec<(i64, uuid::Uuid, String, String)> = user::Entity::find()
            .select_only()
            .column(user::Column::Number)
            .column(user::Column::Id)
            .column(user::Column::AccessLevel)
            .column(user::Column::Status)
            .filter(user::Column::Number.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await
            .map_err(storage)?;
        let mut roles = roles_of(conn, chunk).await?;
        for (number, id, level, status) in rows {
            let held = roles.remove(&number).unwrap_or_default();
            out.push(Subject {
                id: UserId::from_uuid(id),
                access_level: AccessLevel::from_name(&level)
                    .ok_or_else(|| StorageError::msg(format!("stored access level {level}")))?,
                status: UserStatus::from_name(&status)
                    .ok_or_else(|| StorageError::msg(format!("stored status {status}")))?,
                built_in: held.iter().filter_map(|r| r.built_in).collect(),
                roles: held
                    .iter()
                    .filter(|r| r.built_in.is_none())
                    .map(|r| r.name.as_str().to_owned())
                    .collect(),
            });
        }
    }
    Ok(out)
}

/// Makes the users `numbers` members of `group`, each membership last in its user's groups
/// (after the highest position the user has), in one statement per chunk.
async fn insert<C: ConnectionTrait>(
    conn: &C,
    group: uuid::Uuid,
    numbers: &[i64],
) -> Result<(), StorageError> {
    let p = Alias::new("p");
    for chunk in numbers.chunks(CHUNK) {
        let last = Query::select()
            .expr(Func::max(Expr::col((
                p.clone(),
                user_group::Column::Position,
            ))))
            .from_as(user_group::Entity, p.clone())
            .and_where(
                Expr::col((p.clone(), user_group::Column::UserNumber))
                    .equals((user::Entity, user::Column::Number)),
            )
            .to_owned();
        let position = Expr::expr(Func::coalesce([Expr::from(last), Expr::val(-1_i64)])).add(1);
        let rows = Query::select()
            .column((user::Entity, user::Column::Number))
            .expr(Expr::val(group))
            .expr(position)
            .from(user::Entity)
            .and_where(Expr::col((user::Entity, user::Column::Number)).is_in(chunk.iter().copied()))
            .to_owned();
        let stmt = Query::insert()
            .into_table(user_group::Entity)
            .columns([
                user_group::Column::UserNumber,
                user_group::Column::GroupId,
                user_group::Column::Position,
            ])
            .select_from(rows)
            .map_err(StorageError::new)?
            .on_conflict(
                OnConflict::columns([user_group::Column::UserNumber, user_group::Column::GroupId])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        conn.execute(&stmt).await.map_err(storage)?;
    }
    Ok(())
}

async fn delete<C: ConnectionTrait>(
    conn: &C,
    group: uuid::Uuid,
    numbers: &[i64],
) -> Result<(), StorageError> {
    for chunk in numbers.chunks(CHUNK) {
        user_group::Entity::delete_many()
            .filter(user_group::Column::GroupId.eq(group))
            .filter(user_group::Column::UserNumber.is_in(chunk.iter().copied()))
            .exec(conn)
            .await
            .map_err(storage)?;
    }
    Ok(())
}

pub(super) async fn change(
    store: &Store,
    tenant: TenantId,
    id: GroupId,
    changes: &MemberChanges,
    expected_version: Option<i64>,
    now: Timestamp,
    guard: MemberGuard<'_>,
) -> Result<Group, ChangeMembersError> {
    let lock = store.locks_rows();
    let w = store.write().await.map_err(storage)?;
    // Read without a lock first: the users are locked before the group.
    group::Entity::find()
        .filter(key_condition(tenant, &GroupKey::Id(id)))
        .one(&w.txn)
        .await
        .map_err(storage)?
        .ok_or(ChangeMembersError::GroupNotFound)?;
    let (to_add, to_remove) = numbers(&w.txn, tenant, changes).await?;
    let to_add: BTreeSet<i64> = to_add.into_iter().collect();
    let mut locked: BTreeSet<i64> = to_add.iter().chain(&to_remove).copied().collect();
    if changes.replace {
        locked.extend(members_of(&w.txn, id.as_uuid(), None).await?);
    }
    if lock {
        lock_users(&w.txn, &locked).await?;
    }
    let row = locked_row(&w.txn, lock, tenant, id)
        .await?
        .ok_or(ChangeMembersError::GroupNotFound)?;
    if expected_version.is_some_and(|v| v != row.version) {
        return Err(ChangeMembersError::EtagMismatch);
    }
    // Every user named is locked, so their memberships stay as read until the commit.
    let members = if changes.replace {
        members_of(&w.txn, row.id, None).await?
    } else {
        members_of(&w.txn, row.id, Some(&locked)).await?
    };
    let added: Vec<i64> = to_add.difference(&members).copied().collect();
    let removed: Vec<i64> = if changes.replace {
        members.difference(&to_add).copied().collect()
    } else {
        to_remove
            .iter()
            .filter(|n| members.contains(n))
            .copied()
            .collect()
    };
    if lock && changes.replace {
        // Members who joined between the first read and the group's lock.
        let late: BTreeSet<i64> = removed
            .iter()
            .filter(|n| !locked.contains(n))
            .copied()
            .collect();
        lock_users(&w.txn, &late).await?;
    }
    if added.is_empty() && removed.is_empty() {
        return Ok(counted(&w.txn, row).await?);
    }
    let users: Vec<i64> = added.iter().chain(&removed).copied().collect();
    guard(&subjects(&w.txn, &users).await?)?;
    delete(&w.txn, row.id, &removed).await?;
    insert(&w.txn, row.id, &added).await?;
    touch_users(&w.txn, &users, now).await?;
    let mut touched = TouchedGroups::default();
    touched.add([row.id]);
    // The group is locked already; no second lock.
    touched.apply(&w.txn, false, now).await?;
    let fresh = locked_row(&w.txn, false, tenant, id)
        .await?
        .ok_or(ChangeMembersError::GroupNotFound)?;
    let group = counted(&w.txn, fresh).await?;
    let mut effects = Effects::default();
    let gref = group_ref(row.id, &row.path, row.external_id.as_deref())?;
    let who = identities(&w.txn, &users).await?;
    for (kind, numbers) in [
        (EventType::GroupMemberAdded, &added),
        (EventType::GroupMemberRemoved, &removed),
    ] {
        for (id, login) in numbers.iter().filter_map(|n| who.get(n)) {
            effects
                .events
                .membership(kind, tenant, &gref, UserId::from_uuid(*id), login);
        }
    }
    store.finish(w, effects, now).await?;
    Ok(group)
}

/// The group a create just inserted, and who joins it from the start.
pub(super) struct FirstMembers<'a> {
    pub(super) tenant: TenantId,
    pub(super) row: &'a group::Model,
    pub(super) members: &'a [UserId],
    pub(super) guard: MemberGuard<'a>,
}

/// Makes `first.members` members of the group a create has just inserted in `conn`, all of
/// them or an error (the create then rolls back whole). Returns how many joined.
pub(super) async fn first_members<C: ConnectionTrait>(
    conn: &C,
    lock: bool,
    first: FirstMembers<'_>,
    now: Timestamp,
    effects: &mut Effects,
) -> Result<i64, ChangeMembersError> {
    let FirstMembers {
        tenant,
        row,
        members,
        guard,
    } = first;
    let changes = MemberChanges {
        add: members.to_vec(),
        remove: Vec::new(),
        replace: false,
    };
    let (added, _) = numbers(conn, tenant, &changes).await.map_err(|e| match e {
        // Where the create request has the id.
        ChangeMembersError::UnknownUser { id, field } => ChangeMembersError::UnknownUser {
            id,
            field: field.replacen("add_user_ids", "member_user_ids", 1),
        },
        other @ (ChangeMembersError::TooLarge { .. }
        | ChangeMembersError::GroupNotFound
        | ChangeMembersError::EtagMismatch
        | ChangeMembersError::Denied(_)
        | ChangeMembersError::Storage(_)) => other,
    })?;
    let added: BTreeSet<i64> = added.into_iter().collect();
    if lock {
        lock_users(conn, &added).await?;
    }
    let added: Vec<i64> = added.into_iter().collect();
    guard(&subjects(conn, &added).await?)?;
    insert(conn, row.id, &added).await?;
    touch_users(conn, &added, now).await?;
    let gref = group_ref(row.id, &row.path, row.external_id.as_deref())?;
    let who = identities(conn, &added).await?;
    for (id, login) in added.iter().filter_map(|n| who.get(n)) {
        effects.events.membership(
            EventType::GroupMemberAdded,
            tenant,
            &gref,
            UserId::from_uuid(*id),
            login,
        );
    }
    Ok(i64::try_from(added.len()).unwrap_or(i64::MAX))
}

/// The id and login of each user of `numbers`.
pub(crate) async fn identities<C: ConnectionTrait>(
    conn: &C,
    numbers: &[i64],
) -> Result<HashMap<i64, (uuid::Uuid, String)>, StorageError> {
    let mut out = HashMap::with_capacity(numbers.len());
    for chunk in numbers.chunks(CHUNK) {
        let rows: Vec<(i64, uuid::Uuid, String)> = user::Entity::find()
            .select_only()
            .columns([user::Column::Number, user::Column::Id, user::Column::Login])
            .filter(user::Column::Number.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await
            .map_err(storage)?;
        out.extend(rows.into_iter().map(|(n, id, login)| (n, (id, login))));
    }
    Ok(out)
}
