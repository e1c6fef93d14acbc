//! SCIM provisioning tokens in the core: made, listed and revoked by the tenant's owner over
//! `ProvisioningTokenService`, exchanged with `AuthService.Authenticate` for a tenant-wide
//! integration token with the user and group scopes only, ended at once by revocation, and
//! never a way to mint another credential or to reach another tenant.

use crate::support::records::{group, make_user};
use crate::support::surecloud::issue_key;
use crate::support::{
    TestApp, TestTenant, create, expect_code, get_by, key_email, key_id, mask, reason, user,
    violated_fields,
};
use roster_proto::v1 as pb;
use roster_user_service::scopes;
use tonic::Code;

/// Makes a provisioning token named `name` as the tenant's owner: (its id, its bearer text).
async fn issue(app: &TestApp, t: &TestTenant, name: &str) -> (String, String) {
    let r = app
        .provisioning_tokens(&t.owner_token)
        .create_provisioning_token(pb::CreateProvisioningTokenRequest {
            name: name.into(),
            ..Default::default()
        })
        .await
        .expect("create a provisioning token")
        .into_inner();
    (r.token.expect("the token").id, r.secret)
}

/// The tenant's provisioning tokens, listed by its owner.
async fn listed(app: &TestApp, t: &TestTenant) -> Vec<pb::ProvisioningToken> {
    app.provisioning_tokens(&t.owner_token)
        .list_provisioning_tokens(pb::ListProvisioningTokensRequest {})
        .await
        .expect("list provisioning tokens")
        .into_inner()
        .tokens
}

async fn authenticate(
    app: &TestApp,
    credential: pb::authenticate_request::Credential,
) -> Result<pb::AuthenticateResponse, tonic::Status> {
    app.auth(None)
        .authenticate(pb::AuthenticateRequest {
            credential: Some(credential),
        })
        .await
        .map(tonic::Response::into_inner)
}

/// Exchanges a provisioning token's bearer text for a token.
async fn exchange(app: &TestApp, bearer: &str) -> Result<pb::AuthenticateResponse, tonic::Status> {
    authenticate(
        app,
        pb::authenticate_request::Credential::ProvisioningToken(bearer.to_owned()),
    )
    .await
}

async fn token_of(app: &TestApp, bearer: &str) -> String {
    exchange(app, bearer).await.expect("exchange").token
}

/// The emails of the users a token lists.
async fn emails(app: &TestApp, token: &str) -> Vec<String> {
    app.users(token)
        .list_users(pb::ListUsersRequest {
            page_size: 100,
            ..Default::default()
        })
        .await
        .expect("list users")
        .into_inner()
        .users
        .into_iter()
        .map(|u| u.email)
        .collect()
}

