//! [`SecretKeyRepository`] on sea-orm: one row per user, replaced on every issue; and the
//! users' address restrictions, one row per restricted user.

use crate::Store;
use crate::effects::{Effects, wall_clock};
use crate::entities::{address_restriction, secret_key, user};
use crate::errors::storage;
use crate::outbox::payload;
use roster_domain::events::EventType;
use roster_domain::ports::{SecretDigest, SecretKeyRepository};
use roster_domain::secret_keys::{AddressRestrictions, SecretKeyId, StoredSecretKey};
use roster_domain::users::UserStatus;
use roster_domain::{StorageError, TenantId, Timestamp, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;

impl SecretKeyRepository for Store {
    #[tracing::instrument(name = "db.secret_keys.put", skip_all, fields(db.system = self.system()))]
    async fn put_secret_key(
        &self,
        key: &StoredSecretKey,
        user_number: i64,
        digest: &SecretDigest,
    ) -> Result<bool, StorageError> {
        let w = self.write().await.map_err(storage)?;
        let Some(holder) = user::Entity::find_by_id(user_number)
            .one(&w.txn)
            .await
            .map_err(storage)?
        else {
            return Ok(false);
        };
        let row = secret_key::ActiveModel {
            user_number: Set(user_number),
            tenant_id: Set(key.tenant.as_uuid()),
            user_id: Set(key.user.as_uuid()),
            key_id: Set(key.id.as_uuid()),
            digest: Set(digest.as_str().to_owned()),
            created_at: Set(key.created.as_micros()),
        };
        secret_key::Entity::insert(row)
            .on_conflict(
                OnConflict::column(secret_key::Column::UserNumber)
                    .update_columns([
                        secret_key::Column::KeyId,
                        secret_key::Column::Digest,
                        secret_key::Column::CreatedAt,
                    ])
                    .to_owned(),
            )
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        let mut effects = Effects::default();
        let data = json!({
            "user": payload::identity(&holder.id, &holder.login),
            "key_id": key.id.to_string(),
            "create_time": payload::rfc3339(key.created),
        });
        effects
            .events
            .push(key.tenant, EventType::SecretKeyIssued, &key.user, data);
        self.finish(w, effects, key.created).await?;
        Ok(true)
    }

    #[tracing::instrument(name = "db.secret_keys.delete", skip_all, fields(db.system = self.system()))]
    async fn delete_secret_key(&self, user_number: i64) -> Result<bool, StorageError> {
        let w = self.write().await.map_err(storage)?;
        let Some(gone) = secret_key::Entity::find_by_id(user_number)
            .one(&w.txn)
            .await
            .map_err(storage)?
        else {
            return Ok(false);
        };
        secret_key::Entity::delete_by_id(user_number)
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        let login: Option<String> = user::Entity::find_by_id(user_number)
            .select_only()
            .column(user::Column::Login)
            .into_tuple()
            .one(&w.txn)
            .await
            .map_err(storage)?;
        let mut effects = Effects::default();
        let data = json!({
            "user": payload::identity(&gone.user_id, login.as_deref().unwrap_or_default()),
            "key_id": gone.key_id.to_string(),
        });
        effects.events.push(
            TenantId::from_uuid(gone.tenant_id),
            EventType::SecretKeyRevoked,
            &gone.user_id,
            data,
        );
        self.finish(w, effects, wall_clock()).await?;
        Ok(true)
    }

    #[tracing::instrument(name = "db.secret_keys.by_digest", skip_all, fields(db.system = self.system()))]
    async fn secret_key_by_digest(
        &self,
        digest: &SecretDigest,
    ) -> Result<Option<StoredSecretKey>, StorageError> {
        Ok(secret_key::Entity::find()
            .filter(secret_key::Column::Digest.eq(digest.as_str()))
            .one(self.connection())
            .await
            .map_err(storage)?
            .map(|r| StoredSecretKey {
                tenant: TenantId::from_uuid(r.tenant_id),
                user: UserId::from_uuid(r.user_id),
                id: SecretKeyId::from_uuid(r.key_id),
                created: Timestamp::from_micros(r.created_at),
            }))
    }

    #[tracing::instrument(name = "db.secret_keys.is_current", skip_all, fields(db.system = self.system()))]
    async fn secret_key_is_current(
        &self,
        tenant: TenantId,
        user: UserId,
        key: SecretKeyId,
    ) -> Result<bool, StorageError> {
        let stmt = Query::select()
            .expr(Expr::val(1))
            .from(secret_key::Entity)
            .inner_join(
                user::Entity,
                Expr::col((user::Entity, user::Column::Number))
                    .equals((secret_key::Entity, secret_key::Column::UserNumber)),
            )
            .and_where(
                Expr::col((secret_key::Entity, secret_key::Column::TenantId)).eq(tenant.as_uuid()),
            )
            .and_where(
                Expr::col((secret_key::Entity, secret_key::Column::UserId)).eq(user.as_uuid()),
            )
            .and_where(Expr::col((secret_key::Entity, secret_key::Column::KeyId)).eq(key.as_uuid()))
            .and_where(
                Expr::col((user::Entity, user::Column::Status)).ne(UserStatus::Disabled.as_str()),
            )
            .limit(1)
            .to_owned();
        let found = self
            .connection()
            .query_one(&stmt)
            .await
            .map_err(storage)?
            .is_some();
        Ok(found)
    }

    #[tracing::instrument(name = "db.address_restrictions.get", skip_all, fields(db.system = self.system()))]
    async fn address_restrictions(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> Result<AddressRestrictions, StorageError> {
        let Some(row) = address_restriction::Entity::find()
            .filter(address_restriction::Column::TenantId.eq(tenant.as_uuid()))
            .filter(address_restriction::Column::UserId.eq(user.as_uuid()))
            .one(self.connection())
            .await
            .map_err(storage)?
        else {
            return Ok(AddressRestrictions::default());
        };
        let entries: Vec<&str> = row.entries.lines().collect();
        AddressRestrictions::parse(&entries, "entries")
            .map_err(|e| StorageError::msg(format!("stored address restrictions: {e}")))
    }

    #[tracing::instrument(name = "db.address_restrictions.put", skip_all, fields(db.system = self.system()))]
    async fn put_address_restrictions(
        &self,
        tenant: TenantId,
        user_number: i64,
        restrictions: &AddressRestrictions,
    ) -> Result<bool, StorageError> {
        let w = self.write().await.map_err(storage)?;
        let Some(found) = user::Entity::find_by_id(user_number)
            .one(&w.txn)
            .await
            .map_err(storage)?
            .filter(|u| u.tenant_id == tenant.as_uuid())
        else {
            return Ok(false);
        };
        address_restriction::Entity::delete_by_id(user_number)
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        if !restrictions.is_empty() {
            let row = address_restriction::ActiveModel {
                user_number: Set(user_number),
                tenant_id: Set(tenant.as_uuid()),
                user_id: Set(found.id),
                entries: Set(restrictions.to_strings().join("\n")),
            };
            address_restriction::Entity::insert(row)
                .exec_without_returning(&w.txn)
                .await
                .map_err(storage)?;
        }
        let mut effects = Effects::default();
        let data = json!({
            "user": payload::identity(&found.id, &found.login),
            "addresses": restrictions.to_strings(),
        });
        effects.events.push(
            tenant,
            EventType::AddressRestrictionsUpdated,
            &found.id,
            data,
        );
        self.finish(w, effects, wall_clock()).await?;
        Ok(true)
    }
}
