//! [`TenantRepository`] on sea-orm.

use crate::Store;
use crate::builtin_roles;
use crate::effects::Effects;
use crate::entities::{ssh_key, tenant};
use crate::errors::{Unique, storage, unique_violation};
use crate::rows::tenant_from_row;
use crate::users::write::insert_user;
use roster_domain::events::EventType;
use roster_domain::ports::{SecretDigest, TenantRepository};
use roster_domain::tenants::{CreateTenantError, NewTenantRecord, Tenant, TenantKey};
use roster_domain::users::{CreateUserError, User, UserKey};
use roster_domain::values::CompanyId;
use roster_domain::{StorageError, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

/// The first company id handed out when none is asked for.
const FIRST_COMPANY_ID: i64 = 1001;

fn key_condition(key: &TenantKey) -> sea_orm::Condition {
    let by = match key {
        TenantKey::Id(id) => tenant::Column::Id.eq(id.as_uuid()),
        TenantKey::Login(l) => tenant::Column::LoginKey.eq(l.key()),
        TenantKey::CompanyId(c) => tenant::Column::CompanyId.eq(c.get()),
    };
    sea_orm::Condition::all().add(by)
}

async fn next_company_id<C: ConnectionTrait>(conn: &C) -> Result<i64, StorageError> {
    let max: Option<Option<i64>> = tenant::Entity::find()
        .select_only()
        .column_as(
            Expr::from(Func::max(Expr::col(tenant::Column::CompanyId))),
            "max",
        )
        .into_tuple()
        .one(conn)
        .await
        .map_err(storage)?;
    Ok(max
        .flatten()
        .map_or(FIRST_COMPANY_ID, |m| m.max(FIRST_COMPANY_ID - 1) + 1))
}

async fn insert_tenant(
    txn: &DatabaseTransaction,
    r: &NewTenantRecord,
    effects: &mut Effects,
) -> Result<(Tenant, User), CreateTenantError> {
    let company_id = match r.company_id {
        Some(c) => c.get(),
        None => next_company_id(txn).await?,
    };
    let row = tenant::ActiveModel {
        id: Set(r.id.as_uuid()),
        login: Set(r.login.as_str().to_owned()),
        login_key: Set(r.login.key()),
        name: Set(r.name.clone()),
        company_id: Set(company_id),
        organization_secret_digest: Set(r.organization_secret_digest.as_str().to_owned()),
        integration_key_digest: Set(r.integration_key_digest.as_str().to_owned()),
        owner_user_id: Set(Some(r.owner.id.as_uuid())),
        created_at: Set(r.now.as_micros()),
        updated_at: Set(r.now.as_micros()),
    }
    .insert(txn)
    .await
    .map_err(|e| match unique_violation(&e) {
        Some(Unique::Login) => CreateTenantError::LoginTaken(r.login.clone()),
        Some(Unique::CompanyId) => match CompanyId::parse(company_id) {
            Ok(c) => CreateTenantError::CompanyIdTaken(c),
            Err(_) => CreateTenantError::Storage(storage(e)),
        },
        _ => CreateTenantError::Storage(storage(e)),
    })?;
    let tenant = tenant_from_row(row)?;
    effects.events.push(
        tenant.id,
        EventType::TenantCreated,
        &tenant.id,
        crate::outbox::payload::tenant(&tenant),
    );
    // A new tenant has no groups for its owner to join; its event is told below, once it
    // holds its roles.
    let (admin, _) = insert_user(txn, tenant.id, &r.owner, false, &mut Effects::default())
        .await
        .map_err(|e| match e {
            CreateUserError::Storage(s) => CreateTenantError::Storage(s),
            // A new tenant has no users to collide with and the owner names no groups.
            e @ (CreateUserError::TenantNotFound
            | CreateUserError::Invalid(_)
            | CreateUserError::Taken(_)
            | CreateUserError::UnknownGroup(_)
            | CreateUserError::UnknownFolder(_)
            | CreateUserError::Denied(_)
            | CreateUserError::TryLater(_)) => {
                CreateTenantError::Storage(StorageError::msg(format!("owner user: {e}")))
            }
        })?;
    builtin_roles::insert_for_tenant(
        txn,
        tenant.id.as_uuid(),
        Some(admin.number),
        r.now.as_micros(),
    )
    .await
    .map_err(storage)?;
    // The owner's record shows the roles it now holds.
    let admin =
        match crate::users::load::find_row(txn, tenant.id, &UserKey::Id(admin.id), false).await? {
            Some(row) => crate::users::load::load_one(txn, row).await?,
            None => admin,
        };
    effects.events.user_created(&admin);
    for key in &r.owner_keys {
        ssh_key::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            tenant_id: Set(tenant.id.as_uuid()),
            user_number: Set(None),
            name: Set(key.name().to_owned()),
            fingerprint: Set(key.fingerprint().to_owned()),
            public_key: Set(key.line().to_owned()),
            created_at: Set(r.now.as_micros()),
        }
        .insert(txn)
        .await
        .map_err(storage)?;
        let told = roster_domain::keys::Key {
            key: key.clone(),
            created: r.now,
        };
        effects.merge(crate::keys::key_event(
            tenant.id,
            EventType::KeyCreated,
            None,
            &told,
        ));
    }
    Ok((tenant, admin))
}

