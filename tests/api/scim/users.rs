//! Users over SCIM: create, read, replace, delete; what Roster keeps of each attribute; that
//! the same user reads the same through gRPC and the other dialects, both ways.

use crate::support::elements::Ce;
use crate::support::scim::{ENTERPRISE, Scim, USER};
use crate::support::{TestApp, create, key_id, user};
use roster_proto::v1 as pb;
use serde_json::{Value, json};

fn barbara() -> Value {
    json!({
        "schemas": [USER, ENTERPRISE],
        "externalId": "ext-bj",
        "userName": "bjensen@example.com",
        "name": {
            "formatted": "Ms. Barbara J Jensen III",
            "familyName": "Jensen",
            "givenName": "Barbara",
            "middleName": "Jane",
            "honorificPrefix": "Ms.",
            "honorificSuffix": "III",
        },
        "displayName": "Babs Jensen",
        "nickName": "Babs",
        "profileUrl": "https://login.example.com/bjensen",
        "title": "Tour Guide",
        "userType": "Employee",
        "preferredLanguage": "en-US",
        "locale": "en-US",
        "timezone": "America/Los_Angeles",
        "active": true,
        "password": "t1meMa$heen",
        "emails": [
            { "value": "bjensen@example.com", "type": "work", "primary": true },
            { "value": "babs@jensen.org", "type": "home" },
        ],
        "phoneNumbers": [{ "value": "555-555-8377", "type": "work" }],
        "addresses": [{
            "type": "work",
            "streetAddress": "100 Universal City Plaza",
            "locality": "Hollywood",
            "region": "CA",
            "postalCode": "91608",
            "country": "US",
            "primary": true,
        }],
        "ims": [{ "value": "someaimhandle", "type": "aim" }],
        "roles": [{ "value": "guide" }],
        ENTERPRISE: {
            "employeeNumber": "701984",
            "costCenter": "4130",
            "organization": "Universal Studios",
            "division": "Theme Park",
            "department": "Tour Operations",
            "manager": { "value": "26118915-6090-4610-87e4-49d8ca9f808d" },
        },
    })
}

#[tokio::test]
async fn a_user_is_created_read_back_whole_and_its_password_never_shown() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let a = scim.post("/Users", barbara()).await;
    assert_eq!(a.status, 201, "{a:?}");
    assert_eq!(a.header("content-type"), "application/scim+json");
    let u = a.json().clone();
    let id = u["id"].as_str().unwrap();
    assert_eq!(
        a.header("location"),
        u["meta"]["location"].as_str().unwrap()
    );
    assert!(
        a.header("location")
            .ends_with(&format!("/scim/v2/Users/{id}"))
    );
    assert_eq!(a.header("etag"), u["meta"]["version"].as_str().unwrap());
    assert_eq!(u["meta"]["resourceType"], "User");
    assert!(u.get("password").is_none());
    // Everything sent comes back as it was sent, columns and custom attributes alike.
    let sent = barbara();
    for key in [
        "externalId",
        "userName",
        "name",
        "displayName",
        "nickName",
        "profileUrl",
        "title",
        "userType",
        "preferredLanguage",
        "locale",
        "timezone",
        "active",
        "emails",
        "phoneNumbers",
        "addresses",
        "ims",
        "roles",
    ] {
        let want = if key == "phoneNumbers" {
            json!([{ "value": "555-555-8377", "type": "work" }])
        } else {
            sent[key].clone()
        };
        assert_eq!(u[key], want, "{key}");
    }
    let ext = &u[ENTERPRISE];
    assert_eq!(ext["department"], "Tour Operations");
    assert_eq!(ext["organization"], "Universal Studios");
    assert_eq!(
        ext["manager"]["value"],
        "26118915-6090-4610-87e4-49d8ca9f808d"
    );
    assert_eq!(u["schemas"], json!([USER, ENTERPRISE]));
    let again = scim.get(&format!("/Users/{id}")).await;
    assert_eq!(again.json(), &u);
    // The password was set: it verifies over gRPC.
    let v = app
        .users(&t.token)
        .verify_password(pb::VerifyPasswordRequest {
            key: key_id(id),
            password: "t1meMa$heen".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(v.valid);
}

#[tokio::test]
async fn the_same_user_reads_the_same_over_grpc_and_the_other_dialects_both_ways() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("acme").await;
    let scim = Scim::of(&app, &tenant).await;
    let id = scim.create_user(barbara()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let stored = app
        .users(&tenant.token)
        .get_user(pb::GetUserRequest { key: key_id(&id) })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.login, "bjensen@example.com");
    assert_eq!(stored.email, "bjensen@example.com");
    assert_eq!(stored.first_name.as_deref(), Some("Barbara"));
    assert_eq!(stored.last_name.as_deref(), Some("Jensen"));
    assert_eq!(stored.job_title.as_deref(), Some("Tour Guide"));
    assert_eq!(stored.city.as_deref(), Some("Hollywood"));
    assert_eq!(stored.phone.as_deref(), Some("555-555-8377"));
    assert_eq!(stored.company_name.as_deref(), Some("Universal Studios"));
    assert_eq!(stored.external_id.as_deref(), Some("ext-bj"));
    assert_eq!(stored.status, pb::UserStatus::Active as i32);
    let ce = Ce::owner(&app, &tenant);
    let read = ce.get(&format!("/users/{}", stored.number)).await;
    assert_eq!(read.status, 200, "{read:?}");
    assert_eq!(read.json()["email"], "bjensen@example.com");
    assert_eq!(read.json()["firstName"], "Barbara");

    // The other way: made over gRPC, changed over Cloud Elements, read over SCIM.
    let made = app
        .users(&tenant.token)
        .create_user(create(pb::User {
            first_name: Some("Kim".into()),
            last_name: Some("Lee".into()),
            ..user("kim@acme.test")
        }))
        .await
        .unwrap()
        .into_inner();
    let p = ce
        .patch(
            &format!("/users/{}", made.number),
            json!({ "lastName": "Park" }),
        )
        .await;
    assert_eq!(p.status, 200, "{p:?}");
    let s = scim.get(&format!("/Users/{}", made.id)).await;
    assert_eq!(s.status, 200, "{s:?}");
    let u = s.json();
    assert_eq!(u["userName"], made.login.as_str());
    assert_eq!(
        u["name"],
        json!({ "givenName": "Kim", "familyName": "Park" })
    );
    assert_eq!(
        u["emails"],
        json!([{ "value": "kim@acme.test", "primary": true }])
    );
    assert_eq!(u["active"], true);
}

