//! [`RbacRepository`] on sea-orm: roles, policies and their memberships. Lists load members
//! and policies of every role in one query each.

use crate::Store;
use crate::entities::{policy, role, role_member, role_policy, user};
use crate::errors::{foreign_key_violation, storage, unique_violation};
use crate::rows::rbac_name;
use crate::users::load::find_row;
use roster_domain::authz::StoredAuthority;
use roster_domain::ports::RbacRepository;
use roster_domain::rbac::{
    BuiltInRole, MemberSelector, NewPolicy, NewRole, Policy, PolicyChange, PolicyError, PolicyRef,
    PolicySelector, Role, RoleChange, RoleError, RoleGrant, RoleMember, Rule,
};
use roster_domain::users::{AccessLevel, UserStatus};
use roster_domain::values::Login;
use roster_domain::{PolicyId, RoleId, StorageError, TenantId, Timestamp, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// `id = x OR name = x` when `x` is a UUID, `name = x` otherwise.
fn id_or_name<C: ColumnTrait>(
    id: C,
    name: C,
    tenant_col: C,
    tenant: TenantId,
    key: &str,
) -> Condition {
    let by = match uuid::Uuid::try_parse(key) {
        Ok(u) => Condition::any().add(id.eq(u)).add(name.eq(key)),
        Err(_) => Condition::any().add(name.eq(key)),
    };
    Condition::all()
        .add(tenant_col.eq(tenant.as_uuid()))
        .add(by)
}

/// RBAC roles only: built-in roles are managed through their holders' `role_keys`.
fn rbac_only() -> Condition {
    Condition::all().add(role::Column::BuiltIn.eq(false))
}

async fn load_roles<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<role::Model>,
) -> Result<Vec<Role>, StorageError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
    let members_q = Query::select()
        .column((role_member::Entity, role_member::Column::RoleId))
        .column((role_member::Entity, role_member::Column::IsDefault))
        .column((user::Entity, user::Column::Id))
        .column((user::Entity, user::Column::Login))
        .from(role_member::Entity)
        .inner_join(
            user::Entity,
            Expr::col((user::Entity, user::Column::Number))
                .equals((role_member::Entity, role_member::Column::UserNumber)),
        )
        .and_where(
            Expr::col((role_member::Entity, role_member::Column::RoleId))
                .is_in(ids.iter().copied()),
        )
        .order_by((user::Entity, user::Column::LoginKey), Order::Asc)
        .to_owned();
    let mut members: HashMap<uuid::Uuid, Vec<RoleMember>> = HashMap::new();
    for row in conn.query_all(&members_q).await.map_err(storage)? {
        let role: uuid::Uuid = row.try_get("", "role_id").map_err(storage)?;
        let default: bool = row.try_get("", "is_default").map_err(storage)?;
        let id: uuid::Uuid = row.try_get("", "id").map_err(storage)?;
        let login: String = row.try_get("", "login").map_err(storage)?;
        let login = Login::parse(&login)
            .map_err(|e| StorageError::msg(format!("stored login is invalid: {e}")))?;
        members.entry(role).or_default().push(RoleMember {
            user: UserId::from_uuid(id),
            login,
            default,
        });
    }
    let policies_q = Query::select()
        .column((role_policy::Entity, role_policy::Column::RoleId))
        .column((policy::Entity, policy::Column::Id))
        .column((policy::Entity, policy::Column::Name))
        .from(role_policy::Entity)
        .inner_join(
            policy::Entity,
            Expr::col((policy::Entity, policy::Column::Id))
                .equals((role_policy::Entity, role_policy::Column::PolicyId)),
        )
        .and_where(
            Expr::col((role_policy::Entity, role_policy::Column::RoleId))
                .is_in(ids.iter().copied()),
        )
        .order_by((policy::Entity, policy::Column::Name), Order::Asc)
        .to_owned();
    let mut policies: HashMap<uuid::Uuid, Vec<PolicyRef>> = HashMap::new();
    for row in conn.query_all(&policies_q).await.map_err(storage)? {
        let role: uuid::Uuid = row.try_get("", "role_id").map_err(storage)?;
        let id: uuid::Uuid = row.try_get("", "id").map_err(storage)?;
        let name: String = row.try_get("", "name").map_err(storage)?;
        policies.entry(role).or_default().push(PolicyRef {
            id: PolicyId::from_uuid(id),
            name: rbac_name(&name)?,
        });
    }
    rows.into_iter()
        .map(|r| {
            Ok(Role {
                id: RoleId::from_uuid(r.id),
                tenant: TenantId::from_uuid(r.tenant_id),
                name: rbac_name(&r.name)?,
                members: members.remove(&r.id).unwrap_or_default(),
                policies: policies.remove(&r.id).unwrap_or_default(),
                created: Timestamp::from_micros(r.created_at),
            })
        })
        .collect()
}

