//! The storage adapter on its own: unique violations become domain errors on both
//! databases, a write that fails leaves nothing behind, and tenants' records stay apart.

// A failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestDb;
use roster_domain::ports::{
    NewUserRecord, SecretDigest, TenantRepository as _, UserRepository as _,
};
use roster_domain::tenants::NewTenantRecord;
use roster_domain::users::{CreateUserError, NewUser, Taken, UpdateUserError, UserChange, UserKey};
use roster_domain::values::{Email, ExternalId, Login, TenantLogin};
use roster_domain::{TenantId, Timestamp, UserId};
use roster_storage::Store;

/// A store on a fresh database with every migration applied.
async fn store() -> (Store, TestDb) {
    let db = TestDb::create().await;
    let store = db.connect().await;
    store.migrate().await.unwrap();
    (store, db)
}

fn record(user: NewUser) -> NewUserRecord {
    NewUserRecord {
        id: UserId::generate(),
        user,
        password_hash: None,
        secret_digest: SecretDigest::from_hex(uuid::Uuid::new_v4().simple().to_string()),
        now: Timestamp::from_micros(1_700_000_000_000_000),
    }
}

async fn tenant(store: &Store, login: &str) -> TenantId {
    let owner = NewUser::new(Email::parse(&format!("owner@{login}.test")).unwrap());
    let (t, _) = store
        .create_tenant(NewTenantRecord {
            id: TenantId::generate(),
            login: TenantLogin::parse(login).unwrap(),
            name: login.to_owned(),
            company_id: None,
            organization_secret_digest: SecretDigest::from_hex(format!("org-{login}")),
            integration_key_digest: SecretDigest::from_hex(format!("key-{login}")),
            owner: record(owner),
            owner_keys: vec![],
            now: Timestamp::from_micros(1_700_000_000_000_000),
        })
        .await
        .unwrap();
    t.id
}

#[tokio::test]
async fn unique_violations_map_to_domain_errors() {
    let (store, _db) = store().await;
    let t = tenant(&store, "acme").await;
    let mut first = NewUser::fake(1);
    first.external_id = Some(ExternalId::parse("X").unwrap());
    store.create(t, record(first)).await.unwrap();

    let mut same_login = NewUser::fake(2);
    same_login.login = Some(Login::parse("USER1").unwrap());
    assert!(matches!(
        store.create(t, record(same_login)).await,
        Err(CreateUserError::Taken(Taken::Login(_)))
    ));

    let mut same_email = NewUser::fake(3);
    same_email.email = Email::parse("User1@Example.test").unwrap();
    assert!(matches!(
        store.create(t, record(same_email)).await,
        Err(CreateUserError::Taken(Taken::Email(_)))
    ));

    let mut same_ext = NewUser::fake(4);
    same_ext.external_id = Some(ExternalId::parse("X").unwrap());
    assert!(matches!(
        store.create(t, record(same_ext)).await,
        Err(CreateUserError::Taken(Taken::ExternalId(_)))
    ));

    // Another tenant may reuse all of them.
    let other = tenant(&store, "other").await;
    let mut copy = NewUser::fake(1);
    copy.external_id = Some(ExternalId::parse("X").unwrap());
    store.create(other, record(copy)).await.unwrap();

    // A modification that collides reports it and writes nothing.
    let u5 = store.create(t, record(NewUser::fake(5))).await.unwrap();
    let changes = [
        UserChange::Profile(
            roster_domain::users::ProfileField::City,
            Some("Oslo".into()),
        ),
        UserChange::Email(Email::parse("USER1@example.test").unwrap()),
    ];
    let r = store
        .modify(
            t,
            u5.id,
            &changes,
            None,
            Timestamp::from_micros(1_800_000_000_000_000),
            &|_, _| Ok(()),
        )
        .await;
    assert!(
        matches!(r, Err(UpdateUserError::Taken(Taken::Email(_)))),
        "{r:?}"
    );
    let after = store.get(t, &UserKey::Id(u5.id)).await.unwrap().unwrap();
    assert_eq!(after, u5);
}

#[tokio::test]
async fn a_user_of_a_missing_tenant_is_refused() {
    let (store, _db) = store().await;
    let r = store
        .create(TenantId::generate(), record(NewUser::fake(1)))
        .await;
    assert!(matches!(r, Err(CreateUserError::TenantNotFound)), "{r:?}");
}

