//! Roles: list, grant (409 when held, 400 unknown, 403 sys-admin), revoke, and `roles` in
//! PATCH.

use super::Ce;
use roster_e2e::TestApp;
use serde_json::json;

fn keys(a: &serde_json::Value) -> Vec<String> {
    a.as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn roles_are_granted_once_revoked_and_replaced() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let id = ce.create("ann@acme.test", "Ann", "Lee").await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/users/{id}/roles");
    assert_eq!(keys(&ce.get(&path).await.body), ["org"]);
    let owner = ce.get(&format!("/users/{}/roles", t.admin.number)).await;
    assert_eq!(keys(&owner.body), ["org-admin", "org"]);

    let granted = ce.put(&format!("{path}/admin")).await;
    assert_eq!(granted.status, 200, "{granted:?}");
    assert_eq!(
        granted.body,
        json!({"id":15,"name":"Administrator","key":"admin","active":true,"description":"Cloud Elements Application Administrator.","features":[]})
    );
    assert!(
        ce.put(&format!("{path}/admin"))
            .await
            .error(409)
            .contains("already")
    );
    assert!(
        ce.put(&format!("{path}/foo"))
            .await
            .error(400)
            .contains("foo")
    );
    assert!(
        ce.put(&format!("{path}/sys-admin"))
            .await
            .error(403)
            .contains("sys-admin")
    );
    ce.put("/users/999999/roles/admin").await.error(404);
    assert_eq!(keys(&ce.get(&path).await.body), ["admin", "org"]);

    let revoked = ce.delete(&format!("{path}/org")).await;
    assert_eq!(revoked.status, 200);
    ce.delete(&format!("{path}/org")).await.error(404);
    assert_eq!(keys(&ce.get(&path).await.body), ["admin"]);

    let p = ce
        .patch(
            &format!("/users/{id}"),
            json!({"roles":[{"key":"org-admin"},{"key":"org"}]}),
        )
        .await;
    assert_eq!(keys(&p.body["roles"]), ["org-admin", "org"]);
    ce.patch(
        &format!("/users/{id}"),
        json!({"roles":[{"key":"sys-admin"}]}),
    )
    .await
    .error(403);
    assert_eq!(keys(&ce.get(&path).await.body), ["org-admin", "org"]);
}

#[tokio::test]
async fn concurrent_grants_never_lose_one_another() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let id = ce.create("ann@acme.test", "Ann", "Lee").await["id"]
        .as_i64()
        .unwrap();
    let (admin, org_admin) = (
        format!("/users/{id}/roles/admin"),
        format!("/users/{id}/roles/org-admin"),
    );
    let (a, b) = tokio::join!(ce.put(&admin), ce.put(&org_admin));
    assert_eq!((a.status, b.status), (200, 200), "{a:?} {b:?}");
    let held = keys(&ce.get(&format!("/users/{id}/roles")).await.body);
    assert_eq!(held, ["org-admin", "admin", "org"]);
}