fn policy_from_row(r: policy::Model) -> Result<Policy, StorageError> {
    let texts: Vec<String> = serde_json::from_str(&r.rules)
        .map_err(|e| StorageError::msg(format!("stored rules are invalid: {e}")))?;
    let rules = texts
        .iter()
        .map(|t| Rule::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StorageError::msg(format!("stored rule is invalid: {e}")))?;
    Ok(Policy {
        id: PolicyId::from_uuid(r.id),
        tenant: TenantId::from_uuid(r.tenant_id),
        name: rbac_name(&r.name)?,
        rules,
        description: r.description,
        created: Timestamp::from_micros(r.created_at),
    })
}

fn rules_json(rules: &[Rule]) -> String {
    let texts: Vec<&str> = rules.iter().map(Rule::as_str).collect();
    serde_json::to_string(&texts).unwrap_or_else(|_| "[]".to_owned())
}

/// Replaces the role's members, refusing selectors that name no user.
async fn set_members(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    role: uuid::Uuid,
    members: &[MemberSelector],
    lock: bool,
) -> Result<(), RoleError> {
    // One row per user; `default` wins if any mention of the user asks for it.
    let mut rows: BTreeMap<i64, bool> = BTreeMap::new();
    for (index, m) in members.iter().enumerate() {
        let Some(u) = find_row(txn, tenant, &m.user, lock).await? else {
            return Err(RoleError::UnknownMember {
                index,
                user: m.user.clone(),
            });
        };
        *rows.entry(u.number).or_default() |= m.default;
    }
    role_member::Entity::delete_many()
        .filter(role_member::Column::RoleId.eq(role))
        .exec(txn)
        .await
        .map_err(storage)?;
    if rows.is_empty() {
        return Ok(());
    }
    let models = rows.into_iter().map(|(n, d)| role_member::ActiveModel {
        role_id: Set(role),
        user_number: Set(n),
        is_default: Set(d),
    });
    role_member::Entity::insert_many(models)
        .exec(txn)
        .await
        .map_err(storage)?;
    Ok(())
}

/// Replaces the role's policies, refusing selectors that name no policy.
async fn set_policies(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    role: uuid::Uuid,
    policies: &[PolicySelector],
) -> Result<(), RoleError> {
    let mut ids = BTreeSet::new();
    for (index, p) in policies.iter().enumerate() {
        let cond = Condition::all()
            .add(policy::Column::TenantId.eq(tenant.as_uuid()))
            .add(match p {
                PolicySelector::Id(id) => policy::Column::Id.eq(id.as_uuid()),
                PolicySelector::Name(n) => policy::Column::Name.eq(n.as_str()),
            });
        let Some(row) = policy::Entity::find()
            .filter(cond)
            .one(txn)
            .await
            .map_err(storage)?
        else {
            return Err(RoleError::UnknownPolicy {
                index,
                selector: p.clone(),
            });
        };
        ids.insert(row.id);
    }
    role_policy::Entity::delete_many()
        .filter(role_policy::Column::RoleId.eq(role))
        .exec(txn)
        .await
        .map_err(storage)?;
    if ids.is_empty() {
        return Ok(());
    }
    let models = ids.into_iter().map(|p| role_policy::ActiveModel {
        role_id: Set(role),
        policy_id: Set(p),
    });
    role_policy::Entity::insert_many(models)
        .exec(txn)
        .await
        .map_err(storage)?;
    Ok(())
}

fn role_write_error(e: sea_orm::DbErr, name: &roster_domain::rbac::RbacName) -> RoleError {
    if unique_violation(&e).is_some() {
        RoleError::Exists(name.clone())
    } else if foreign_key_violation(&e) {
        RoleError::TenantNotFound
    } else {
        RoleError::Storage(storage(e))
    }
}

