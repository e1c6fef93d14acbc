//! [`FolderRepository`] on sea-orm.

use crate::Store;
use crate::effects::Effects;
use crate::entities::{folder, user, user_folder};
use crate::errors::{Unique, foreign_key_violation, storage, unique_violation};
use crate::outbox::payload;
use crate::rows::folder_from_row;
use crate::users::touch::touch_users;
use roster_domain::events::EventType;
use roster_domain::folders::{CreateFolderError, Folder, FolderKey, FolderQuery, GrantFolderError};
use roster_domain::groups::MemberGuard;
use roster_domain::ports::FolderRepository;
use roster_domain::values::{ExternalId, FolderName};
use roster_domain::{FolderId, StorageError, TenantId, Timestamp, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};

fn key_condition(tenant: TenantId, key: &FolderKey) -> sea_orm::Condition {
    let by = match key {
        FolderKey::Id(id) => folder::Column::Id.eq(id.as_uuid()),
        FolderKey::Name(n) => folder::Column::NameKey.eq(n.key()),
        FolderKey::ExternalId(x) => folder::Column::ExternalId.eq(x.as_str()),
    };
    sea_orm::Condition::all()
        .add(folder::Column::TenantId.eq(tenant.as_uuid()))
        .add(by)
}

/// Grant counts of `ids`, in one query.
async fn member_counts<C: ConnectionTrait>(
    conn: &C,
    ids: &[uuid::Uuid],
) -> Result<HashMap<uuid::Uuid, i64>, StorageError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(uuid::Uuid, i64)> = user_folder::Entity::find()
        .select_only()
        .column(user_folder::Column::FolderId)
        .column_as(
            Expr::from(Func::count(Expr::col(user_folder::Column::UserNumber))),
            "members",
        )
        .filter(user_folder::Column::FolderId.is_in(ids.iter().copied()))
        .group_by(user_folder::Column::FolderId)
        .into_tuple()
        .all(conn)
        .await
        .map_err(storage)?;
    Ok(rows.into_iter().collect())
}

async fn with_counts<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<folder::Model>,
) -> Result<Vec<Folder>, StorageError> {
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let counts = member_counts(conn, &ids).await?;
    rows.iter()
        .map(|r| folder_from_row(r, counts.get(&r.id).copied().unwrap_or(0)))
        .collect()
}

async fn find<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    key: &FolderKey,
) -> Result<Option<folder::Model>, StorageError> {
    folder::Entity::find()
        .filter(key_condition(tenant, key))
        .one(conn)
        .await
        .map_err(storage)
}

async fn counted<C: ConnectionTrait>(conn: &C, row: folder::Model) -> Result<Folder, StorageError> {
    with_counts(conn, vec![row])
        .await?
        .pop()
        .ok_or_else(|| StorageError::msg("loaded folder vanished"))
}

/// The user numbers of `users` in the tenant, in request order; the first unknown id is an
/// error.
async fn user_numbers<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    users: &[UserId],
) -> Result<Vec<i64>, GrantFolderError> {
    let rows: Vec<(uuid::Uuid, i64)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Number)
        .filter(user::Column::TenantId.eq(tenant.as_uuid()))
        .filter(user::Column::Id.is_in(users.iter().map(UserId::as_uuid)))
        .into_tuple()
        .all(conn)
        .await
        .map_err(storage)?;
    let by_id: HashMap<uuid::Uuid, i64> = rows.into_iter().collect();
    users
        .iter()
        .enumerate()
        .map(|(index, id)| {
            by_id
                .get(&id.as_uuid())
                .copied()
                .ok_or(GrantFolderError::UnknownUser { index, id: *id })
        })
        .collect()
}

