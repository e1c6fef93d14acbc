//! Who may call `/scim/v2`: a live provisioning token of the tenant, and nobody else; what one
//! tenant's token can never see or change of another's.

use crate::support::scim::{Scim, USER, provisioning_token};
use crate::support::{TestApp, key_id};
use roster_proto::v1 as pb;
use serde_json::json;

#[tokio::test]
async fn no_token_a_wrong_token_and_another_scheme_are_401_in_scim_shape() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (_, good) = provisioning_token(&app, &t, "entra").await;
    let url = app.url("/scim/v2/Users");
    let a = crate::support::Answer::of(app.http.get(&url)).await;
    assert_eq!(Scim::error(&a, 401), "");
    for bad in [
        format!("{good}x"),
        "nonsense".to_owned(),
        // The same token with its last characters changed: a right id, a wrong secret.
        format!("{}AAAA", &good[..good.len() - 4]),
    ] {
        let a = Scim::with_token(&app, &bad).get("/Users").await;
        Scim::error(&a, 401);
    }
    let a = crate::support::Answer::of(app.http.get(&url).basic_auth("u", Some(&good))).await;
    Scim::error(&a, 401);
    // The credentials of the other dialects are no provisioning token either.
    for other in [&t.organization_secret, &t.integration_key, &t.owner_token] {
        Scim::error(&Scim::with_token(&app, other).get("/Users").await, 401);
    }
    assert_eq!(
        Scim::with_token(&app, &good).get("/Users").await.status,
        200
    );
}

#[tokio::test]
async fn a_revoked_token_stops_at_once_even_while_cached() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (id, token) = provisioning_token(&app, &t, "okta").await;
    let scim = Scim::with_token(&app, &token);
    assert_eq!(scim.get("/Users").await.status, 200);
    app.provisioning_tokens(&t.owner_token)
        .revoke_provisioning_token(pb::RevokeProvisioningTokenRequest {
            id,
            ..Default::default()
        })
        .await
        .expect("revoked");
    Scim::error(&scim.get("/Users").await, 401);
    let a = scim
        .post(
            "/Users",
            json!({ "schemas": [USER], "userName": "x@acme.test" }),
        )
        .await;
    Scim::error(&a, 401);
    // Nothing was created.
    let users = app
        .users(&t.token)
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner()
        .users;
    assert!(users.iter().all(|u| u.login != "x@acme.test"));
}

#[tokio::test]
async fn one_tenants_token_never_reads_or_changes_another_tenants_resources() {
    let app = TestApp::spawn().await;
    let a = app.tenant("acme").await;
    let b = app.tenant("bravo").await;
    let sa = Scim::of(&app, &a).await;
    let sb = Scim::of(&app, &b).await;
    let uid = sa.user("bjensen@acme.test", "Barbara", "Jensen").await;
    let gid = sa.group("Sales", &[&uid]).await;
    let before = app
        .users(&a.token)
        .get_user(pb::GetUserRequest { key: key_id(&uid) })
        .await
        .unwrap()
        .into_inner();
    let etag = sa
        .get(&format!("/Users/{uid}"))
        .await
        .header("etag")
        .to_owned();
    for path in [format!("/Users/{uid}"), format!("/Groups/{gid}")] {
        Scim::error(&sb.get(&path).await, 404);
        Scim::error(
            &sb.put(
                &path,
                json!({ "userName": "stolen@bravo.test", "displayName": "x" }),
            )
            .await,
            404,
        );
        Scim::error(
            &sb.patch(
                &path,
                json!([{ "op": "replace", "path": "displayName", "value": "x" }]),
            )
            .await,
            404,
        );
        Scim::error(&sb.delete(&path).await, 404);
    }
    // Filters, ids, versions and members naming A's records find nothing in B.
    for filter in [
        "userName eq \"bjensen@acme.test\"".to_owned(),
        format!("id eq \"{uid}\""),
        format!("groups.value eq \"{gid}\""),
        "emails co \"acme\"".to_owned(),
    ] {
        let r = sb.get_query("/Users", &[("filter", &filter)]).await;
        assert!(Scim::user_names(&r).is_empty(), "{filter}: {r:?}");
    }
    let r = sb
        .get_query("/Groups", &[("filter", "displayName eq \"Sales\"")])
        .await;
    assert!(Scim::resources(&r).is_empty());
    let r = sb
        .post(
            "/Groups",
            json!({ "displayName": "Mine", "members": [{ "value": uid }] }),
        )
        .await;
    Scim::error(&r, 400);
    let r = sb
        .patch(
            &format!("/Users/{uid}"),
            json!([{ "op": "replace", "path": "active", "value": false }]),
        )
        .await;
    Scim::error(&r, 404);
    // A cursor of A's query is no cursor in B.
    let page = sa
        .get_query("/Users", &[("cursor", ""), ("count", "1")])
        .await;
    let cursor = page.json()["nextCursor"].as_str().map(str::to_owned);
    if let Some(cursor) = cursor {
        let r = sb
            .get_query("/Users", &[("cursor", &cursor), ("count", "1")])
            .await;
        assert_eq!(Scim::error(&r, 400), "invalidCursor");
    }
    let after = app
        .users(&a.token)
        .get_user(pb::GetUserRequest { key: key_id(&uid) })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(before, after);
    assert_eq!(sa.get(&format!("/Users/{uid}")).await.header("etag"), etag);
    let g = sa.get(&format!("/Groups/{gid}")).await;
    assert_eq!(g.json()["members"][0]["value"], uid.as_str());
}