impl TenantRepository for Store {
    #[tracing::instrument(name = "db.tenants.create_tenant", skip_all, fields(db.system = self.system()))]
    async fn create_tenant(
        &self,
        record: NewTenantRecord,
    ) -> Result<(Tenant, User), CreateTenantError> {
        // An assigned company id can collide with a concurrent creator's; take the next one.
        let attempts = if record.company_id.is_some() { 1 } else { 5 };
        let mut last = None;
        for _ in 0..attempts {
            let w = self.write().await.map_err(storage)?;
            let sp = w.txn.begin().await.map_err(storage)?;
            let mut effects = Effects::default();
            match insert_tenant(&sp, &record, &mut effects).await {
                Ok(done) => {
                    sp.commit().await.map_err(storage)?;
                    self.finish(w, effects, record.now).await?;
                    return Ok(done);
                }
                Err(CreateTenantError::CompanyIdTaken(c)) if record.company_id.is_none() => {
                    last = Some(CreateTenantError::CompanyIdTaken(c));
                }
                Err(e) => return Err(e),
            }
        }
        Err(last
            .unwrap_or_else(|| CreateTenantError::Storage(StorageError::msg("no attempt made"))))
    }

    #[tracing::instrument(name = "db.tenants.get_tenant", skip_all, fields(db.system = self.system()))]
    async fn get_tenant(&self, key: &TenantKey) -> Result<Option<Tenant>, StorageError> {
        tenant::Entity::find()
            .filter(key_condition(key))
            .one(self.connection())
            .await
            .map_err(storage)?
            .map(tenant_from_row)
            .transpose()
    }

    #[tracing::instrument(name = "db.tenants.list_tenants", skip_all, fields(db.system = self.system()))]
    async fn list_tenants(
        &self,
        after: Option<String>,
        limit: u32,
    ) -> Result<Vec<Tenant>, StorageError> {
        let mut s = tenant::Entity::find();
        if let Some(a) = after {
            s = s.filter(tenant::Column::LoginKey.gt(a));
        }
        s.order_by_asc(tenant::Column::LoginKey)
            .limit(u64::from(limit))
            .all(self.connection())
            .await
            .map_err(storage)?
            .into_iter()
            .map(tenant_from_row)
            .collect()
    }

    #[tracing::instrument(name = "db.tenants.delete_tenant", skip_all, fields(db.system = self.system()))]
    async fn delete_tenant(&self, id: TenantId) -> Result<bool, StorageError> {
        let w = self.write().await.map_err(storage)?;
        let Some(row) = tenant::Entity::find_by_id(id.as_uuid())
            .one(&w.txn)
            .await
            .map_err(storage)?
        else {
            return Ok(false);
        };
        let gone = tenant_from_row(row)?;
        let res = tenant::Entity::delete_many()
            .filter(tenant::Column::Id.eq(id.as_uuid()))
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        let mut effects = Effects::default();
        effects.events.push(
            id,
            EventType::TenantDeleted,
            &id,
            crate::outbox::payload::tenant(&gone),
        );
        // The port names no time for a deletion: the event takes the system clock's.
        let now = roster_domain::Clock::now(&roster_domain::SystemClock);
        self.finish(w, effects, now).await?;
        Ok(res.rows_affected > 0)
    }

    #[tracing::instrument(name = "db.tenants.tenant_by_organization_secret", skip_all, fields(db.system = self.system()))]
    async fn tenant_by_organization_secret(
        &self,
        digest: &SecretDigest,
    ) -> Result<Option<Tenant>, StorageError> {
        tenant::Entity::find()
            .filter(tenant::Column::OrganizationSecretDigest.eq(digest.as_str()))
            .one(self.connection())
            .await
            .map_err(storage)?
            .map(tenant_from_row)
            .transpose()
    }

    #[tracing::instrument(name = "db.tenants.tenant_integration_key", skip_all, fields(db.system = self.system()))]
    async fn tenant_integration_key(
        &self,
        company_id: CompanyId,
    ) -> Result<Option<(Tenant, SecretDigest)>, StorageError> {
        let row = tenant::Entity::find()
            .filter(tenant::Column::CompanyId.eq(company_id.get()))
            .one(self.connection())
            .await
            .map_err(storage)?;
        match row {
            Some(r) => {
                let digest = SecretDigest::from_hex(r.integration_key_digest.clone());
                Ok(Some((tenant_from_row(r)?, digest)))
            }
            None => Ok(None),
        }
    }
}
