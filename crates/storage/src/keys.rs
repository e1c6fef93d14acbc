//! [`KeyRepository`] on sea-orm. Account keys are the rows without a user.

use crate::Store;
use crate::effects::{Effects, wall_clock};
use crate::entities::{ssh_key, user};
use crate::errors::{foreign_key_violation, storage, unique_violation};
use crate::outbox::payload;
use crate::users::load::find_row;
use roster_domain::events::EventType;
use roster_domain::keys::{Key, KeyError, KeyOwner};
use roster_domain::ports::KeyRepository;
use roster_domain::values::SshPublicKey;
use roster_domain::{StorageError, TenantId, Timestamp};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// The user owning the keys (`None` for account keys).
async fn owner_row<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    owner: &KeyOwner,
) -> Result<Option<user::Model>, KeyError> {
    match owner {
        KeyOwner::Account => Ok(None),
        KeyOwner::User(key) => match find_row(conn, tenant, key, false).await? {
            Some(row) => Ok(Some(row)),
            None => Err(KeyError::UserNotFound),
        },
    }
}

async fn owner_number<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    owner: &KeyOwner,
) -> Result<Option<i64>, KeyError> {
    Ok(owner_row(conn, tenant, owner).await?.map(|r| r.number))
}

/// The event of `kind` about `key`, held by `owner` (`None`: an account key).
pub(crate) fn key_event(
    tenant: TenantId,
    kind: EventType,
    owner: Option<&user::Model>,
    key: &Key,
) -> Effects {
    let mut effects = Effects::default();
    let who = owner.map(|u| payload::identity(&u.id, &u.login));
    effects.events.push(
        tenant,
        kind,
        &key.key.fingerprint(),
        payload::key(who.as_ref(), key),
    );
    effects
}

fn owned_by(tenant: TenantId, number: Option<i64>) -> Condition {
    let c = Condition::all().add(ssh_key::Column::TenantId.eq(tenant.as_uuid()));
    match number {
        Some(n) => c.add(ssh_key::Column::UserNumber.eq(n)),
        None => c.add(ssh_key::Column::UserNumber.is_null()),
    }
}

fn named(name_or_fp: &str) -> Condition {
    Condition::any()
        .add(ssh_key::Column::Name.eq(name_or_fp))
        .add(ssh_key::Column::Fingerprint.eq(name_or_fp.to_ascii_lowercase()))
}

fn key_from_row(r: &ssh_key::Model) -> Result<Key, StorageError> {
    let key = SshPublicKey::from_parts(Some(&r.name), &r.fingerprint, &r.public_key)
        .map_err(|e| StorageError::msg(format!("stored key is invalid: {e}")))?;
    Ok(Key {
        key,
        created: Timestamp::from_micros(r.created_at),
    })
}

impl KeyRepository for Store {
    #[tracing::instrument(name = "db.keys.list_keys", skip_all, fields(db.system = self.system()))]
    async fn list_keys(&self, tenant: TenantId, owner: &KeyOwner) -> Result<Vec<Key>, KeyError> {
        let number = owner_number(self.connection(), tenant, owner).await?;
        let rows = ssh_key::Entity::find()
            .filter(owned_by(tenant, number))
            .order_by_asc(ssh_key::Column::CreatedAt)
            .order_by_asc(ssh_key::Column::Name)
            .all(self.connection())
            .await
            .map_err(storage)?;
        Ok(rows.iter().map(key_from_row).collect::<Result<_, _>>()?)
    }

    #[tracing::instrument(name = "db.keys.get_key", skip_all, fields(db.system = self.system()))]
    async fn get_key(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        name_or_fp: &str,
    ) -> Result<Option<Key>, KeyError> {
        let number = owner_number(self.connection(), tenant, owner).await?;
        let row = ssh_key::Entity::find()
            .filter(owned_by(tenant, number))
            .filter(named(name_or_fp))
            .one(self.connection())
            .await
            .map_err(storage)?;
        Ok(row.as_ref().map(key_from_row).transpose()?)
    }

    #[tracing::instrument(name = "db.keys.create_key", skip_all, fields(db.system = self.system()))]
    async fn create_key(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        key: SshPublicKey,
        now: Timestamp,
    ) -> Result<Key, KeyError> {
        let w = self.write().await.map_err(storage)?;
        let holder = owner_row(&w.txn, tenant, owner).await?;
        let number = holder.as_ref().map(|r| r.number);
        let row = ssh_key::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            tenant_id: Set(tenant.as_uuid()),
            user_number: Set(number),
            name: Set(key.name().to_owned()),
            fingerprint: Set(key.fingerprint().to_owned()),
            public_key: Set(key.line().to_owned()),
            created_at: Set(now.as_micros()),
        }
        .insert(&w.txn)
        .await
        .map_err(|e| {
            if unique_violation(&e).is_some() {
                KeyError::Exists
            } else if foreign_key_violation(&e) {
                KeyError::TenantNotFound
            } else {
                KeyError::Storage(storage(e))
            }
        })?;
        let key = key_from_row(&row)?;
        let effects = key_event(tenant, EventType::KeyCreated, holder.as_ref(), &key);
        self.finish(w, effects, now).await?;
        Ok(key)
    }

    #[tracing::instrument(name = "db.keys.delete_key", skip_all, fields(db.system = self.system()))]
    async fn delete_key(
        &self,
        tenant: TenantId,
        owner: &KeyOwner,
        name_or_fp: &str,
    ) -> Result<(), KeyError> {
        let w = self.write().await.map_err(storage)?;
        let holder = owner_row(&w.txn, tenant, owner).await?;
        let number = holder.as_ref().map(|r| r.number);
        let found: Vec<ssh_key::Model> = ssh_key::Entity::find()
            .filter(owned_by(tenant, number))
            .filter(named(name_or_fp))
            .all(&w.txn)
            .await
            .map_err(storage)?;
        if found.is_empty() {
            return Err(KeyError::KeyNotFound);
        }
        ssh_key::Entity::delete_many()
            .filter(ssh_key::Column::Id.is_in(found.iter().map(|k| k.id)))
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        let mut effects = Effects::default();
        for row in &found {
            let gone = key_from_row(row)?;
            effects.merge(key_event(
                tenant,
                EventType::KeyDeleted,
                holder.as_ref(),
                &gone,
            ));
        }
        // Tokens the key's holder obtained end with the key.
        user::Entity::update_many()
            .col_expr(
                user::Column::AuthEpoch,
                Expr::col(user::Column::AuthEpoch).add(1),
            )
            .filter(user::Column::Number.eq(number))
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        self.finish(w, effects, wall_clock()).await?;
        Ok(())
    }
}