/// The record of used request signatures: of many writers racing on one signature, on two
/// pools of the same database (two replicas), exactly one is first; an expired record is
/// taken over and purged; tenants are apart.
#[tokio::test]
async fn a_used_signature_is_first_wins_under_concurrency() {
    use roster_domain::ports::UsedSignatures as _;
    let (store, db) = store().await;
    let replica = db.connect().await;
    let t = tenant(&store, "acme").await;
    let other = tenant(&store, "other").await;
    let now = Timestamp::from_micros(1_800_000_000_000_000);
    let expires = now.plus(std::time::Duration::from_secs(301));
    let digest = SecretDigest::from_hex("a".repeat(64));

    for round in 0..3 {
        let digest = SecretDigest::from_hex(format!("{round}{}", "b".repeat(63)));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..16 {
            let s = if i % 2 == 0 {
                store.clone()
            } else {
                replica.clone()
            };
            let d = digest.clone();
            tasks.spawn(async move { s.use_signature(t, &d, expires, now).await.unwrap() });
        }
        let firsts = tasks
            .join_all()
            .await
            .into_iter()
            .filter(|first| *first)
            .count();
        assert_eq!(firsts, 1, "round {round}");
    }

    assert!(store.use_signature(t, &digest, expires, now).await.unwrap());
    assert!(
        !replica
            .use_signature(t, &digest, expires, now)
            .await
            .unwrap()
    );
    assert!(
        store
            .use_signature(other, &digest, expires, now)
            .await
            .unwrap(),
        "another tenant's record is its own"
    );
    // Once expired, the record neither blocks a use nor stays.
    let later = expires.plus(std::time::Duration::from_secs(1));
    let count = || async {
        use sea_orm::ConnectionTrait as _;
        let row = store
            .connection()
            .query_one_raw(sea_orm::Statement::from_string(
                store.backend(),
                "SELECT COUNT(*) AS n FROM used_signatures",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap()
    };
    assert_eq!(count().await, 5);
    assert!(
        store
            .use_signature(
                t,
                &digest,
                later.plus(std::time::Duration::from_secs(301)),
                later
            )
            .await
            .unwrap()
    );
    assert_eq!(count().await, 1, "the expired records were purged");
}

/// Provisioning tokens: found by id with their digest, listed oldest first per tenant, seen
/// and revoked only in their own tenant, touched, and gone with their tenant.
#[tokio::test]
async fn provisioning_tokens_are_kept_per_tenant_and_go_with_it() {
    use roster_domain::ProvisioningTokenId;
    use roster_domain::ports::ProvisioningTokenRepository as _;
    use roster_domain::provisioning::{ProvisioningToken, ProvisioningTokenName};
    let (store, _db) = store().await;
    let t = tenant(&store, "acme").await;
    let other = tenant(&store, "other").await;
    let at = |s: i64| Timestamp::from_micros(1_800_000_000_000_000 + s * 1_000_000);
    let token = |tenant: TenantId, name: &str, created: Timestamp| ProvisioningToken {
        id: ProvisioningTokenId::generate(),
        tenant,
        name: ProvisioningTokenName::parse(name).unwrap(),
        created,
        last_used: None,
    };
    let digest = |c: char| SecretDigest::from_hex(c.to_string().repeat(64));
    // Made out of order: the list is by creation time.
    let later = token(t, "Entra ID", at(10));
    let first = token(t, "Okta", at(0));
    let theirs = token(other, "Okta", at(5));
    for (tok, d) in [(&later, 'b'), (&first, 'a'), (&theirs, 'c')] {
        assert!(
            store
                .create_provisioning_token(tok, &digest(d))
                .await
                .unwrap()
        );
    }
    assert!(
        !store
            .create_provisioning_token(&token(TenantId::generate(), "x", at(0)), &digest('d'))
            .await
            .unwrap(),
        "no tenant, no token"
    );

    assert_eq!(
        store.list_provisioning_tokens(t).await.unwrap(),
        [first.clone(), later.clone()]
    );
    assert_eq!(
        store.provisioning_token(first.id).await.unwrap(),
        Some((first.clone(), digest('a')))
    );
    assert!(store.provisioning_token_exists(t, first.id).await.unwrap());
    assert!(
        !store
            .provisioning_token_exists(other, first.id)
            .await
            .unwrap()
    );

    store
        .touch_provisioning_token(first.id, at(60))
        .await
        .unwrap();
    let (touched, _) = store.provisioning_token(first.id).await.unwrap().unwrap();
    assert_eq!(touched.last_used, Some(at(60)));
    let (untouched, _) = store.provisioning_token(later.id).await.unwrap().unwrap();
    assert_eq!(untouched.last_used, None);

    assert!(
        !store
            .delete_provisioning_token(other, first.id)
            .await
            .unwrap(),
        "another tenant's token is not found"
    );
    assert!(store.delete_provisioning_token(t, first.id).await.unwrap());
    assert!(!store.delete_provisioning_token(t, first.id).await.unwrap());
    assert!(!store.provisioning_token_exists(t, first.id).await.unwrap());
    assert_eq!(store.provisioning_token(first.id).await.unwrap(), None);
    // Touching a revoked token writes nothing and fails nothing.
    store
        .touch_provisioning_token(first.id, at(120))
        .await
        .unwrap();
    assert_eq!(
        store.list_provisioning_tokens(t).await.unwrap(),
        std::slice::from_ref(&later)
    );

    assert!(store.delete_tenant(t).await.unwrap());
    assert_eq!(store.provisioning_token(later.id).await.unwrap(), None);
    assert_eq!(
        store.list_provisioning_tokens(other).await.unwrap(),
        [theirs],
        "the other tenant's token stays"
    );
}
