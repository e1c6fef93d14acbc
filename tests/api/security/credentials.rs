//! Credentials that must not mint, and credentials that are the owner's alone: a SureCloud
//! JWT (from a secret key) creates no key, secret key or token; the owner's secret key and
//! keys are managed by the owner only; a service token never mints a token that outlives
//! it, and no member but the owner issues one.

use crate::support::cloudapi::TestKey;
use crate::support::elements::Ce;
use crate::support::info;
use crate::support::records::{self, make_user};
use crate::support::surecloud::{Sc, issue_key, token};
use crate::support::{TestApp, TestTenant, expect_code, key_email, key_id, reason};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use roster_proto::v1 as pb;
use roster_user_service::scopes;
use serde_json::json;
use tonic::Code;

fn account() -> pb::KeyOwner {
    pb::KeyOwner {
        owner: Some(pb::key_owner::Owner::Account(true)),
    }
}

fn of_user(key: pb::user_key::Key) -> pb::KeyOwner {
    pb::KeyOwner {
        owner: Some(pb::key_owner::Owner::User(pb::UserKey { key: Some(key) })),
    }
}

/// The names of a key owner's keys, read by the owner.
async fn keys(app: &TestApp, t: &TestTenant, owner: pb::KeyOwner) -> Vec<String> {
    app.roster_keys(&t.owner_token)
        .list_keys(pb::ListKeysRequest { owner: Some(owner) })
        .await
        .expect("list keys")
        .into_inner()
        .keys
        .into_iter()
        .map(|k| format!("{} {}", k.name, k.fingerprint))
        .collect()
}

/// The `exp` claim of a JWT.
fn exp(jwt: &str) -> i64 {
    let payload = jwt.split('.').nth(1).expect("a JWT");
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).unwrap();
    claims["exp"].as_i64().expect("exp")
}

/// A refusal for a credential that may not mint: the token lacks the scope (secret-key
/// tokens never carry credential scopes) or the policy says no.
#[track_caller]
fn refused_to_mint<T: std::fmt::Debug>(r: Result<T, tonic::Status>, what: &str) {
    let s = expect_code(r, Code::PermissionDenied);
    let why = reason(&s);
    assert!(
        why == "MISSING_SCOPE" || (why == "PERMISSION_DENIED" && info(&s, "rule") == "credential"),
        "{what}: {s:?}"
    );
}