#[tokio::test]
async fn the_owner_issues_a_provisioning_token_that_provisions_users_and_groups() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;

    let r = app
        .provisioning_tokens(&t.owner_token)
        .create_provisioning_token(pb::CreateProvisioningTokenRequest {
            name: "  Okta  ".into(),
            ..Default::default()
        })
        .await
        .expect("the owner makes a provisioning token")
        .into_inner();
    let made = r.token.expect("the token");
    assert_eq!(made.name, "Okta", "trimmed");
    assert!(made.create_time.is_some() && made.last_used_time.is_none());
    let id = uuid::Uuid::try_parse(&made.id).expect("a UUID id");
    assert!(
        r.secret.starts_with(&format!("rst_scim_{}_", id.simple())),
        "the bearer text carries the id: {}",
        r.secret
    );
    assert!(r.secret.len() >= "rst_scim_".len() + 32 + 1 + 43);
    assert_eq!(
        listed(&app, &t).await,
        std::slice::from_ref(&made),
        "the secret is shown only once"
    );

    // Exchanged: a tenant-wide token with the user and group scopes only.
    let a = exchange(&app, &r.secret).await.expect("exchange");
    assert_eq!(a.tenant_id, t.id);
    assert_eq!(a.tenant_login, "acme");
    assert!(a.user_id.is_empty() && a.login.is_empty() && !a.owner);
    let mut granted = a.scopes.clone();
    granted.sort();
    assert_eq!(
        granted,
        [
            scopes::GROUPS_READ,
            scopes::GROUPS_WRITE,
            scopes::USERS_READ,
            scopes::USERS_WRITE
        ]
    );
    let introspected = app
        .auth(Some(&a.token))
        .introspect_token(pb::IntrospectTokenRequest {})
        .await
        .expect("introspect")
        .into_inner();
    assert_eq!(
        (
            introspected.principal.as_str(),
            introspected.credential.as_str(),
            introspected.credential_id.as_str()
        ),
        ("integration", "provisioning_token", made.id.as_str())
    );
    assert_eq!(introspected.tenant_id, t.id);

    // It lists, creates, reads, updates and deletes users, and manages groups.
    let mut users = app.users(&a.token);
    assert_eq!(
        emails(&app, &a.token).await,
        std::slice::from_ref(&t.admin.email)
    );
    let mut ann = user("ann@acme.test");
    ann.set_access_level(pb::AccessLevel::Admin);
    let ann = users
        .create_user(create(ann))
        .await
        .expect("a provisioning token creates a user")
        .into_inner();
    let got = users
        .get_user(get_by(pb::user_key::Key::Email("ann@acme.test".into())))
        .await
        .expect("get")
        .into_inner();
    assert_eq!(got.id, ann.id);
    assert_eq!(got.access_level(), pb::AccessLevel::Admin);
    let updated = users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: ann.id.clone(),
                first_name: Some("Ann".into()),
                ..Default::default()
            }),
            update_mask: mask(&["first_name"]),
            password: Some("A-long-passw0rd".into()),
            ..Default::default()
        })
        .await
        .expect("update")
        .into_inner();
    assert_eq!(updated.first_name.as_deref(), Some("Ann"));
    let groups = app.groups(&a.token);
    let g = group(&groups, "//Engineering", None).await;
    let all = groups
        .clone()
        .list_groups(pb::ListGroupsRequest::default())
        .await
        .expect("list groups")
        .into_inner()
        .groups;
    assert!(all.iter().any(|x| x.id == g.id), "{all:?}");
    users
        .delete_user(pb::DeleteUserRequest {
            id: ann.id.clone(),
            etag: updated.etag,
            ..Default::default()
        })
        .await
        .expect("delete");

    // The owner is the owner's: not written, not deleted.
    let owner_write = users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: t.admin.id.clone(),
                first_name: Some("Mallory".into()),
                ..Default::default()
            }),
            update_mask: mask(&["first_name"]),
            password: None,
            ..Default::default()
        })
        .await;
    assert_eq!(
        reason(&expect_code(owner_write, Code::PermissionDenied)),
        "PERMISSION_DENIED"
    );
    let owner_delete = users
        .delete_user(pb::DeleteUserRequest {
            id: t.admin.id.clone(),
            etag: String::new(),
            ..Default::default()
        })
        .await;
    expect_code(owner_delete, Code::PermissionDenied);

    // Nothing beyond users and groups: folders, roles, the tenant, passwords.
    let folders = app
        .folders(&a.token)
        .list_folders(pb::ListFoldersRequest::default())
        .await;
    assert_eq!(
        reason(&expect_code(folders, Code::PermissionDenied)),
        "MISSING_SCOPE"
    );
    let roles = app
        .roster_roles(&a.token)
        .list_roles(pb::ListRolesRequest::default())
        .await;
    assert_eq!(
        reason(&expect_code(roles, Code::PermissionDenied)),
        "MISSING_SCOPE"
    );
    let verify = users
        .verify_password(pb::VerifyPasswordRequest {
            key: key_id(&t.admin.id),
            password: "guess".into(),
        })
        .await;
    assert_eq!(
        reason(&expect_code(verify, Code::PermissionDenied)),
        "MISSING_SCOPE"
    );

    // Its use was recorded.
    let after = listed(&app, &t).await;
    let used = after[0]
        .last_used_time
        .as_ref()
        .expect("last_used_time set after use");
    let created = made.create_time.as_ref().expect("create_time");
    assert!(used.seconds >= created.seconds, "{used:?} {created:?}");
}

