//! [`UserRepository`] on sea-orm.

mod batch;
mod batch_set;
mod filter;
mod folder_links;
mod links;
mod list;
pub(crate) mod load;
pub(crate) mod memo;
mod narrowing;
pub(crate) mod touch;
pub(crate) mod write;

use crate::Store;
use crate::effects::Effects;
use crate::entities::{device, user};
use crate::errors::storage;
use load::{find_row, find_whole, load_one};
use roster_domain::page::{UserPage, UserQuery};
use roster_domain::ports::{NewUserRecord, SecretDigest, UpsertPlan, UserGuard, UserRepository};
use roster_domain::users::{
    CreateUserError, DeleteUserError, Device, UpdateUserError, UpsertError, UpsertOutcome, User,
    UserChange, UserKey,
};
use roster_domain::values::PasswordHash;
use roster_domain::{StorageError, TenantId, Timestamp, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

impl UserRepository for Store {
    #[tracing::instrument(name = "db.users.create", skip_all, fields(db.system = self.system()))]
    async fn create(
        &self,
        tenant: TenantId,
        record: NewUserRecord,
    ) -> Result<User, CreateUserError> {
        let w = self.write().await.map_err(storage)?;
        let mut touched = Effects::default();
        let (user, _) = write::insert_user(&w.txn, tenant, &record, false, &mut touched).await?;
        self.finish(w, touched, record.now).await?;
        Ok(user)
    }

    #[tracing::instrument(name = "db.users.get", skip_all, fields(db.system = self.system()))]
    async fn get(&self, tenant: TenantId, key: &UserKey) -> Result<Option<User>, StorageError> {
        find_whole(self.connection(), tenant, key).await
    }

    #[tracing::instrument(name = "db.users.list", skip_all, fields(db.system = self.system()))]
    async fn list(&self, tenant: TenantId, query: &UserQuery) -> Result<UserPage, StorageError> {
        let writes = roster_domain::ports::WriteCounter::writes(self);
        list::list(self.connection(), tenant, query, &self.memo, writes).await
    }

    #[tracing::instrument(name = "db.users.modify", skip_all, fields(db.system = self.system()))]
    async fn modify(
        &self,
        tenant: TenantId,
        id: UserId,
        changes: &[UserChange],
        expected_version: Option<i64>,
        now: Timestamp,
        guard: UserGuard<'_>,
    ) -> Result<User, UpdateUserError> {
        let w = self.write().await.map_err(storage)?;
        let mut touched = Effects::default();
        let (user, _) = write::modify_user(
            &w.txn,
            self.locks_rows(),
            tenant,
            &UserKey::Id(id),
            changes,
            expected_version,
            false,
            now,
            guard,
            &mut touched,
        )
        .await?;
        self.finish(w, touched, now).await?;
        Ok(user)
    }

    #[tracing::instrument(name = "db.users.delete", skip_all, fields(db.system = self.system()))]
    async fn delete(
        &self,
        tenant: TenantId,
        id: UserId,
        expected_version: Option<i64>,
        now: Timestamp,
        guard: UserGuard<'_>,
    ) -> Result<(), DeleteUserError> {
        let w = self.write().await.map_err(storage)?;
        let row = find_row(&w.txn, tenant, &UserKey::Id(id), self.locks_rows())
            .await?
            .ok_or(DeleteUserError::NotFound)?;
        if expected_version.is_some_and(|v| v != row.version) {
            return Err(DeleteUserError::EtagMismatch);
        }
        let number = row.number;
        let user = load_one(&w.txn, row).await?;
        guard(Some(&user), &[])?;
        // Memberships, devices and keys go with the row (ON DELETE CASCADE); the groups it
        // was in lost a member.
        user::Entity::delete_many()
            .filter(user::Column::Number.eq(number))
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        let mut touched = Effects::default();
        touched
            .groups
            .add(user.groups.iter().map(|g| g.id.as_uuid()));
        touched.events.user_deleted(&user);
        self.finish(w, touched, now).await?;
        Ok(())
    }

    #[tracing::instrument(name = "db.users.upsert_batch", skip_all, fields(db.system = self.system()))]
    async fn upsert_batch(
        &self,
        tenant: TenantId,
        plans: Vec<UpsertPlan>,
        now: Timestamp,
        guard: UserGuard<'_>,
    ) -> Vec<Result<UpsertOutcome, UpsertError>> {
        batch::upsert_batch(self, tenant, plans, now, guard).await
    }

    #[tracing::instrument(name = "db.users.set_password", skip_all, fields(db.system = self.system()))]
    async fn set_password(
        &self,
        tenant: TenantId,
        id: UserId,
        hash: PasswordHash,
        change_required: bool,
        now: Timestamp,
    ) -> Result<Option<User>, StorageError> {
        let w = self.write().await.map_err(storage)?;
        let Some(row) = find_row(&w.txn, tenant, &UserKey::Id(id), self.locks_rows()).await? else {
            return Ok(None);
        };
        let before = load_one(&w.txn, row).await?;
        let res = user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::val(hash.as_str()))
            .col_expr(
                user::Column::PasswordChangeRequired,
                Expr::val(change_required),
            )
            .col_expr(user::Column::UpdatedAt, Expr::val(now.as_micros()))
            .col_expr(
                user::Column::Version,
                Expr::col(user::Column::Version).add(1),
            )
            // A new password ends the tokens the user holds.
            .col_expr(
                user::Column::AuthEpoch,
                Expr::col(user::Column::AuthEpoch).add(1),
            )
            .filter(user::Column::TenantId.eq(tenant.as_uuid()))
            .filter(user::Column::Id.eq(id.as_uuid()))
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        if res.rows_affected == 0 {
            return Ok(None);
        }
        let row = find_row(&w.txn, tenant, &UserKey::Id(id), false).await?;
        let user = match row {
            Some(r) => Some(load_one(&w.txn, r).await?),
            None => None,
        };
        let mut effects = Effects::default();
        if let Some(after) = &user {
            effects.events.user_updated(&before, after, true);
        }
        self.finish(w, effects, now).await?;
        Ok(user)
    }

    #[tracing::instrument(name = "db.users.password_hash", skip_all, fields(db.system = self.system()))]
    async fn password_hash(
        &self,
        tenant: TenantId,
        key: &UserKey,
    ) -> Result<Option<(User, Option<PasswordHash>)>, StorageError> {
        let Some(row) = find_row(self.connection(), tenant, key, false).await? else {
            return Ok(None);
        };
        let hash = row.password_hash.clone().map(PasswordHash::from_phc);
        Ok(Some((load_one(self.connection(), row).await?, hash)))
    }

    #[tracing::instrument(name = "db.users.record_activity", skip_all, fields(db.system = self.system()))]
    async fn record_activity(
        &self,
        tenant: TenantId,
        key: &UserKey,
        at: Timestamp,
        device: Option<Device>,
    ) -> Result<Option<User>, StorageError> {
        let w = self.write().await.map_err(storage)?;
        let Some(row) = find_row(&w.txn, tenant, key, self.locks_rows()).await? else {
            return Ok(None);
        };
        if row.last_activity_at.is_none_or(|t| t < at.as_micros()) {
            user::Entity::update_many()
                .col_expr(user::Column::LastActivityAt, Expr::val(at.as_micros()))
                .filter(user::Column::Number.eq(row.number))
                .exec(&w.txn)
                .await
                .map_err(storage)?;
        }
        if let Some(d) = device {
            let am = device::ActiveModel {
                user_number: Set(row.number),
                device_id: Set(d.id),
                os: Set(d.os),
                os_version: Set(d.os_version),
                app_version: Set(d.app_version),
                name: Set(d.name),
                last_sync_at: Set(d.last_sync.as_micros()),
            };
            device::Entity::insert(am)
                .on_conflict(
                    OnConflict::columns([device::Column::UserNumber, device::Column::DeviceId])
                        .update_columns([
                            device::Column::Os,
                            device::Column::OsVersion,
                            device::Column::AppVersion,
                            device::Column::Name,
                            device::Column::LastSyncAt,
                        ])
                        .to_owned(),
                )
                .exec(&w.txn)
                .await
                .map_err(storage)?;
        }
        let row = find_row(&w.txn, tenant, key, false).await?;
        let user = match row {
            Some(r) => Some(load_one(&w.txn, r).await?),
            None => None,
        };
        w.txn.commit().await.map_err(storage)?;
        Ok(user)
    }

    #[tracing::instrument(name = "db.users.find_by_secret", skip_all, fields(db.system = self.system()))]
    async fn find_by_secret(
        &self,
        tenant: TenantId,
        digest: &SecretDigest,
    ) -> Result<Option<User>, StorageError> {
        let found = links::whole_users(
            self.connection(),
            user::Entity::find()
                .filter(user::Column::TenantId.eq(tenant.as_uuid()))
                .filter(user::Column::SecretDigest.eq(digest.as_str())),
        )
        .await?;
        Ok(found.into_iter().next())
    }
}