#[tokio::test]
async fn a_surecloud_jwt_used_over_grpc_mints_no_key_secret_key_or_token() {
    let app = TestApp::spawn().await;
    let owner_key = TestKey::ed25519(1);
    let t = app
        .tenant_with_keys("acme", &[owner_key.public_line("owner")])
        .await;
    let admin = make_user(&app, &t, "admin@acme.test", pb::AccessLevel::Admin).await;
    let worker = make_user(&app, &t, "worker@acme.test", pb::AccessLevel::User).await;
    let owner_secret = issue_key(&app, &t, &t.admin.email).await;
    let admin_secret = issue_key(&app, &t, "admin@acme.test").await;
    let owner_jwt = token(&app, &t.admin.email, &owner_secret).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin_jwt = token(&app, "admin@acme.test", &admin_secret).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let owners = [
        ("account", account()),
        ("admin", of_user(pb::user_key::Key::Id(admin.id.clone()))),
        ("worker", of_user(pb::user_key::Key::Id(worker.id.clone()))),
    ];
    let mut before = Vec::new();
    for (_, o) in &owners {
        before.push(keys(&app, &t, o.clone()).await);
    }
    let new_key = TestKey::p256(9);

    for (who, jwt) in [
        ("the owner's JWT", &owner_jwt),
        ("an administrator's JWT", &admin_jwt),
    ] {
        for (whose, o) in &owners {
            let what = format!("{who}: CreateKey for {whose}");
            refused_to_mint(
                app.roster_keys(jwt)
                    .create_key(pb::CreateKeyRequest {
                        owner: Some(o.clone()),
                        public_key: new_key.public_line("sneaky"),
                        name: "sneaky".into(),
                        ..Default::default()
                    })
                    .await,
                &what,
            );
        }
        refused_to_mint(
            app.roster_keys(jwt)
                .delete_key(pb::DeleteKeyRequest {
                    owner: Some(account()),
                    name_or_fingerprint: owner_key.fingerprint(),
                    ..Default::default()
                })
                .await,
            &format!("{who}: DeleteKey of the account"),
        );
        for email in [
            t.admin.email.as_str(),
            "admin@acme.test",
            "worker@acme.test",
        ] {
            refused_to_mint(
                app.secret_keys(jwt)
                    .issue_secret_key(pb::IssueSecretKeyRequest {
                        user: key_email(email),
                        ..Default::default()
                    })
                    .await,
                &format!("{who}: IssueSecretKey for {email}"),
            );
            refused_to_mint(
                app.secret_keys(jwt)
                    .revoke_secret_key(pb::RevokeSecretKeyRequest {
                        user: key_email(email),
                        ..Default::default()
                    })
                    .await,
                &format!("{who}: RevokeSecretKey for {email}"),
            );
        }
        for req in [
            pb::IssueTokenRequest::default(),
            pb::IssueTokenRequest {
                scopes: vec![scopes::USERS_READ.into()],
                ttl: Some(prost_types::Duration {
                    seconds: 60,
                    nanos: 0,
                }),
                subject: "svc".into(),
            },
        ] {
            refused_to_mint(
                app.auth(Some(jwt)).issue_token(req).await,
                &format!("{who}: IssueToken"),
            );
        }
    }

    // Nothing appeared, nothing went.
    for ((whose, o), was) in owners.iter().zip(&before) {
        assert_eq!(&keys(&app, &t, o.clone()).await, was, "{whose}'s keys");
    }
    // The secret keys were neither rotated nor revoked: the old JWTs and keys still work ...
    for (email, secret, jwt) in [
        (t.admin.email.as_str(), &owner_secret, &owner_jwt),
        ("admin@acme.test", &admin_secret, &admin_jwt),
    ] {
        assert_eq!(token(&app, email, secret).await.status, 200, "{email}");
        Sc {
            app: &app,
            token: jwt.clone(),
        }
        .patch_ok(json!([{"email": "worker@acme.test", "name": "W"}]))
        .await;
    }
    // ... and the worker, who had none, still has none.
    let none = app
        .secret_keys(&t.owner_token)
        .revoke_secret_key(pb::RevokeSecretKeyRequest {
            user: key_email("worker@acme.test"),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(reason(&none), "SECRET_KEY_NOT_FOUND", "{none:?}");
}

#[tokio::test]
async fn only_the_owner_manages_its_secret_key_and_keys() {
    let app = TestApp::spawn().await;
    let owner_key = TestKey::ed25519(1);
    let t = app
        .tenant_with_keys("acme", &[owner_key.public_line("owner")])
        .await;
    let owner = t.admin.clone();
    let owner_secret = issue_key(&app, &t, &owner.email).await;
    let owner_jwt = token(&app, &owner.email, &owner_secret).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let admin = make_user(&app, &t, "admin@acme.test", pb::AccessLevel::Admin).await;
    let sup = make_user(&app, &t, "super@acme.test", pb::AccessLevel::SuperAdmin).await;
    let mut org_admin = crate::support::user("orgadmin@acme.test");
    org_admin.role_keys = vec!["org-admin".into(), "org".into()];
    let org_admin = app
        .users(&t.token)
        .create_user(crate::support::create(org_admin))
        .await
        .unwrap()
        .into_inner();
    let attackers = [
        (
            "an administrator",
            app.user_token(&t.id, &admin.id, scopes::TENANT_ADMIN, 0),
        ),
        (
            "a super-administrator",
            app.user_token(&t.id, &sup.id, scopes::TENANT_ADMIN, 0),
        ),
        (
            "an org-admin",
            app.user_token(&t.id, &org_admin.id, scopes::TENANT_ADMIN, 0),
        ),
        ("the service token", t.token.clone()),
    ];
    let account_before = keys(&app, &t, account()).await;
    assert_eq!(account_before.len(), 1);
    let new_key = TestKey::p256(7);

    for (who, tok) in &attackers {
        let who = *who;
        // The tokens work: this is about the owner, not about the caller.
        assert!(
            app.users(tok)
                .list_users(pb::ListUsersRequest::default())
                .await
                .is_ok(),
            "{who}"
        );
        for key in [key_email(&owner.email), key_id(&owner.id)] {
            let s = expect_code(
                app.secret_keys(tok)
                    .issue_secret_key(pb::IssueSecretKeyRequest {
                        user: key.clone(),
                        ..Default::default()
                    })
                    .await,
                Code::PermissionDenied,
            );
            assert_eq!(
                (reason(&s), info(&s, "rule")),
                ("PERMISSION_DENIED".into(), "owner_protected".into()),
                "{who}: IssueSecretKey {s:?}"
            );
            let s = expect_code(
                app.secret_keys(tok)
                    .revoke_secret_key(pb::RevokeSecretKeyRequest {
                        user: key,
                        ..Default::default()
                    })
                    .await,
                Code::PermissionDenied,
            );
            assert_eq!(
                (reason(&s), info(&s, "rule")),
                ("PERMISSION_DENIED".into(), "owner_protected".into()),
                "{who}: RevokeSecretKey {s:?}"
            );
        }
        // User routes never resolve to the owner: its keys are the account's.
        for key in [
            pb::user_key::Key::Email(owner.email.clone()),
            pb::user_key::Key::Id(owner.id.clone()),
            pb::user_key::Key::Login(owner.login.clone()),
        ] {
            let s = expect_code(
                app.roster_keys(tok)
                    .create_key(pb::CreateKeyRequest {
                        owner: Some(of_user(key.clone())),
                        public_key: new_key.public_line("sneaky"),
                        name: "sneaky".into(),
                        ..Default::default()
                    })
                    .await,
                Code::NotFound,
            );
            assert_eq!(reason(&s), "USER_NOT_FOUND", "{who}: {s:?}");
            let s = expect_code(
                app.roster_keys(tok)
                    .delete_key(pb::DeleteKeyRequest {
                        owner: Some(of_user(key)),
                        name_or_fingerprint: owner_key.fingerprint(),
                        ..Default::default()
                    })
                    .await,
                Code::NotFound,
            );
            assert_eq!(reason(&s), "USER_NOT_FOUND", "{who}: {s:?}");
        }
        let s = expect_code(
            app.roster_keys(tok)
                .create_key(pb::CreateKeyRequest {
                    owner: Some(account()),
                    public_key: new_key.public_line("sneaky"),
                    name: "sneaky".into(),
                    ..Default::default()
                })
                .await,
            Code::PermissionDenied,
        );
        assert_eq!(info(&s, "rule"), "owner_protected", "{who}: {s:?}");
        let s = expect_code(
            app.roster_keys(tok)
                .delete_key(pb::DeleteKeyRequest {
                    owner: Some(account()),
                    name_or_fingerprint: owner_key.fingerprint(),
                    ..Default::default()
                })
                .await,
            Code::PermissionDenied,
        );
        assert_eq!(info(&s, "rule"), "owner_protected", "{who}: {s:?}");

        assert_eq!(keys(&app, &t, account()).await, account_before, "{who}");
        // The owner's secret key was neither rotated nor revoked.
        assert_eq!(
            token(&app, &owner.email, &owner_secret).await.status,
            200,
            "{who}"
        );
        Sc {
            app: &app,
            token: owner_jwt.clone(),
        }
        .patch_ok(json!([{"email": "x@acme.test", "role": "READ_ONLY"}]))
        .await;
    }

    // The owner itself may do all of it.
    let mut mine = app.roster_keys(&t.owner_token);
    mine.create_key(pb::CreateKeyRequest {
        owner: Some(account()),
        public_key: new_key.public_line("laptop"),
        name: "laptop".into(),
        ..Default::default()
    })
    .await
    .expect("the owner adds an account key");
    assert_eq!(keys(&app, &t, account()).await.len(), 2);
    mine.delete_key(pb::DeleteKeyRequest {
        owner: Some(account()),
        name_or_fingerprint: "laptop".into(),
        ..Default::default()
    })
    .await
    .expect("the owner removes it");
    assert_eq!(keys(&app, &t, account()).await, account_before);
    let rotated = app
        .secret_keys(&t.owner_token)
        .issue_secret_key(pb::IssueSecretKeyRequest {
            user: key_email(&owner.email),
            ..Default::default()
        })
        .await
        .expect("the owner rotates its secret key")
        .into_inner()
        .secret_key;
    Sc::error(&token(&app, &owner.email, &owner_secret).await, 401);
    assert_eq!(token(&app, &owner.email, &rotated).await.status, 200);
    app.secret_keys(&t.owner_token)
        .revoke_secret_key(pb::RevokeSecretKeyRequest {
            user: key_email(&owner.email),
            ..Default::default()
        })
        .await
        .expect("the owner revokes its secret key");
    Sc::error(&token(&app, &owner.email, &rotated).await, 401);
}

#[tokio::test]
async fn issued_tokens_never_outlive_their_caller_and_only_the_owner_issues_one() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let day = Some(prost_types::Duration {
        seconds: 86_400,
        nanos: 0,
    });

    // A service token with a short life, minted by the tenant's service token.
    let short = app
        .auth(Some(&t.token))
        .issue_token(pb::IssueTokenRequest {
            scopes: vec![scopes::USERS_READ.into(), scopes::TOKENS_ISSUE.into()],
            ttl: Some(prost_types::Duration {
                seconds: 60,
                nanos: 0,
            }),
            subject: "short-lived".into(),
        })
        .await
        .expect("a service token issues a shorter one")
        .into_inner();
    let short_exp = exp(&short.token);
    assert_eq!(short.expire_time.unwrap().seconds, short_exp);
    assert!(short_exp <= exp(&t.token));

    // It asks for a day: it gets at most what it has left.
    let longer = app
        .auth(Some(&short.token))
        .issue_token(pb::IssueTokenRequest {
            ttl: day,
            ..Default::default()
        })
        .await
        .expect("a token within the caller's life")
        .into_inner();
    assert!(
        longer.expire_time.unwrap().seconds <= short_exp,
        "{} > {short_exp}",
        longer.expire_time.unwrap().seconds
    );
    assert!(exp(&longer.token) <= short_exp);
    // Nor does it give scopes it lacks.
    for scope in [
        scopes::USERS_WRITE,
        scopes::ADMIN,
        scopes::SECRET_KEYS_WRITE,
    ] {
        let s = expect_code(
            app.auth(Some(&short.token))
                .issue_token(pb::IssueTokenRequest {
                    scopes: vec![scope.into()],
                    ..Default::default()
                })
                .await,
            Code::PermissionDenied,
        );
        assert_eq!(reason(&s), "MISSING_SCOPE", "{scope}: {s:?}");
    }
    // The same for the tenant's service token itself.
    let from_service = app
        .auth(Some(&t.token))
        .issue_token(pb::IssueTokenRequest {
            ttl: day,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(from_service.expire_time.unwrap().seconds <= exp(&t.token));

    // Administrators who are not the owner issue none, whatever subject they name.
    let admin = make_user(&app, &t, "admin@acme.test", pb::AccessLevel::Admin).await;
    let sup = make_user(&app, &t, "super@acme.test", pb::AccessLevel::SuperAdmin).await;
    for (who, u) in [
        ("an administrator", &admin),
        ("a super-administrator", &sup),
    ] {
        let tok = app.user_token(&t.id, &u.id, scopes::TENANT_ADMIN, 0);
        for subject in ["", "svc", t.admin.id.as_str()] {
            let s = expect_code(
                app.auth(Some(&tok))
                    .issue_token(pb::IssueTokenRequest {
                        subject: subject.into(),
                        ..Default::default()
                    })
                    .await,
                Code::PermissionDenied,
            );
            assert_eq!(
                (reason(&s), info(&s, "rule")),
                ("PERMISSION_DENIED".into(), "not_allowed".into()),
                "{who} {subject:?}: {s:?}"
            );
        }
    }

    // The owner may, within its own token's life, and the token works.
    let owners = app
        .auth(Some(&t.owner_token))
        .issue_token(pb::IssueTokenRequest {
            ttl: day,
            subject: "ci".into(),
            ..Default::default()
        })
        .await
        .expect("the owner issues a service token")
        .into_inner();
    assert!(owners.expire_time.unwrap().seconds <= exp(&t.owner_token));
    assert!(
        app.users(&owners.token)
            .list_users(pb::ListUsersRequest::default())
            .await
            .is_ok()
    );
}

/// Found by this suite (fixed in the policy): an administrator could issue a secret key for,
/// or set the password or a key of, a user with a higher access level, and then act as it
/// (and so give SUPER_ADMIN, which it does not hold). An administrator now writes only users
/// whose access level it could give.
#[tokio::test]
async fn an_administrator_cannot_take_over_a_more_powerful_account() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sup = make_user(&app, &t, "super@acme.test", pb::AccessLevel::SuperAdmin).await;
    let peer = make_user(&app, &t, "peer@acme.test", pb::AccessLevel::Admin).await;
    let admin = make_user(&app, &t, "admin@acme.test", pb::AccessLevel::Admin).await;
    let sup_key = TestKey::ed25519(3);
    app.roster_keys(&t.owner_token)
        .create_key(pb::CreateKeyRequest {
            owner: Some(of_user(pb::user_key::Key::Id(sup.id.clone()))),
            public_key: sup_key.public_line("super"),
            name: "super".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let sup_secret = issue_key(&app, &t, "super@acme.test").await;
    let before = records::snapshot(&app, &t, &sup.id).await.unwrap();
    let sup_keys = keys(&app, &t, of_user(pb::user_key::Key::Id(sup.id.clone()))).await;

    // An ADMIN member over gRPC, and an org-admin (who counts as ADMIN) through Cloud
    // Elements.
    let tok = app.user_token(&t.id, &admin.id, scopes::TENANT_ADMIN, 0);
    let outranked = |r: Result<(), tonic::Status>, what: &str| {
        let s = expect_code(r, Code::PermissionDenied);
        assert_eq!(
            (reason(&s), info(&s, "rule")),
            ("PERMISSION_DENIED".into(), "outranked".into()),
            "{what}: {s:?}"
        );
    };
    outranked(
        app.secret_keys(&tok)
            .issue_secret_key(pb::IssueSecretKeyRequest {
                user: key_id(&sup.id),
                ..Default::default()
            })
            .await
            .map(|_| ()),
        "IssueSecretKey",
    );
    outranked(
        app.secret_keys(&tok)
            .revoke_secret_key(pb::RevokeSecretKeyRequest {
                user: key_id(&sup.id),
                ..Default::default()
            })
            .await
            .map(|_| ()),
        "RevokeSecretKey",
    );
    outranked(
        app.users(&tok)
            .change_password(pb::ChangePasswordRequest {
                id: sup.id.clone(),
                password: "Mine-Passw0rd".into(),
                change_required: false,
                ..Default::default()
            })
            .await
            .map(|_| ()),
        "ChangePassword",
    );
    outranked(
        app.users(&tok)
            .update_user(pb::UpdateUserRequest {
                user: Some(pb::User {
                    id: sup.id.clone(),
                    email: "mine@acme.test".into(),
                    ..Default::default()
                }),
                update_mask: crate::support::mask(&["email"]),
                password: Some("Mine-Passw0rd".into()),
                ..Default::default()
            })
            .await
            .map(|_| ()),
        "UpdateUser email and password",
    );
    outranked(
        app.roster_keys(&tok)
            .create_key(pb::CreateKeyRequest {
                owner: Some(of_user(pb::user_key::Key::Id(sup.id.clone()))),
                public_key: TestKey::p256(4).public_line("mine"),
                name: "mine".into(),
                ..Default::default()
            })
            .await
            .map(|_| ()),
        "CreateKey",
    );
    outranked(
        app.roster_keys(&tok)
            .delete_key(pb::DeleteKeyRequest {
                owner: Some(of_user(pb::user_key::Key::Id(sup.id.clone()))),
                name_or_fingerprint: "super".into(),
                ..Default::default()
            })
            .await
            .map(|_| ()),
        "DeleteKey",
    );
    outranked(
        app.users(&tok)
            .delete_user(pb::DeleteUserRequest {
                id: sup.id.clone(),
                etag: String::new(),
                ..Default::default()
            })
            .await
            .map(|_| ()),
        "DeleteUser",
    );

    let owner_ce = Ce::owner(&app, &t);
    let boss = owner_ce
        .post(
            "/users",
            json!({"email": "boss@acme.test", "firstName": "Bo", "lastName": "Ss",
                   "password": "Passw0rd-1", "roles": [{"key": "org-admin"}]}),
        )
        .await;
    assert_eq!(boss.status, 200, "{boss:?}");
    let boss = Ce::with(
        &app,
        boss.json()["secret"].as_str().unwrap(),
        &t.organization_secret,
    );
    let p = boss
        .patch(
            &format!("/users/{}", sup.number),
            json!({"password": "Mine-Passw0rd", "email": "mine2@acme.test"}),
        )
        .await;
    assert!(!Ce::error(&p, 403).is_empty());
    let d = boss.delete(&format!("/users/{}", sup.number)).await;
    assert!(!Ce::error(&d, 403).is_empty());

    // The super-administrator is as it was, its credentials its own.
    assert_eq!(records::snapshot(&app, &t, &sup.id).await.unwrap(), before);
    assert_eq!(
        keys(&app, &t, of_user(pb::user_key::Key::Id(sup.id.clone()))).await,
        sup_keys
    );
    assert_eq!(
        token(&app, "super@acme.test", &sup_secret).await.status,
        200
    );
    let valid = app
        .users(&t.token)
        .verify_password(pb::VerifyPasswordRequest {
            key: key_id(&sup.id),
            password: "Passw0rd-1".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .valid;
    assert!(valid, "the password is unchanged");

    // A peer of its own level is still the administrator's to manage.
    app.secret_keys(&tok)
        .issue_secret_key(pb::IssueSecretKeyRequest {
            user: key_id(&peer.id),
            ..Default::default()
        })
        .await
        .expect("an administrator manages a peer's secret key");
    let p = boss
        .patch(&format!("/users/{}", peer.number), json!({"city": "Oslo"}))
        .await;
    assert_eq!(p.status, 200, "{p:?}");
}

#[tokio::test]
async fn introspection_names_the_principal_and_the_credential_it_came_from() {
    use pb::authenticate_request::Credential as C;
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let introspect = |token: String| {
        let mut auth = app.auth(Some(&token));
        async move {
            let r = auth
                .introspect_token(pb::IntrospectTokenRequest {})
                .await
                .expect("introspect")
                .into_inner();
            (r.principal, r.credential, r.credential_id)
        }
    };
    let authenticate = |credential| {
        let mut auth = app.auth(None);
        async move {
            auth.authenticate(pb::AuthenticateRequest {
                credential: Some(credential),
            })
            .await
            .expect("authenticate")
            .into_inner()
            .token
        }
    };
    let org = authenticate(C::Organization(pb::OrganizationCredential {
        user_secret: t.admin_secret.clone(),
        organization_secret: t.organization_secret.clone(),
    }))
    .await;
    assert_eq!(
        introspect(org).await,
        ("owner".into(), "organization_secret".into(), String::new())
    );
    let fof = authenticate(C::IntegrationKey(pb::IntegrationKeyCredential {
        company_id: t.company_id,
        integration_key: t.integration_key.clone(),
    }))
    .await;
    assert_eq!(
        introspect(fof).await,
        (
            "integration".into(),
            "integration_key".into(),
            t.company_id.to_string()
        )
    );
    let key = crate::support::surecloud::issue_key(&app, &t, &t.admin.email).await;
    let jwt = authenticate(C::SecretKey(pb::SecretKeyCredential {
        email: t.admin.email.clone(),
        secret_key: key,
    }))
    .await;
    let (principal, credential, id) = introspect(jwt).await;
    assert_eq!(
        (principal.as_str(), credential.as_str()),
        ("owner", "secret_key")
    );
    assert!(
        uuid::Uuid::try_parse(&id).is_ok(),
        "the secret key's id: {id}"
    );
    assert_eq!(
        introspect(t.token.clone()).await,
        ("service".into(), "service_token".into(), "test".into())
    );
}