/// Which of `numbers` hold `folder` already.
async fn holders<C: ConnectionTrait>(
    conn: &C,
    folder: uuid::Uuid,
    numbers: &[i64],
) -> Result<HashSet<i64>, StorageError> {
    let rows: Vec<i64> = user_folder::Entity::find()
        .select_only()
        .column(user_folder::Column::UserNumber)
        .filter(user_folder::Column::FolderId.eq(folder))
        .filter(user_folder::Column::UserNumber.is_in(numbers.iter().copied()))
        .into_tuple()
        .all(conn)
        .await
        .map_err(storage)?;
    Ok(rows.into_iter().collect())
}

/// One event per user of `numbers` granted (or revoked) `folder`; the subject is the folder.
async fn grants<C: ConnectionTrait>(
    conn: &C,
    kind: EventType,
    folder: &Folder,
    numbers: &[i64],
) -> Result<Effects, StorageError> {
    let mut effects = Effects::default();
    let who = crate::groups::identities(conn, numbers).await?;
    for (id, login) in numbers.iter().filter_map(|n| who.get(n)) {
        let data = serde_json::json!({
            "folder": {"id": folder.id.to_string(), "name": folder.name.as_str()},
            "user": payload::identity(id, login),
        });
        effects.events.push(folder.tenant, kind, &folder.id, data);
    }
    Ok(effects)
}

impl FolderRepository for Store {
    async fn create_folder(
        &self,
        tenant: TenantId,
        name: &FolderName,
        external_id: Option<ExternalId>,
        now: Timestamp,
    ) -> Result<Folder, CreateFolderError> {
        let w = self.write().await.map_err(storage)?;
        let am = folder::ActiveModel {
            id: Set(FolderId::generate().as_uuid()),
            tenant_id: Set(tenant.as_uuid()),
            name: Set(name.as_str().to_owned()),
            name_key: Set(name.key()),
            external_id: Set(external_id.as_ref().map(|x| x.as_str().to_owned())),
            created_at: Set(now.as_micros()),
        };
        let row = folder::Entity::insert(am)
            .exec_with_returning(&w.txn)
            .await
            .map_err(|e| match unique_violation(&e) {
                None if foreign_key_violation(&e) => CreateFolderError::TenantNotFound,
                Some(Unique::FolderName) => CreateFolderError::Exists(name.clone()),
                Some(Unique::ExternalId) => match &external_id {
                    Some(x) => CreateFolderError::ExternalIdTaken(x.clone()),
                    None => CreateFolderError::Storage(storage(e)),
                },
                _ => CreateFolderError::Storage(storage(e)),
            })?;
        let folder = folder_from_row(&row, 0)?;
        let mut effects = Effects::default();
        effects.events.push(
            tenant,
            EventType::FolderCreated,
            &folder.id,
            payload::folder(&folder),
        );
        self.finish(w, effects, now).await?;
        Ok(folder)
    }

    async fn get_folder(
        &self,
        tenant: TenantId,
        key: &FolderKey,
    ) -> Result<Option<Folder>, StorageError> {
        match find(self.connection(), tenant, key).await? {
            Some(r) => Ok(Some(counted(self.connection(), r).await?)),
            None => Ok(None),
        }
    }

    async fn list_folders(
        &self,
        tenant: TenantId,
        q: &FolderQuery,
    ) -> Result<Vec<Folder>, StorageError> {
        let mut s = folder::Entity::find().filter(folder::Column::TenantId.eq(tenant.as_uuid()));
        if let Some(after) = &q.after {
            s = s.filter(folder::Column::NameKey.gt(after.as_str()));
        }
        let rows = s
            .order_by_asc(folder::Column::NameKey)
            .limit(u64::from(q.limit))
            .all(self.connection())
            .await
            .map_err(storage)?;
        with_counts(self.connection(), rows).await
    }