fn policy_write_error(e: sea_orm::DbErr, name: &roster_domain::rbac::RbacName) -> PolicyError {
    if unique_violation(&e).is_some() {
        PolicyError::Exists(name.clone())
    } else if foreign_key_violation(&e) {
        PolicyError::TenantNotFound
    } else {
        PolicyError::Storage(storage(e))
    }
}

impl Store {
    async fn role_by_id<C: ConnectionTrait>(
        &self,
        conn: &C,
        tenant: TenantId,
        id: RoleId,
    ) -> Result<Option<Role>, StorageError> {
        let row = role::Entity::find()
            .filter(role::Column::TenantId.eq(tenant.as_uuid()))
            .filter(role::Column::Id.eq(id.as_uuid()))
            .filter(rbac_only())
            .one(conn)
            .await
            .map_err(storage)?;
        Ok(match row {
            Some(r) => load_roles(conn, vec![r]).await?.pop(),
            None => None,
        })
    }
}

impl RbacRepository for Store {
    #[tracing::instrument(name = "db.rbac.list_roles", skip_all, fields(db.system = self.system()))]
    async fn list_roles(&self, tenant: TenantId) -> Result<Vec<Role>, StorageError> {
        let rows = role::Entity::find()
            .filter(role::Column::TenantId.eq(tenant.as_uuid()))
            .filter(rbac_only())
            .order_by_asc(role::Column::Name)
            .all(self.connection())
            .await
            .map_err(storage)?;
        load_roles(self.connection(), rows).await
    }

    #[tracing::instrument(name = "db.rbac.find_role", skip_all, fields(db.system = self.system()))]
    async fn find_role(&self, tenant: TenantId, key: &str) -> Result<Option<Role>, StorageError> {
        let cond = id_or_name(
            role::Column::Id,
            role::Column::Name,
            role::Column::TenantId,
            tenant,
            key,
        );
        let row = role::Entity::find()
            .filter(cond)
            .filter(rbac_only())
            .one(self.connection())
            .await
            .map_err(storage)?;
        Ok(match row {
            Some(r) => load_roles(self.connection(), vec![r]).await?.pop(),
            None => None,
        })
    }

    #[tracing::instrument(name = "db.rbac.create_role", skip_all, fields(db.system = self.system()))]
    async fn create_role(
        &self,
        tenant: TenantId,
        new: NewRole,
        now: Timestamp,
    ) -> Result<Role, RoleError> {
        let w = self.write().await.map_err(storage)?;
        let id = RoleId::generate();
        role::ActiveModel {
            id: Set(id.as_uuid()),
            tenant_id: Set(tenant.as_uuid()),
            name: Set(new.name.as_str().to_owned()),
            created_at: Set(now.as_micros()),
            built_in: Set(false),
        }
        .insert(&w.txn)
        .await
        .map_err(|e| role_write_error(e, &new.name))?;
        set_members(
            &w.txn,
            tenant,
            id.as_uuid(),
            &new.members,
            self.locks_rows(),
        )
        .await?;
        set_policies(&w.txn, tenant, id.as_uuid(), &new.policies).await?;
        let role = self
            .role_by_id(&w.txn, tenant, id)
            .await?
            .ok_or(RoleError::NotFound)?;
        w.txn.commit().await.map_err(storage)?;
        Ok(role)
    }

    #[tracing::instrument(name = "db.rbac.update_role", skip_all, fields(db.system = self.system()))]
    async fn update_role(
        &self,
        tenant: TenantId,
        id: RoleId,
        changes: &[RoleChange],
    ) -> Result<Role, RoleError> {
        let w = self.write().await.map_err(storage)?;
        if self.role_by_id(&w.txn, tenant, id).await?.is_none() {
            return Err(RoleError::NotFound);
        }
        for change in changes {
            match change {
                RoleChange::Name(name) => {
                    role::Entity::update_many()
                        .col_expr(role::Column::Name, Expr::val(name.as_str()))
                        .filter(role::Column::Id.eq(id.as_uuid()))
                        .exec(&w.txn)
                        .await
                        .map_err(|e| role_write_error(e, name))?;
                }
                RoleChange::Members(m) => {
                    set_members(&w.txn, tenant, id.as_uuid(), m, self.locks_rows()).await?;
                }
                RoleChange::Policies(p) => set_policies(&w.txn, tenant, id.as_uuid(), p).await?,
            }
        }
        let role = self
            .role_by_id(&w.txn, tenant, id)
            .await?
            .ok_or(RoleError::NotFound)?;
        w.txn.commit().await.map_err(storage)?;
        Ok(role)
    }