#[tokio::test]
async fn user_names_are_unique_without_case_and_a_conflict_changes_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    scim.user("bjensen@example.com", "B", "J").await;
    let a = scim
        .post(
            "/Users",
            json!({ "schemas": [USER], "userName": "BJensen@Example.com" }),
        )
        .await;
    assert_eq!(Scim::error(&a, 409), "uniqueness");
    let list = scim.get("/Users").await;
    assert_eq!(
        list.json()["totalResults"],
        2,
        "the owner and Barbara: {list:?}"
    );
}

#[tokio::test]
async fn put_replaces_the_user_and_what_it_leaves_out_is_cleared() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let id = scim.create_user(barbara()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = scim
        .put(
            &format!("/Users/{id}"),
            json!({
                "schemas": [USER],
                "userName": "bjensen@example.com",
                "name": { "givenName": "Barbara", "familyName": "Smith" },
                "emails": [{ "value": "barbara@example.com", "primary": true }],
                "active": false,
            }),
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    let u = a.json();
    assert_eq!(
        u["name"],
        json!({ "givenName": "Barbara", "familyName": "Smith" })
    );
    assert_eq!(
        u["userName"], "bjensen@example.com",
        "the login does not follow the email"
    );
    assert_eq!(u["active"], false);
    for gone in [
        "nickName",
        "title",
        "phoneNumbers",
        "addresses",
        "ims",
        ENTERPRISE,
        "externalId",
    ] {
        assert!(u.get(gone).is_none(), "{gone}: {u}");
    }
    let g = app
        .users(&t.token)
        .get_user(pb::GetUserRequest { key: key_id(&id) })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(g.status, pb::UserStatus::Disabled as i32);
    assert!(
        g.metadata.keys().all(|k| !k.starts_with("scim:")),
        "{:?}",
        g.metadata
    );
    // A deactivated user is still read and listed.
    assert_eq!(scim.get(&format!("/Users/{id}")).await.status, 200);
}

#[tokio::test]
async fn delete_removes_the_user_and_a_second_delete_is_404() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let id = scim.user("gone@example.com", "G", "One").await;
    let a = scim.delete(&format!("/Users/{id}")).await;
    assert_eq!(a.status, 204, "{a:?}");
    Scim::error(&scim.get(&format!("/Users/{id}")).await, 404);
    Scim::error(&scim.delete(&format!("/Users/{id}")).await, 404);
    Scim::error(&scim.get("/Users/not-a-uuid").await, 404);
}

#[tokio::test]
async fn bad_values_are_400_invalid_value_and_nothing_is_written() {
    // (A user without any email is no bad value: see `a_user_without_an_email_has_none`.)
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    for body in [
        json!({ "schemas": [USER] }),
        json!({ "schemas": [USER], "userName": "a@b.test", "active": "maybe" }),
        json!({ "schemas": [USER], "userName": "a@b.test", "displayName": 7 }),
        json!({ "schemas": [USER], "userName": "a@b.test", "emails": [{ "value": "not an email" }] }),
        json!({ "schemas": [USER], "userName": "a@b.test", "password": "short" }),
        json!({ "schemas": [USER], "userName": "a@b.test", "emails": [
            { "value": "x@b.test", "primary": true }, { "value": "y@b.test", "primary": true }] }),
    ] {
        let a = scim.post("/Users", body.clone()).await;
        assert_eq!(Scim::error(&a, 400), "invalidValue", "{body}");
    }
    let list = scim.get("/Users").await;
    assert_eq!(list.json()["totalResults"], 1, "only the owner: {list:?}");
}

