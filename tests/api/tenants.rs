//! TenantService: the installation administrator manages tenants.

use crate::support::{TestApp, create, expect_code, reason, user, violated_fields};
use roster_proto::v1 as pb;
use roster_proto::v1::get_tenant_request::Key;
use tonic::Code;

#[tokio::test]
async fn a_tenant_is_created_with_its_owner_and_credentials() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    assert!(t.company_id > 1000);
    assert_eq!(t.admin.login, "acme");
    assert_eq!(t.admin.email, "owner@acme.test");
    assert_eq!(t.admin.access_level(), pb::AccessLevel::Admin);
    assert_eq!(t.integration_key.len(), 43);
    assert_ne!(t.integration_key, t.organization_secret);
    let own = app
        .tenants(&t.token)
        .get_tenant(pb::GetTenantRequest { key: None })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(own.id, t.id);
    assert_eq!(own.owner_user_id, t.admin.id);
    let second = app.tenant("acme-two").await;
    assert_eq!(
        second.company_id,
        t.company_id + 1,
        "company ids are handed out in order"
    );
}

#[tokio::test]
async fn tenant_logins_are_unique_without_case_and_reserved_ones_refused() {
    let app = TestApp::spawn().await;
    app.tenant("acme").await;
    let mut tenants = app.tenants(&app.admin_token());
    let req = |login: &str, company_id: Option<i64>| pb::CreateTenantRequest {
        login: login.into(),
        admin_email: "a@b.test".into(),
        company_id,
        ..Default::default()
    };
    let st = expect_code(
        tenants.create_tenant(req("ACME", None)).await,
        Code::AlreadyExists,
    );
    assert_eq!(reason(&st), "TENANT_LOGIN_TAKEN");
    for bad in ["api", "my", "docs", "x", "1abc", "has space"] {
        let st = expect_code(
            tenants.create_tenant(req(bad, None)).await,
            Code::InvalidArgument,
        );
        assert_eq!(violated_fields(&st), ["login"], "{bad}");
    }
    tenants.create_tenant(req("fixed", Some(77))).await.unwrap();
    let st = expect_code(
        tenants.create_tenant(req("fixed2", Some(77))).await,
        Code::AlreadyExists,
    );
    assert_eq!(reason(&st), "COMPANY_ID_TAKEN");
    let st = expect_code(
        tenants
            .create_tenant(pb::CreateTenantRequest {
                login: "keys".into(),
                admin_email: "a@b.test".into(),
                owner_ssh_keys: vec!["ssh-rsa garbage".into()],
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&st), ["owner_ssh_keys[0]"]);
}

#[tokio::test]
async fn tenants_are_listed_read_and_deleted_with_everything_in_them() {
    let app = TestApp::spawn().await;
    let a = app.tenant("alpha").await;
    let b = app.tenant("beta").await;
    app.users(&b.token)
        .create_user(create(user("u@b.test")))
        .await
        .unwrap();
    let mut tenants = app.tenants(&app.admin_token());
    let mut logins = Vec::new();
    let mut token = String::new();
    loop {
        let r = tenants
            .list_tenants(pb::ListTenantsRequest {
                page_size: 1,
                page_token: token,
            })
            .await
            .unwrap()
            .into_inner();
        logins.extend(r.tenants.into_iter().map(|t| t.login));
        if r.next_page_token.is_empty() {
            break;
        }
        token = r.next_page_token;
    }
    assert_eq!(logins, ["alpha", "beta"]);
    let by_company = tenants
        .get_tenant(pb::GetTenantRequest {
            key: Some(Key::CompanyId(b.company_id)),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_company.login, "beta");
    // A tenant administrator reads only its own tenant.
    expect_code(
        app.tenants(&a.token)
            .get_tenant(pb::GetTenantRequest {
                key: Some(Key::Login("beta".into())),
            })
            .await,
        Code::PermissionDenied,
    );

    tenants
        .delete_tenant(pb::DeleteTenantRequest {
            id: b.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let st = expect_code(
        tenants
            .get_tenant(pb::GetTenantRequest {
                key: Some(Key::Id(b.id.clone())),
            })
            .await,
        Code::NotFound,
    );
    assert_eq!(reason(&st), "TENANT_NOT_FOUND");
    let left = app
        .users(&b.token)
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(left.users.is_empty(), "the tenant's users went with it");
    app.tenant("beta").await;
}