    #[tracing::instrument(name = "db.rbac.delete_role", skip_all, fields(db.system = self.system()))]
    async fn delete_role(&self, tenant: TenantId, id: RoleId) -> Result<bool, StorageError> {
        let w = self.write().await.map_err(storage)?;
        let res = role::Entity::delete_many()
            .filter(role::Column::TenantId.eq(tenant.as_uuid()))
            .filter(role::Column::Id.eq(id.as_uuid()))
            .filter(rbac_only())
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        w.txn.commit().await.map_err(storage)?;
        Ok(res.rows_affected > 0)
    }

    #[tracing::instrument(name = "db.rbac.list_policies", skip_all, fields(db.system = self.system()))]
    async fn list_policies(&self, tenant: TenantId) -> Result<Vec<Policy>, StorageError> {
        policy::Entity::find()
            .filter(policy::Column::TenantId.eq(tenant.as_uuid()))
            .order_by_asc(policy::Column::Name)
            .all(self.connection())
            .await
            .map_err(storage)?
            .into_iter()
            .map(policy_from_row)
            .collect()
    }

    #[tracing::instrument(name = "db.rbac.find_policy", skip_all, fields(db.system = self.system()))]
    async fn find_policy(
        &self,
        tenant: TenantId,
        key: &str,
    ) -> Result<Option<Policy>, StorageError> {
        let cond = id_or_name(
            policy::Column::Id,
            policy::Column::Name,
            policy::Column::TenantId,
            tenant,
            key,
        );
        policy::Entity::find()
            .filter(cond)
            .one(self.connection())
            .await
            .map_err(storage)?
            .map(policy_from_row)
            .transpose()
    }

    #[tracing::instrument(name = "db.rbac.create_policy", skip_all, fields(db.system = self.system()))]
    async fn create_policy(
        &self,
        tenant: TenantId,
        new: NewPolicy,
        now: Timestamp,
    ) -> Result<Policy, PolicyError> {
        let w = self.write().await.map_err(storage)?;
        let row = policy::ActiveModel {
            id: Set(PolicyId::generate().as_uuid()),
            tenant_id: Set(tenant.as_uuid()),
            name: Set(new.name.as_str().to_owned()),
            rules: Set(rules_json(&new.rules)),
            description: Set(new.description.clone()),
            created_at: Set(now.as_micros()),
        }
        .insert(&w.txn)
        .await
        .map_err(|e| policy_write_error(e, &new.name))?;
        w.txn.commit().await.map_err(storage)?;
        Ok(policy_from_row(row)?)
    }

    #[tracing::instrument(name = "db.rbac.update_policy", skip_all, fields(db.system = self.system()))]
    async fn update_policy(
        &self,
        tenant: TenantId,
        id: PolicyId,
        changes: &[PolicyChange],
    ) -> Result<Policy, PolicyError> {
        let w = self.write().await.map_err(storage)?;
        let find = || {
            policy::Entity::find()
                .filter(policy::Column::TenantId.eq(tenant.as_uuid()))
                .filter(policy::Column::Id.eq(id.as_uuid()))
        };
        let Some(current) = find().one(&w.txn).await.map_err(storage)? else {
            return Err(PolicyError::NotFound);
        };
        let name = rbac_name(&current.name)?;
        let mut q = policy::Entity::update_many().filter(policy::Column::Id.eq(id.as_uuid()));
        let mut new_name = name.clone();
        for change in changes {
            q = match change {
                PolicyChange::Name(n) => {
                    new_name = n.clone();
                    q.col_expr(policy::Column::Name, Expr::val(n.as_str()))
                }
                PolicyChange::Rules(r) => {
                    q.col_expr(policy::Column::Rules, Expr::val(rules_json(r)))
                }
                PolicyChange::Description(d) => {
                    q.col_expr(policy::Column::Description, Expr::val(d.clone()))
                }
            };
        }
        if !changes.is_empty() {
            q.exec(&w.txn)
                .await
                .map_err(|e| policy_write_error(e, &new_name))?;
        }
        let row = find()
            .one(&w.txn)
            .await
            .map_err(storage)?
            .ok_or(PolicyError::NotFound)?;
        w.txn.commit().await.map_err(storage)?;
        Ok(policy_from_row(row)?)
    }

