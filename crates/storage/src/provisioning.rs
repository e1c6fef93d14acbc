//! [`ProvisioningTokenRepository`] on sea-orm: one row per token, found by its id.

use crate::Store;
use crate::effects::{Effects, wall_clock};
use crate::entities::provisioning_token;
use crate::errors::{foreign_key_violation, storage};
use crate::outbox::payload;
use roster_domain::events::EventType;
use roster_domain::ports::{ProvisioningTokenRepository, SecretDigest};
use roster_domain::provisioning::{ProvisioningToken, ProvisioningTokenName};
use roster_domain::{ProvisioningTokenId, StorageError, TenantId, Timestamp};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// A stored row as the domain's token; a name that no longer parses is a storage failure.
fn token_from_row(r: &provisioning_token::Model) -> Result<ProvisioningToken, StorageError> {
    Ok(ProvisioningToken {
        id: ProvisioningTokenId::from_uuid(r.id),
        tenant: TenantId::from_uuid(r.tenant_id),
        name: ProvisioningTokenName::parse(&r.name)
            .map_err(|e| StorageError::msg(format!("stored provisioning token name: {e}")))?,
        created: Timestamp::from_micros(r.created_at),
        last_used: r.last_used_at.map(Timestamp::from_micros),
    })
}

impl ProvisioningTokenRepository for Store {
    #[tracing::instrument(name = "db.provisioning_tokens.create", skip_all, fields(db.system = self.system()))]
    async fn create_provisioning_token(
        &self,
        token: &ProvisioningToken,
        digest: &SecretDigest,
    ) -> Result<bool, StorageError> {
        let w = self.write().await.map_err(storage)?;
        let row = provisioning_token::ActiveModel {
            id: Set(token.id.as_uuid()),
            tenant_id: Set(token.tenant.as_uuid()),
            name: Set(token.name.as_str().to_owned()),
            digest: Set(digest.as_str().to_owned()),
            created_at: Set(token.created.as_micros()),
            last_used_at: Set(token.last_used.map(Timestamp::as_micros)),
        };
        match provisioning_token::Entity::insert(row)
            .exec_without_returning(&w.txn)
            .await
        {
            Ok(_) => {}
            Err(e) if foreign_key_violation(&e) => return Ok(false),
            Err(e) => return Err(storage(e)),
        }
        let mut effects = Effects::default();
        effects.events.push(
            token.tenant,
            EventType::ProvisioningTokenCreated,
            &token.id,
            payload::provisioning_token(token),
        );
        self.finish(w, effects, token.created).await?;
        Ok(true)
    }

    #[tracing::instrument(name = "db.provisioning_tokens.list", skip_all, fields(db.system = self.system()))]
    async fn list_provisioning_tokens(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<ProvisioningToken>, StorageError> {
        provisioning_token::Entity::find()
            .filter(provisioning_token::Column::TenantId.eq(tenant.as_uuid()))
            .order_by_asc(provisioning_token::Column::CreatedAt)
            .order_by_asc(provisioning_token::Column::Id)
            .all(self.connection())
            .await
            .map_err(storage)?
            .iter()
            .map(token_from_row)
            .collect()
    }

    #[tracing::instrument(name = "db.provisioning_tokens.get", skip_all, fields(db.system = self.system()))]
    async fn provisioning_token(
        &self,
        id: ProvisioningTokenId,
    ) -> Result<Option<(ProvisioningToken, SecretDigest)>, StorageError> {
        match provisioning_token::Entity::find_by_id(id.as_uuid())
            .one(self.connection())
            .await
            .map_err(storage)?
        {
            Some(r) => Ok(Some((
                token_from_row(&r)?,
                SecretDigest::from_hex(r.digest),
            ))),
            None => Ok(None),
        }
    }

    #[tracing::instrument(name = "db.provisioning_tokens.exists", skip_all, fields(db.system = self.system()))]
    async fn provisioning_token_exists(
        &self,
        tenant: TenantId,
        id: ProvisioningTokenId,
    ) -> Result<bool, StorageError> {
        let n = provisioning_token::Entity::find_by_id(id.as_uuid())
            .filter(provisioning_token::Column::TenantId.eq(tenant.as_uuid()))
            .count(self.connection())
            .await
            .map_err(storage)?;
        Ok(n > 0)
    }

    #[tracing::instrument(name = "db.provisioning_tokens.touch", skip_all, fields(db.system = self.system()))]
    async fn touch_provisioning_token(
        &self,
        id: ProvisioningTokenId,
        now: Timestamp,
    ) -> Result<(), StorageError> {
        let w = self.write().await.map_err(storage)?;
        provisioning_token::Entity::update_many()
            .col_expr(
                provisioning_token::Column::LastUsedAt,
                Expr::value(now.as_micros()),
            )
            .filter(provisioning_token::Column::Id.eq(id.as_uuid()))
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        w.txn.commit().await.map_err(storage)
    }

    #[tracing::instrument(name = "db.provisioning_tokens.delete", skip_all, fields(db.system = self.system()))]
    async fn delete_provisioning_token(
        &self,
        tenant: TenantId,
        id: ProvisioningTokenId,
    ) -> Result<bool, StorageError> {
        let w = self.write().await.map_err(storage)?;
        let Some(gone) = provisioning_token::Entity::find_by_id(id.as_uuid())
            .filter(provisioning_token::Column::TenantId.eq(tenant.as_uuid()))
            .one(&w.txn)
            .await
            .map_err(storage)?
        else {
            return Ok(false);
        };
        provisioning_token::Entity::delete_by_id(id.as_uuid())
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        let mut effects = Effects::default();
        effects.events.push(
            tenant,
            EventType::ProvisioningTokenDeleted,
            &id,
            payload::provisioning_token(&token_from_row(&gone)?),
        );
        self.finish(w, effects, wall_clock()).await?;
        Ok(true)
    }
}