#[tokio::test]
async fn versions_make_writes_conditional() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let id = scim.user("v@example.com", "V", "One").await;
    let path = format!("/Users/{id}");
    let first = scim.get(&path).await;
    let v1 = first.header("etag").to_owned();
    assert!(v1.starts_with("W/\""), "{v1}");
    // If-None-Match with the current version: 304.
    let a = scim
        .send(app.http.get(scim.url(&path)).header("if-none-match", &v1))
        .await;
    assert_eq!(a.status, 304);
    let set = |title: &str| json!([{ "op": "replace", "path": "title", "value": title }]);
    let patch_at = |v: &str, title: &str| {
        let body = json!({ "schemas": [crate::support::scim::PATCH_OP], "Operations": set(title) });
        scim.send(
            app.http
                .patch(scim.url(&path))
                .header("if-match", v)
                .header("content-type", "application/scim+json")
                .body(body.to_string()),
        )
    };
    let a = patch_at(&v1, "First").await;
    assert_eq!(a.status, 200, "{a:?}");
    let v2 = a.header("etag").to_owned();
    assert_ne!(v1, v2);
    // The old version no longer matches: 412, and nothing changes.
    Scim::error(&patch_at(&v1, "Second").await, 412);
    let del = scim
        .send(app.http.delete(scim.url(&path)).header("if-match", &v1))
        .await;
    Scim::error(&del, 412);
    let now = scim.get(&path).await;
    assert_eq!(now.json()["title"], "First");
    assert_eq!(now.header("etag"), v2);
    // A no-op PATCH does not move the version or lastModified.
    let same = scim.patch(&path, set("First")).await;
    assert_eq!(same.header("etag"), v2);
    assert_eq!(
        same.json()["meta"]["lastModified"],
        now.json()["meta"]["lastModified"]
    );
    let del = scim
        .send(app.http.delete(scim.url(&path)).header("if-match", &v2))
        .await;
    assert_eq!(del.status, 204);
}

#[tokio::test]
async fn attributes_and_excluded_attributes_shape_the_answer() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let id = scim.create_user(barbara()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = scim
        .get_query(
            &format!("/Users/{id}"),
            &[("attributes", "userName,name.familyName")],
        )
        .await;
    assert_eq!(
        a.json(),
        &json!({ "schemas": [USER, ENTERPRISE], "id": id, "userName": "bjensen@example.com",
                 "name": { "familyName": "Jensen" } })
    );
    let a = scim
        .get_query("/Users", &[("excludedAttributes", "emails,meta,name")])
        .await;
    for u in Scim::resources(&a) {
        assert!(u.get("emails").is_none() && u.get("meta").is_none() && u.get("name").is_none());
        assert!(u.get("id").is_some() && u.get("userName").is_some());
    }
}

#[tokio::test]
async fn a_user_provisioned_over_scim_is_read_by_every_dialect() {
    use crate::support::cloudapi::Cloud;
    use crate::support::dialect::DialectClient;
    use crate::support::formsonfire::FofClient;
    use crate::support::surecloud::Sc;
    let cloud = Cloud::new().await;
    let (app, t) = (&cloud.app, &cloud.tenant);
    let scim = Scim::of(app, t).await;
    let id = scim.create_user(barbara()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let u = app
        .users(&t.token)
        .get_user(pb::GetUserRequest { key: key_id(&id) })
        .await
        .unwrap()
        .into_inner();
    let (ce, sc, fof) = (
        Ce::owner(app, t),
        Sc::owner(app, t).await,
        FofClient::new(app, t),
    );
    let dialects: [&dyn DialectClient; 4] = [&cloud, &ce, &sc, &fof];
    for d in dialects {
        let a = d.get_user(&u).await;
        assert_eq!(a.status, 200, "{}: {a:?}", d.name());
        let text = a.text();
        assert!(text.contains("bjensen@example.com"), "{}: {text}", d.name());
        assert!(text.contains("Jensen"), "{}: {text}", d.name());
    }
}

#[tokio::test]
async fn a_user_without_an_email_has_none_until_one_is_given() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let scim = Scim::of(&app, &t).await;
    let u = scim
        .create_user(json!({ "schemas": [USER], "userName": "bjensen" }))
        .await;
    assert!(u.get("emails").is_none(), "{u}");
    let id = u["id"].as_str().unwrap();
    // Roster's user has a stand-in under the reserved `.invalid` domain, unique per user.
    let g = app
        .users(&t.token)
        .get_user(pb::GetUserRequest { key: key_id(id) })
        .await
        .unwrap()
        .into_inner();
    assert!(g.email.ends_with("@no-email.invalid"), "{}", g.email);
    let other = scim
        .create_user(json!({ "schemas": [USER], "userName": "kjensen" }))
        .await;
    assert_eq!(other["userName"], "kjensen");
    let a = scim
        .patch(
            &format!("/Users/{id}"),
            json!([{ "op": "add", "path": "emails", "value": [{ "value": "bj@acme.test" }] }]),
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.json()["emails"], json!([{ "value": "bj@acme.test" }]));
    let a = scim
        .get_query("/Users", &[("filter", "emails co \"invalid\"")])
        .await;
    assert_eq!(Scim::user_names(&a), ["kjensen"]);
}