    #[tracing::instrument(name = "db.rbac.delete_policy", skip_all, fields(db.system = self.system()))]
    async fn delete_policy(&self, tenant: TenantId, id: PolicyId) -> Result<bool, StorageError> {
        let w = self.write().await.map_err(storage)?;
        // Its role links go with it (ON DELETE CASCADE).
        let res = policy::Entity::delete_many()
            .filter(policy::Column::TenantId.eq(tenant.as_uuid()))
            .filter(policy::Column::Id.eq(id.as_uuid()))
            .exec(&w.txn)
            .await
            .map_err(storage)?;
        w.txn.commit().await.map_err(storage)?;
        Ok(res.rows_affected > 0)
    }

    #[tracing::instrument(name = "db.rbac.authority", skip_all, fields(db.system = self.system()))]
    async fn authority(
        &self,
        tenant: TenantId,
        user_id: UserId,
    ) -> Result<Option<StoredAuthority>, StorageError> {
        let conn = self.connection();
        let Some(u) = find_row(
            conn,
            tenant,
            &roster_domain::users::UserKey::Id(user_id),
            false,
        )
        .await?
        else {
            return Ok(None);
        };
        let (grants, org_admin) = roles_of_user(conn, u.number).await?;
        let bad = |what: &str| StorageError::msg(format!("stored {what} is invalid"));
        Ok(Some(StoredAuthority {
            status: UserStatus::from_name(&u.status).ok_or_else(|| bad("status"))?,
            access_level: AccessLevel::from_name(&u.access_level)
                .ok_or_else(|| bad("access level"))?,
            epoch: u.auth_epoch,
            org_admin,
            grants,
        }))
    }
}

/// The RBAC roles of the user numbered `number`, each with every action its policies allow,
/// and whether it holds the built-in `org-admin` role.
async fn roles_of_user<C: ConnectionTrait>(
    conn: &C,
    number: i64,
) -> Result<(Vec<RoleGrant>, bool), StorageError> {
    let memberships = role_member::Entity::find()
        .filter(role_member::Column::UserNumber.eq(number))
        .all(conn)
        .await
        .map_err(storage)?;
    if memberships.is_empty() {
        return Ok((Vec::new(), false));
    }
    let ids: Vec<uuid::Uuid> = memberships.iter().map(|m| m.role_id).collect();
    let (built_in, roles): (Vec<role::Model>, Vec<role::Model>) = role::Entity::find()
        .filter(role::Column::Id.is_in(ids.clone()))
        .order_by_asc(role::Column::Name)
        .all(conn)
        .await
        .map_err(storage)?
        .into_iter()
        .partition(|r| r.built_in);
    let org_admin = built_in
        .iter()
        .any(|r| r.name == BuiltInRole::OrgAdmin.key());
    let rules_q = Query::select()
        .column((role_policy::Entity, role_policy::Column::RoleId))
        .column((policy::Entity, policy::Column::Rules))
        .from(role_policy::Entity)
        .inner_join(
            policy::Entity,
            Expr::col((policy::Entity, policy::Column::Id))
                .equals((role_policy::Entity, role_policy::Column::PolicyId)),
        )
        .and_where(Expr::col((role_policy::Entity, role_policy::Column::RoleId)).is_in(ids))
        .to_owned();
    let mut actions: HashMap<uuid::Uuid, BTreeSet<String>> = HashMap::new();
    for row in conn.query_all(&rules_q).await.map_err(storage)? {
        let role_id: uuid::Uuid = row.try_get("", "role_id").map_err(storage)?;
        let stored: String = row.try_get("", "rules").map_err(storage)?;
        let texts: Vec<String> = serde_json::from_str(&stored)
            .map_err(|e| StorageError::msg(format!("stored rules are invalid: {e}")))?;
        let set = actions.entry(role_id).or_default();
        for t in texts {
            let rule = Rule::parse(&t)
                .map_err(|e| StorageError::msg(format!("stored rule is invalid: {e}")))?;
            set.extend(rule.actions().iter().cloned());
        }
    }
    let grants = roles
        .into_iter()
        .map(|r| {
            let default = memberships
                .iter()
                .any(|m| m.role_id == r.id && m.is_default);
            Ok(RoleGrant {
                name: rbac_name(&r.name)?,
                default,
                actions: actions.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect::<Result<_, StorageError>>()?;
    Ok((grants, org_admin))
}
