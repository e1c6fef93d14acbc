//! The set-based pass's statements: the check of the new users' unique values, then the
//! multi-row writes inside one savepoint.

use super::Verdict;
use crate::effects::Effects;
use crate::entities::{user, user_group};
use crate::errors::storage;
use roster_domain::users::User;
use roster_domain::{StorageError, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, IdenStatic, Iterable, QueryFilter,
    QuerySelect, TransactionTrait,
};
use std::collections::{BTreeSet, HashMap, HashSet};

/// New users whose login, email or external id a user of the tenant already holds are left
/// to the item-by-item path, which answers them as taken (or finds the race it lost).
pub(super) async fn leave_taken_alone(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    verdicts: &mut [Verdict],
) -> Result<(), StorageError> {
    use user::Column as C;
    let (mut keys, mut exts) = (BTreeSet::new(), BTreeSet::new());
    for c in verdicts.iter().filter_map(Verdict::created) {
        keys.insert(c.user.email.key());
        keys.insert(c.user.login.key());
        exts.extend(c.user.external_id.as_ref().map(|x| x.as_str().to_owned()));
    }
    if keys.is_empty() {
        return Ok(());
    }
    let mut any = Condition::any()
        .add(C::EmailKey.is_in(keys.iter().cloned()))
        .add(C::LoginKey.is_in(keys.iter().cloned()));
    if !exts.is_empty() {
        any = any.add(C::ExternalId.is_in(exts));
    }
    let held: Vec<(String, String, Option<String>)> = user::Entity::find()
        .select_only()
        .column(C::EmailKey)
        .column(C::LoginKey)
        .column(C::ExternalId)
        .filter(C::TenantId.eq(tenant.as_uuid()))
        .filter(any)
        .into_tuple()
        .all(txn)
        .await
        .map_err(storage)?;
    let taken: HashSet<String> = held
        .into_iter()
        .flat_map(|(e, l, x)| {
            [
                Some(format!("k:{e}")),
                Some(format!("k:{l}")),
                x.map(|x| format!("x:{x}")),
            ]
        })
        .flatten()
        .collect();
    for v in verdicts.iter_mut() {
        if let Verdict::Create(c) = v {
            let user = &c.user;
            let mine = [
                Some(format!("k:{}", user.email.key())),
                Some(format!("k:{}", user.login.key())),
                user.external_id
                    .as_ref()
                    .map(|x| format!("x:{}", x.as_str())),
            ];
            if mine.iter().flatten().any(|m| taken.contains(m)) {
                *v = Verdict::Alone;
            }
        }
    }
    Ok(())
}

/// Writes the pass's users and memberships inside one savepoint, giving the new users their
/// numbers. `false` when a statement failed: nothing of the pass stays written.
pub(super) async fn write(
    txn: &DatabaseTransaction,
    verdicts: &mut [Verdict],
    touched: &mut Effects,
) -> Result<bool, StorageError> {
    if !verdicts.iter().any(Verdict::writes) {
        return Ok(true);
    }
    let sp = txn.begin().await.map_err(storage)?;
    match statements(&sp, verdicts).await {
        Ok(()) => {
            sp.commit().await.map_err(storage)?;
            let ids = |u: &User| -> BTreeSet<uuid::Uuid> {
                u.groups.iter().map(|g| g.id.as_uuid()).collect()
            };
            for c in verdicts.iter().filter_map(Verdict::created) {
                touched.groups.add(ids(&c.user));
                touched.events.user_created(&c.user);
            }
            // Joined or left; a new order of the same groups changes no group.
            for m in verdicts.iter().filter_map(Verdict::modified) {
                if m.groups_changed {
                    let (was, is) = (ids(&m.before), ids(&m.after));
                    touched.groups.add(was.symmetric_difference(&is).copied());
                }
                touched.events.user_updated(&m.before, &m.after, false);
            }
            Ok(true)
        }
        Err(e) => {
            tracing::debug!(error = %e, "The set-based writes of a batch chunk failed; its items go one by one.");
            sp.rollback().await.map_err(storage)?;
            Ok(false)
        }
    }
}

/// The pass's statements: new users, changed users, then memberships.
async fn statements(
    conn: &DatabaseTransaction,
    verdicts: &mut [Verdict],
) -> Result<(), sea_orm::DbErr> {
    let new_rows: Vec<user::ActiveModel> = verdicts
        .iter()
        .filter_map(Verdict::created)
        .map(|c| c.row.clone())
        .collect();
    if !new_rows.is_empty() {
        let numbers: HashMap<uuid::Uuid, i64> = user::Entity::insert_many(new_rows)
            .exec_with_returning(conn)
            .await?
            .into_iter()
            .map(|m| (m.id, m.number))
            .collect();
        for v in verdicts.iter_mut() {
            if let Verdict::Create(c) = v {
                c.user.number = *numbers
                    .get(&c.user.id.as_uuid())
                    .ok_or_else(|| sea_orm::DbErr::Custom("a new user got no number".into()))?;
            }
        }
    }
    let changed: Vec<user::ActiveModel> = verdicts
        .iter()
        .filter_map(Verdict::modified)
        .map(|m| m.row.clone())
        .collect();
    if !changed.is_empty() {
        use user::Column as C;
        // Every column a modification may change; the identity, the creation time, the
        // secrets and the last activity stay as the row has them.
        let kept = [
            C::Number,
            C::Id,
            C::TenantId,
            C::CreatedAt,
            C::PasswordHash,
            C::SecretDigest,
            C::LastActivityAt,
        ];
        let kept: Vec<&str> = kept.iter().map(IdenStatic::as_str).collect();
        let columns: Vec<C> = C::iter().filter(|c| !kept.contains(&c.as_str())).collect();
        user::Entity::insert_many(changed)
            .on_conflict(
                OnConflict::column(C::Number)
                    .update_columns(columns)
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    memberships(conn, verdicts).await
}

/// The memberships of the new users, and those of the changed users whose groups changed
/// (theirs replaced): one delete and one insert.
async fn memberships(
    conn: &DatabaseTransaction,
    verdicts: &[Verdict],
) -> Result<(), sea_orm::DbErr> {
    let regrouped: Vec<&User> = verdicts
        .iter()
        .filter_map(Verdict::modified)
        .filter(|m| m.groups_changed)
        .map(|m| &m.after)
        .collect();
    let replaced: Vec<i64> = regrouped.iter().map(|u| u.number).collect();
    let mut rows = Vec::new();
    let created = verdicts
        .iter()
        .filter_map(Verdict::created)
        .map(|c| &c.user);
    for u in created.chain(regrouped) {
        // The position keeps the order given.
        rows.extend(
            (0_i64..)
                .zip(&u.groups)
                .map(|(position, g)| user_group::ActiveModel {
                    user_number: Set(u.number),
                    group_id: Set(g.id.as_uuid()),
                    position: Set(position),
                }),
        );
    }
    if !replaced.is_empty() {
        user_group::Entity::delete_many()
            .filter(user_group::Column::UserNumber.is_in(replaced))
            .exec(conn)
            .await?;
    }
    if !rows.is_empty() {
        user_group::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}