#[tokio::test]
async fn revoking_a_provisioning_token_ends_its_tokens_at_once() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (okta, okta_bearer) = issue(&app, &t, "Okta").await;
    let (_, entra_bearer) = issue(&app, &t, "Entra ID").await;
    let okta_token = token_of(&app, &okta_bearer).await;
    let entra_token = token_of(&app, &entra_bearer).await;
    assert_eq!(emails(&app, &okta_token).await.len(), 1);

    app.provisioning_tokens(&t.owner_token)
        .revoke_provisioning_token(pb::RevokeProvisioningTokenRequest {
            id: okta.clone(),
            ..Default::default()
        })
        .await
        .expect("revoke");

    // The token already exchanged is refused on its very next call, and introspection too.
    let r = app
        .users(&okta_token)
        .list_users(pb::ListUsersRequest::default())
        .await;
    assert_eq!(
        reason(&expect_code(r, Code::Unauthenticated)),
        "TOKEN_REVOKED"
    );
    let r = app
        .users(&okta_token)
        .create_user(create(user("late@acme.test")))
        .await;
    assert_eq!(
        reason(&expect_code(r, Code::Unauthenticated)),
        "TOKEN_REVOKED"
    );
    let r = app
        .auth(Some(&okta_token))
        .introspect_token(pb::IntrospectTokenRequest {})
        .await;
    assert_eq!(
        reason(&expect_code(r, Code::Unauthenticated)),
        "TOKEN_REVOKED"
    );
    // It is no longer exchanged.
    let r = exchange(&app, &okta_bearer).await;
    assert_eq!(
        reason(&expect_code(r, Code::Unauthenticated)),
        "INVALID_CREDENTIALS"
    );
    // Nothing was written by the refused call.
    assert_eq!(
        emails(&app, &t.token).await,
        std::slice::from_ref(&t.admin.email)
    );
    // Revoking it again: not found.
    let again = app
        .provisioning_tokens(&t.owner_token)
        .revoke_provisioning_token(pb::RevokeProvisioningTokenRequest {
            id: okta.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(
        reason(&expect_code(again, Code::NotFound)),
        "PROVISIONING_TOKEN_NOT_FOUND"
    );
    // The other identity provider's token goes on working.
    assert_eq!(emails(&app, &entra_token).await.len(), 1);
    let names: Vec<String> = listed(&app, &t).await.into_iter().map(|x| x.name).collect();
    assert_eq!(names, ["Entra ID"]);

    // A deleted tenant takes its tokens with it.
    app.tenants(&app.admin_token())
        .delete_tenant(pb::DeleteTenantRequest {
            id: t.id.clone(),
            ..Default::default()
        })
        .await
        .expect("delete the tenant");
    let r = app
        .users(&entra_token)
        .list_users(pb::ListUsersRequest::default())
        .await;
    expect_code(r, Code::Unauthenticated);
    let r = exchange(&app, &entra_bearer).await;
    assert_eq!(
        reason(&expect_code(r, Code::Unauthenticated)),
        "INVALID_CREDENTIALS"
    );
}

#[tokio::test]
async fn wrong_unknown_and_malformed_provisioning_tokens_are_refused_alike() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (id, bearer) = issue(&app, &t, "Okta").await;
    let hex = uuid::Uuid::try_parse(&id).unwrap().simple().to_string();
    let secret = bearer
        .strip_prefix(&format!("rst_scim_{hex}_"))
        .expect("the documented shape")
        .to_owned();
    let mut flipped = secret.clone().into_bytes();
    flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    let unknown = uuid::Uuid::now_v7().simple().to_string();
    let (_, other_bearer) = issue(&app, &t, "Other").await;
    // The secret itself may hold `_`: it is everything after the id.
    let other_secret = other_bearer["rst_scim_".len() + 32 + 1..].to_owned();

    for (what, text) in [
        (
            "a wrong secret with a real id",
            format!("rst_scim_{hex}_{flipped}"),
        ),
        (
            "another token's secret with this id",
            format!("rst_scim_{hex}_{other_secret}"),
        ),
        ("an unknown id", format!("rst_scim_{unknown}_{secret}")),
        ("no secret", format!("rst_scim_{hex}_")),
        ("the secret alone", secret.clone()),
        ("the hyphenated id", format!("rst_scim_{id}_{secret}")),
        ("another prefix", format!("rst_xxxx_{hex}_{secret}")),
        ("with the scheme", format!("Bearer {bearer}")),
        ("a truncated secret", bearer[..bearer.len() - 1].to_owned()),
        ("nothing", String::new()),
    ] {
        let s = expect_code(exchange(&app, &text).await, Code::Unauthenticated);
        assert_eq!(reason(&s), "INVALID_CREDENTIALS", "{what}: {s:?}");
        assert_eq!(
            s.message(),
            "invalid credentials",
            "{what}: no hint which part"
        );
    }
    // Refusals record no use; the right text still works.
    assert!(
        listed(&app, &t)
            .await
            .iter()
            .all(|x| x.last_used_time.is_none())
    );
    token_of(&app, &bearer).await;
}