    async fn delete_folder(
        &self,
        tenant: TenantId,
        id: FolderId,
        now: Timestamp,
    ) -> Result<bool, StorageError> {
        let w = self.write().await.map_err(storage)?;
        let Some(row) = find(&w.txn, tenant, &FolderKey::Id(id)).await? else {
            return Ok(false);
        };
        let gone = counted(&w.txn, row.clone()).await?;
        let grantees: Vec<i64> = user_folder::Entity::find()
            .select_only()
            .column(user_folder::Column::UserNumber)
            .filter(user_folder::Column::FolderId.eq(row.id))
            .into_tuple()
            .all(&w.txn)
            .await
            .map_err(storage)?;
        // Grants go with the folder (ON DELETE CASCADE); their users changed.
        folder::Entity::delete_many()
            .filter(folder::Column::Id.eq(row.id))
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        touch_users(&w.txn, &grantees, now).await?;
        let mut effects = Effects::default();
        effects.events.push(
            tenant,
            EventType::FolderDeleted,
            &id,
            payload::folder(&gone),
        );
        self.finish(w, effects, now).await?;
        Ok(true)
    }

    async fn grant_folder(
        &self,
        tenant: TenantId,
        id: FolderId,
        users: &[UserId],
        now: Timestamp,
        guard: MemberGuard<'_>,
    ) -> Result<Folder, GrantFolderError> {
        let w = self.write().await.map_err(storage)?;
        let row = find(&w.txn, tenant, &FolderKey::Id(id))
            .await?
            .ok_or(GrantFolderError::FolderNotFound)?;
        let numbers = user_numbers(&w.txn, tenant, users).await?;
        let held = holders(&w.txn, row.id, &numbers).await?;
        let mut new: Vec<i64> = numbers.into_iter().filter(|n| !held.contains(n)).collect();
        new.sort_unstable();
        new.dedup();
        guard(&crate::groups::subjects(&w.txn, &new).await?)?;
        if !new.is_empty() {
            let grants = new.iter().map(|n| user_folder::ActiveModel {
                user_number: Set(*n),
                folder_id: Set(row.id),
            });
            user_folder::Entity::insert_many(grants)
                .exec(&w.txn)
                .await
                .map_err(storage)?;
        }
        touch_users(&w.txn, &new, now).await?;
        let folder = counted(&w.txn, row).await?;
        let effects = grants(&w.txn, EventType::FolderGranted, &folder, &new).await?;
        self.finish(w, effects, now).await?;
        Ok(folder)
    }

    async fn revoke_folder(
        &self,
        tenant: TenantId,
        id: FolderId,
        users: &[UserId],
        now: Timestamp,
        guard: MemberGuard<'_>,
    ) -> Result<Folder, GrantFolderError> {
        let w = self.write().await.map_err(storage)?;
        let row = find(&w.txn, tenant, &FolderKey::Id(id))
            .await?
            .ok_or(GrantFolderError::FolderNotFound)?;
        // Ids of no user of the tenant hold nothing here, so they are simply skipped.
        let known: Vec<i64> = user::Entity::find()
            .select_only()
            .column(user::Column::Number)
            .filter(user::Column::TenantId.eq(tenant.as_uuid()))
            .filter(user::Column::Id.is_in(users.iter().map(UserId::as_uuid)))
            .into_tuple()
            .all(&w.txn)
            .await
            .map_err(storage)?;
        let held: Vec<i64> = holders(&w.txn, row.id, &known).await?.into_iter().collect();
        guard(&crate::groups::subjects(&w.txn, &held).await?)?;
        if !held.is_empty() {
            user_folder::Entity::delete_many()
                .filter(user_folder::Column::FolderId.eq(row.id))
                .filter(user_folder::Column::UserNumber.is_in(held.iter().copied()))
                .exec(&w.txn)
                .await
                .map_err(storage)?;
        }
        touch_users(&w.txn, &held, now).await?;
        let folder = counted(&w.txn, row).await?;
        let effects = grants(&w.txn, EventType::FolderRevoked, &folder, &held).await?;
        self.finish(w, effects, now).await?;
        Ok(folder)
    }
}
