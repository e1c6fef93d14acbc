//! The built-in roles migrations give tenants made before them their roles, and their owners
//! `org-admin` and `org`.

// A failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod common;

use common::TestDb;
use roster_domain::TenantId;
use roster_domain::ports::{RbacRepository as _, TenantRepository as _, UserRepository as _};
use roster_domain::tenants::TenantKey;
use roster_domain::users::UserKey;
use roster_storage::migration::Migrator;
use sea_orm::ConnectionTrait as _;
use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm_migration::MigratorTrait as _;

#[tokio::test]
async fn tenants_from_before_the_migration_get_their_built_in_roles() {
    let db = TestDb::create().await;
    let store = db.connect().await;
    // The schema as it was before built-in roles: the first two migrations.
    Migrator::up(store.connection(), Some(2)).await.unwrap();
    let (tenant, owner) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let conn = store.connection();
    conn.execute(
        &Query::insert()
            .into_table("tenants")
            .columns([
                "id",
                "login",
                "login_key",
                "name",
                "company_id",
                "organization_secret_digest",
                "integration_key_digest",
                "owner_user_id",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                tenant.into(),
                "old".into(),
                "old".into(),
                "old".into(),
                1001_i64.into(),
                "o".into(),
                "i".into(),
                owner.into(),
                0_i64.into(),
                0_i64.into(),
            ])
            .to_owned(),
    )
    .await
    .unwrap();
    conn.execute(
        &Query::insert()
            .into_table("users")
            .columns([
                "id",
                "tenant_id",
                "login",
                "login_key",
                "email",
                "email_key",
                "status",
                "person_type",
                "access_level",
                "metadata",
                "password_change_required",
                "secret_digest",
                "created_at",
                "updated_at",
                "version",
            ])
            .values_panic([
                owner.into(),
                tenant.into(),
                "old".into(),
                "old".into(),
                "owner@old.test".into(),
                "owner@old.test".into(),
                "ACTIVE".into(),
                "INTERNAL".into(),
                "ADMIN".into(),
                "{}".into(),
                false.into(),
                "s".into(),
                0_i64.into(),
                0_i64.into(),
                1_i64.into(),
            ])
            .to_owned(),
    )
    .await
    .unwrap();

    store.migrate().await.unwrap();
    let t = TenantId::from_uuid(tenant);
    assert!(store.get_tenant(&TenantKey::Id(t)).await.unwrap().is_some());
    let u = store
        .get(t, &UserKey::Id(roster_domain::UserId::from_uuid(owner)))
        .await
        .unwrap()
        .unwrap();
    let keys: Vec<&str> = u.role_keys().iter().map(|k| k.key()).collect();
    assert_eq!(keys, ["org-admin", "org"]);
    assert!(
        store.list_roles(t).await.unwrap().is_empty(),
        "not RBAC roles"
    );
    // The role added later (SureCloud's Secret Key Administrator) came with its own
    // migration: once each, held by nobody.
    let rows = conn
        .query_all(
            &Query::select()
                .column("name")
                .from("roles")
                .and_where(Expr::col("tenant_id").eq(tenant))
                .and_where(Expr::col("built_in").eq(true))
                .to_owned(),
        )
        .await
        .unwrap();
    let mut names: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["admin", "org", "org-admin", "secret-key-admin"]);
    // On SQLite, the users there were before the search table are in it.
    if db.url.starts_with("sqlite") {
        let found = conn
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "SELECT rowid FROM users_search WHERE users_search MATCH '{email_key}: \"owner@old\"'",
            ))
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
    }
}

/// Groups made before groups had versions start at version 1 (etag `W/"1"`), last changed
/// when they were created; the next change moves both.
#[tokio::test]
async fn groups_from_before_versions_start_at_one_changed_when_created() {
    use roster_domain::groups::{GroupChange, GroupKey};
    use roster_domain::ports::GroupRepository;
    use roster_domain::values::GroupName;
    use roster_domain::{GroupId, Timestamp};

    let db = TestDb::create().await;
    let store = db.connect().await;
    // Every migration before the provisioning tokens and the group versions
    // (m20261206_000110).
    Migrator::up(store.connection(), Some(11)).await.unwrap();
    let conn = store.connection();
    let (tenant, group) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    conn.execute(
        &Query::insert()
            .into_table("tenants")
            .columns([
                "id",
                "login",
                "login_key",
                "name",
                "company_id",
                "organization_secret_digest",
                "integration_key_digest",
                "created_at",
                "updated_at",
            ])
            .values_panic([
                tenant.into(),
                "old".into(),
                "old".into(),
                "old".into(),
                1001_i64.into(),
                "o".into(),
                "i".into(),
                0_i64.into(),
                0_i64.into(),
            ])
            .to_owned(),
    )
    .await
    .unwrap();
    conn.execute(
        &Query::insert()
            .into_table("groups")
            .columns(["id", "tenant_id", "name", "path", "created_at"])
            .values_panic([
                group.into(),
                tenant.into(),
                "Old".into(),
                "//Old".into(),
                1_234_567_i64.into(),
            ])
            .to_owned(),
    )
    .await
    .unwrap();

    store.migrate().await.unwrap();
    let t = TenantId::from_uuid(tenant);
    let id = GroupId::from_uuid(group);
    let g = GroupRepository::get(&store, t, &GroupKey::Id(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g.version, 1);
    assert_eq!(g.etag(), "W/\"1\"");
    assert_eq!(g.updated, g.created);
    assert_eq!(g.created, Timestamp::from_micros(1_234_567));

    let renamed = GroupRepository::update(
        &store,
        t,
        id,
        &[GroupChange::Name(GroupName::parse("New").unwrap())],
        Some(1),
        Timestamp::from_micros(2_000_000),
    )
    .await
    .unwrap();
    assert_eq!(renamed.path.as_str(), "//New");
    assert_eq!(renamed.version, 2);
    assert_eq!(renamed.updated, Timestamp::from_micros(2_000_000));
}

#[tokio::test]
async fn substring_searches_are_served_by_trigram_indexes_on_postgresql() {
    let db = TestDb::create().await;
    if !db.url.starts_with("postgres") {
        eprintln!("skipped: pg_trgm is PostgreSQL's");
        return;
    }
    let store = db.connect().await;
    Migrator::up(store.connection(), None).await.unwrap();
    // The search's own comparison (`users/filter.rs`, whose tests hold it to the indexes'
    // expressions): the planner picks the index without being pushed beyond "no scan of
    // the whole table".
    let txn = sea_orm::TransactionTrait::begin(store.connection())
        .await
        .unwrap();
    txn.execute_unprepared("SET LOCAL enable_seqscan = off")
        .await
        .unwrap();
    for (column, index) in [
        ("LOWER(users.email_key)", "ix_users_trgm_email"),
        ("LOWER(users.login_key)", "ix_users_trgm_login"),
        ("LOWER(users.display_name)", "ix_users_trgm_display_name"),
        ("LOWER(users.external_id)", "ix_users_trgm_external_id"),
        (
            "LOWER(NULLIF(TRIM(COALESCE(users.first_name, '') || ' ' || COALESCE(users.last_name, '')), ''))",
            "ix_users_trgm_full_name",
        ),
    ] {
        let plan: Vec<String> = txn
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                format!(
                    "EXPLAIN SELECT number FROM users WHERE {column} LIKE '%smith%' ESCAPE '\\'"
                ),
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect();
        assert!(
            plan.iter().any(|l| l.contains(index)),
            "{index}: {}",
            plan.join("\n")
        );
    }
}