#[tokio::test]
async fn a_provisioning_token_never_sees_another_tenant() {
    let app = TestApp::spawn().await;
    let a = app.tenant("acme").await;
    let b = app.tenant("globex").await;
    let ann = make_user(&app, &a, "ann@acme.test", pb::AccessLevel::User).await;
    let (a_id, _) = issue(&app, &a, "Okta").await;
    let (_, b_bearer) = issue(&app, &b, "Okta").await;
    let b_token = token_of(&app, &b_bearer).await;

    assert_eq!(
        emails(&app, &b_token).await,
        std::slice::from_ref(&b.admin.email)
    );
    let mut users = app.users(&b_token);
    for key in [
        pb::user_key::Key::Id(ann.id.clone()),
        pb::user_key::Key::Email("ann@acme.test".into()),
    ] {
        let r = users.get_user(get_by(key)).await;
        expect_code(r, Code::NotFound);
    }
    let r = users
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: ann.id.clone(),
                first_name: Some("Mallory".into()),
                ..Default::default()
            }),
            update_mask: mask(&["first_name"]),
            password: None,
            ..Default::default()
        })
        .await;
    expect_code(r, Code::NotFound);
    let r = users
        .delete_user(pb::DeleteUserRequest {
            id: ann.id.clone(),
            etag: String::new(),
            ..Default::default()
        })
        .await;
    expect_code(r, Code::NotFound);
    // A user created with it lands in its own tenant.
    users
        .create_user(create(user("ann@acme.test")))
        .await
        .expect("the same email in the other tenant");
    assert_eq!(emails(&app, &a.token).await.len(), 2, "acme unchanged");
    let still = app
        .users(&a.token)
        .get_user(get_by(pb::user_key::Key::Id(ann.id.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(still, ann);

    // Tenant B's owner neither sees nor revokes tenant A's tokens.
    let b_list = listed(&app, &b).await;
    assert!(b_list.iter().all(|x| x.id != a_id), "{b_list:?}");
    let r = app
        .provisioning_tokens(&b.owner_token)
        .revoke_provisioning_token(pb::RevokeProvisioningTokenRequest {
            id: a_id.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(
        reason(&expect_code(r, Code::NotFound)),
        "PROVISIONING_TOKEN_NOT_FOUND"
    );
    assert_eq!(listed(&app, &a).await.len(), 1, "A's token is still there");
}

#[tokio::test]
async fn only_the_owner_creates_lists_or_revokes_provisioning_tokens() {
    use pb::authenticate_request::Credential as C;
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (existing, bearer) = issue(&app, &t, "Okta").await;
    let admin = make_user(&app, &t, "admin@acme.test", pb::AccessLevel::SuperAdmin).await;
    let owner_key = issue_key(&app, &t, &t.admin.email).await;

    let member = app.user_token(&t.id, &admin.id, scopes::TENANT_ADMIN, 0);
    let integration = authenticate(
        &app,
        C::IntegrationKey(pb::IntegrationKeyCredential {
            company_id: t.company_id,
            integration_key: t.integration_key.clone(),
        }),
    )
    .await
    .expect("integration key")
    .token;
    let secret_key = authenticate(
        &app,
        C::SecretKey(pb::SecretKeyCredential {
            email: t.admin.email.clone(),
            secret_key: owner_key,
        }),
    )
    .await
    .expect("the owner's secret key")
    .token;
    let organization = authenticate(
        &app,
        C::Organization(pb::OrganizationCredential {
            user_secret: t.admin_secret.clone(),
            organization_secret: t.organization_secret.clone(),
        }),
    )
    .await
    .expect("the owner's organization secret")
    .token;
    let provisioning = token_of(&app, &bearer).await;
    let before = listed(&app, &t).await;

    for (who, token) in [
        ("an administrator (SSH key)", &member),
        ("a service account", &t.token),
        ("the integration key", &integration),
        ("the owner's secret key", &secret_key),
        ("the owner's organization secret", &organization),
        ("a provisioning token", &provisioning),
    ] {
        let mut c = app.provisioning_tokens(token);
        let r = c
            .create_provisioning_token(pb::CreateProvisioningTokenRequest {
                name: "sneaky".into(),
                ..Default::default()
            })
            .await;
        expect_code(r, Code::PermissionDenied);
        let r = c
            .list_provisioning_tokens(pb::ListProvisioningTokensRequest {})
            .await;
        expect_code(r, Code::PermissionDenied);
        let r = c
            .revoke_provisioning_token(pb::RevokeProvisioningTokenRequest {
                id: existing.clone(),
                ..Default::default()
            })
            .await;
        let s = expect_code(r, Code::PermissionDenied);
        assert!(
            ["MISSING_SCOPE", "PERMISSION_DENIED"].contains(&reason(&s).as_str()),
            "{who}: {s:?}"
        );
        // A bad request tells the caller nothing either: it is refused first.
        let r = c
            .create_provisioning_token(pb::CreateProvisioningTokenRequest {
                name: String::new(),
                ..Default::default()
            })
            .await;
        expect_code(r, Code::PermissionDenied);
    }

    // Nothing changed: the same one token, still exchanged and still working.
    let after = listed(&app, &t).await;
    assert_eq!(
        after.iter().map(|x| (&x.id, &x.name)).collect::<Vec<_>>(),
        before.iter().map(|x| (&x.id, &x.name)).collect::<Vec<_>>()
    );
    assert_eq!(emails(&app, &provisioning).await.len(), 2);
    token_of(&app, &bearer).await;
}

#[tokio::test]
async fn a_provisioning_token_mints_no_credential() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    make_user(&app, &t, "ann@acme.test", pb::AccessLevel::User).await;
    let (_, bearer) = issue(&app, &t, "Okta").await;
    let token = token_of(&app, &bearer).await;

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
        let r = app.auth(Some(&token)).issue_token(req).await;
        expect_code(r, Code::PermissionDenied);
    }
    for email in [t.admin.email.as_str(), "ann@acme.test"] {
        let r = app
            .secret_keys(&token)
            .issue_secret_key(pb::IssueSecretKeyRequest {
                user: key_email(email),
                ..Default::default()
            })
            .await;
        expect_code(r, Code::PermissionDenied);
    }
    let r = app
        .provisioning_tokens(&token)
        .create_provisioning_token(pb::CreateProvisioningTokenRequest {
            name: "more".into(),
            ..Default::default()
        })
        .await;
    expect_code(r, Code::PermissionDenied);
    let r = app
        .roster_keys(&token)
        .list_keys(pb::ListKeysRequest {
            owner: Some(pb::KeyOwner {
                owner: Some(pb::key_owner::Owner::Account(true)),
            }),
        })
        .await;
    expect_code(r, Code::PermissionDenied);

    // Nothing was made: one token, and nobody holds a secret key.
    assert_eq!(listed(&app, &t).await.len(), 1);
    for email in [t.admin.email.as_str(), "ann@acme.test"] {
        let r = app
            .secret_keys(&t.owner_token)
            .revoke_secret_key(pb::RevokeSecretKeyRequest {
                user: key_email(email),
                ..Default::default()
            })
            .await;
        assert_eq!(
            reason(&expect_code(r, Code::NotFound)),
            "SECRET_KEY_NOT_FOUND"
        );
    }
}

#[tokio::test]
async fn bad_names_and_ids_are_invalid_arguments() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut c = app.provisioning_tokens(&t.owner_token);
    for name in [
        String::new(),
        "   ".into(),
        "x".repeat(101),
        "a\u{7}b".into(),
    ] {
        let r = c
            .create_provisioning_token(pb::CreateProvisioningTokenRequest {
                name: name.clone(),
                ..Default::default()
            })
            .await;
        let s = expect_code(r, Code::InvalidArgument);
        assert_eq!(violated_fields(&s), ["name"], "{name:?}");
    }
    c.create_provisioning_token(pb::CreateProvisioningTokenRequest {
        name: "é".repeat(100),
        ..Default::default()
    })
    .await
    .expect("100 characters are allowed");
    for id in ["", "nope", "rst_scim_x"] {
        let r = c
            .revoke_provisioning_token(pb::RevokeProvisioningTokenRequest {
                id: id.into(),
                ..Default::default()
            })
            .await;
        let s = expect_code(r, Code::InvalidArgument);
        assert_eq!(violated_fields(&s), ["id"], "{id:?}");
    }
    let r = c
        .revoke_provisioning_token(pb::RevokeProvisioningTokenRequest {
            id: uuid::Uuid::now_v7().to_string(),
            ..Default::default()
        })
        .await;
    assert_eq!(
        reason(&expect_code(r, Code::NotFound)),
        "PROVISIONING_TOKEN_NOT_FOUND"
    );
    assert_eq!(
        listed(&app, &t).await.len(),
        1,
        "only the valid one was made"
    );
}
