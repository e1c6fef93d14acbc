//! Roles: list, grant (409 when held, 400 unknown, 403 sys-admin), revoke, and `roles` in
//! PATCH.

use crate::support::TestApp;
use crate::support::elements::Ce;
use serde_json::json;

#[tokio::test]
async fn roles_are_granted_once_revoked_and_replaced() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let id = ce.create_id("ann@acme.test", "Ann", "Lee").await;
    let path = format!("/users/{id}/roles");
    assert_eq!(Ce::role_keys(ce.get(&path).await.json()), ["org"]);
    let owner = ce.get(&format!("/users/{}/roles", t.admin.number)).await;
    assert_eq!(Ce::role_keys(owner.json()), ["org-admin", "org"]);

    let granted = ce.put(&format!("{path}/admin")).await;
    assert_eq!(granted.status, 200, "{granted:?}");
    assert_eq!(
        *granted.json(),
        json!({"id":15,"name":"Administrator","key":"admin","active":true,"description":"Cloud Elements Application Administrator.","features":[]})
    );
    assert!(Ce::error(&ce.put(&format!("{path}/admin")).await, 409).contains("already"));
    assert!(Ce::error(&ce.put(&format!("{path}/foo")).await, 400).contains("foo"));
    assert!(Ce::error(&ce.put(&format!("{path}/sys-admin")).await, 403).contains("sys-admin"));
    Ce::error(&ce.put("/users/999999/roles/admin").await, 404);
    assert_eq!(Ce::role_keys(ce.get(&path).await.json()), ["admin", "org"]);

    let revoked = ce.delete(&format!("{path}/org")).await;
    assert_eq!(revoked.status, 200);
    Ce::error(&ce.delete(&format!("{path}/org")).await, 404);
    assert_eq!(Ce::role_keys(ce.get(&path).await.json()), ["admin"]);

    let p = ce
        .patch(
            &format!("/users/{id}"),
            json!({"roles":[{"key":"org-admin"},{"key":"org"}]}),
        )
        .await;
    assert_eq!(Ce::role_keys(&p.json()["roles"]), ["org-admin", "org"]);
    Ce::error(
        &ce.patch(
            &format!("/users/{id}"),
            json!({"roles":[{"key":"sys-admin"}]}),
        )
        .await,
        403,
    );
    assert_eq!(
        Ce::role_keys(ce.get(&path).await.json()),
        ["org-admin", "org"]
    );
}

#[tokio::test]
async fn concurrent_grants_never_lose_one_another() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let id = ce.create_id("ann@acme.test", "Ann", "Lee").await;
    let (admin, org_admin) = (
        format!("/users/{id}/roles/admin"),
        format!("/users/{id}/roles/org-admin"),
    );
    let (a, b) = tokio::join!(ce.put(&admin), ce.put(&org_admin));
    assert_eq!((a.status, b.status), (200, 200), "{a:?} {b:?}");
    let held = Ce::role_keys(ce.get(&format!("/users/{id}/roles")).await.json());
    assert_eq!(held, ["org-admin", "admin", "org"]);
}
