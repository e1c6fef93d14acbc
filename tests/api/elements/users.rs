//! Users: create (both forms), read with and without the password, PATCH, deactivate,
//! delete, and the guess limit on `Elements-User-Password`.

use crate::support::elements::Ce;
use crate::support::{TestApp, get_by};
use roster_proto::v1 as pb;
use roster_proto::v1::authenticate_request::Credential;
use roster_proto::v1::user_key::Key;
use serde_json::json;

#[tokio::test]
async fn a_created_user_has_its_secret_and_org_role_and_reads_back_as_the_vendor_shows() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let made = ce
        .post(
            "/users",
            json!({"email":"sharda@acme.test","firstName":"Sharda","lastName":"Sisson","password":"Passw0rd-1","roles":[{"key":"admin"}],"city":"Oslo"}),
        )
        .await;
    assert_eq!(made.status, 200, "{made:?}");
    let u = &made.json();
    let id = u["id"].as_i64().unwrap();
    let secret = u["secret"].as_str().unwrap().to_owned();
    assert!(!secret.is_empty());
    let keys: Vec<&str> = u["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["admin", "org"]);
    assert_eq!(u["fullName"], "Sharda Sisson");
    assert_eq!(
        u["lastLoginDate"], u["createdDate"],
        "never signed in: the day it was created"
    );
    assert_eq!(u["active"], true);
    assert_eq!(u["city"], "Oslo");
    assert!(u.get("password").is_none(), "never the password");
    let today = &u["createdDate"].as_str().unwrap();
    assert_eq!(today.len(), 10);

    let org = ce
        .post(
            "/organizations/users",
            json!({"email":"org@acme.test","firstName":"Or","lastName":"G"}),
        )
        .await;
    assert_eq!(org.status, 200, "{org:?}");

    // By id and by email; the secret only with the right password.
    let plain = ce.get(&format!("/users/{id}")).await;
    assert_eq!(plain.status, 200);
    assert!(plain.json().get("secret").is_none());
    assert_eq!(plain.json()["roles"], u["roles"], "roles in every answer");
    let by_email = ce.get("/users/sharda@acme.test").await;
    assert_eq!(by_email.json()["id"], id);
    let right = ce
        .send(
            app.http
                .get(app.url(&format!("/elements/api-v2/users/{id}")))
                .header("Elements-User-Password", "Passw0rd-1"),
        )
        .await;
    assert_eq!(right.json()["secret"].as_str(), Some(secret.as_str()));
    let wrong = ce
        .send(
            app.http
                .get(app.url(&format!("/elements/api-v2/organizations/users/{id}")))
                .header("elements-user-password", "wrong-one"),
        )
        .await;
    assert_eq!(wrong.status, 200);
    assert!(wrong.json().get("secret").is_none());

    // Lists show the placeholder and never a secret.
    let list = ce.get("/users").await;
    for u in list.json().as_array().unwrap() {
        assert_eq!(u["password"], "secured");
        assert!(u.get("secret").is_none());
    }

    for (body, status, says) in [
        (
            json!({"email":"sharda@ACME.test","firstName":"X","lastName":"Y"}),
            409,
            "already exists",
        ),
        (
            json!({"email":"x@acme.test","lastName":"Y"}),
            400,
            "firstName is required",
        ),
        (
            json!({"email":"x@acme.test","firstName":"X","lastName":"Y","roles":[{"key":"sys-admin"}]}),
            403,
            "sys-admin",
        ),
        (
            json!({"email":"x@acme.test","firstName":"X","lastName":"Y","roles":[{"key":"foo"}]}),
            400,
            "No role with key 'foo'",
        ),
        (
            json!({"email":"x@acme.test","firstName":"X","lastName":"Y","password":"short"}),
            400,
            "password",
        ),
        (
            json!({"email":"not-an-email","firstName":"X","lastName":"Y"}),
            400,
            "email",
        ),
        (
            json!({"email":"x@acme.test","firstName":5,"lastName":"Y"}),
            400,
            "Invalid JSON",
        ),
    ] {
        let a = ce.post("/users", body.clone()).await;
        assert!(Ce::error(&a, status).contains(says), "{body}: {a:?}");
    }
    assert_eq!(
        Ce::error(&ce.get("/users/-1").await, 404),
        "No user found with ID or email -1"
    );
    assert!(!Ce::error(&ce.get("/users/999999").await, 404).is_empty());
}

#[tokio::test]
async fn patch_writes_what_is_sent_never_echoes_the_password_and_deactivates() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let u = ce.create("ann@acme.test", "Ann", "Lee").await;
    let id = u["id"].as_i64().unwrap();
    let p = ce
        .patch(
            &format!("/users/{id}"),
            json!({"firstName":"Anna","email":"anna@acme.test","password":"New-Passw0rd","roles":[{"key":"admin"}]}),
        )
        .await;
    assert_eq!(p.status, 200, "{p:?}");
    assert_eq!(p.json()["fullName"], "Anna Lee");
    assert_eq!(p.json()["email"], "anna@acme.test");
    assert_eq!(p.json()["password"], "secured", "changed, but never echoed");
    assert!(!p.json().to_string().contains("New-Passw0rd"));
    assert_eq!(p.json()["roles"][0]["key"], "admin");
    let patched_secret = p.json()["secret"].clone();
    assert!(
        patched_secret.is_string(),
        "the new password reveals the secret"
    );
    let secret = ce
        .send(
            app.http
                .get(app.url(&format!("/elements/api-v2/users/{id}")))
                .header("Elements-User-Password", "New-Passw0rd"),
        )
        .await;
    assert_eq!(
        secret.json()["secret"],
        patched_secret,
        "the new password works"
    );
    // Without a password a PATCH reveals nothing.
    let plain = ce
        .patch(&format!("/users/{id}"), json!({"lastName":"Lee"}))
        .await;
    assert!(plain.json().get("secret").is_none(), "{plain:?}");

    // A refused PATCH writes nothing.
    let bad = ce
        .patch(
            &format!("/users/{id}"),
            json!({"lastName":"Changed","password":"x"}),
        )
        .await;
    Ce::error(&bad, 400);
    assert_eq!(
        ce.get(&format!("/users/{id}")).await.json()["lastName"],
        "Lee"
    );
    let taken = ce.create("bob@acme.test", "Bob", "B").await;
    let clash = ce
        .patch(&format!("/users/{id}"), json!({"email":"BOB@acme.test"}))
        .await;
    Ce::error(&clash, 409);

    let off = ce
        .patch(&format!("/users/{id}"), json!({"active": false}))
        .await;
    assert_eq!(off.json()["active"], false);
    assert_eq!(off.json()["enabled"], false);
    // "If you think that you might need to access the user later, consider deactivating the
    // user instead": a deactivated user is still listed and read, `active` saying so, with or
    // without `includeInactive`; `where active = true` leaves it out.
    for query in [
        &[][..],
        &[("includeInactive", "true")],
        &[("includeInactive", "false")],
    ] {
        let all = ce.get_query("/users", query).await;
        let anna = all
            .json()
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == "anna@acme.test")
            .cloned();
        assert_eq!(
            anna.map(|u| u["active"].clone()),
            Some(json!(false)),
            "{query:?}"
        );
        let one = ce.get_query(&format!("/users/{id}"), query).await;
        assert_eq!(one.status, 200, "{query:?}: {one:?}");
        assert_eq!(one.json()["active"], false);
    }
    let active = ce.get_query("/users", &[("where", "active = true")]).await;
    assert!(!Ce::emails(&active).contains(&"anna@acme.test".to_owned()));
    let on = ce
        .patch(&format!("/users/{id}"), json!({"active": true}))
        .await;
    assert_eq!(on.json()["active"], true);

    let bob = taken["id"].as_i64().unwrap();
    let gone = ce.delete(&format!("/users/{bob}")).await;
    assert_eq!(
        (gone.status, gone.json().clone()),
        (200, serde_json::Value::Null)
    );
    Ce::error(&ce.get(&format!("/users/{bob}")).await, 404);
    Ce::error(&ce.delete(&format!("/users/{bob}")).await, 404);
    let me = t.admin.number;
    assert!(Ce::error(&ce.delete(&format!("/users/{me}")).await, 403).contains("yourself"));
    let off = ce
        .patch(
            &format!("/users/{me}"),
            json!({"active": false, "lastName": "Gone"}),
        )
        .await;
    assert!(Ce::error(&off, 403).contains("yourself"), "{off:?}");
    let still = ce.get(&format!("/users/{me}")).await;
    assert_eq!(still.json()["active"], true, "{still:?}");
    assert_ne!(still.json()["lastName"], "Gone", "nothing of it is written");
}

#[tokio::test]
async fn wrong_passwords_count_and_the_limit_answers_429() {
    let app = TestApp::spawn_with(|s| s.password_guesses_max = 2).await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let id = ce.create_id("ann@acme.test", "Ann", "Lee").await;
    let guess = |pw: &'static str| {
        ce.send(
            app.http
                .get(app.url(&format!("/elements/api-v2/users/{id}")))
                .header("Elements-User-Password", pw),
        )
    };
    for _ in 0..2 {
        let a = guess("wrong-1").await;
        assert_eq!(a.status, 200);
        assert!(a.json().get("secret").is_none());
    }
    let a = guess("Passw0rd-1").await;
    assert!(Ce::error(&a, 429).contains("Too many wrong passwords"));
    let retry: u64 = a.header("retry-after").parse().unwrap();
    assert!((1..=300).contains(&retry));
    // Reading without a password still works.
    assert_eq!(ce.get(&format!("/users/{id}")).await.status, 200);
}

#[tokio::test]
async fn signing_in_with_a_user_secret_sets_its_last_login_date() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let made = ce
        .post(
            "/users",
            json!({"email":"lin@acme.test","firstName":"Lin","lastName":"Ma","password":"Passw0rd-1","roles":[{"key":"org-admin"}]}),
        )
        .await;
    assert_eq!(made.status, 200, "{made:?}");
    let id = made.json()["id"].as_i64().unwrap();
    let today = made.json()["createdDate"].as_str().unwrap().to_owned();
    let before = ce.get(&format!("/users/{id}")).await;
    assert_eq!(before.json()["lastLoginDate"], today.as_str(), "{before:?}");
    let never = ce
        .get_query("/users", &[("where", "lastLoginDate IS NULL")])
        .await;
    assert_eq!(Ce::emails(&never), ["lin@acme.test"], "it never signed in");
    // The owner's own calls were sign-ins.
    let owner = ce.get(&format!("/users/{}", t.admin.email)).await;
    assert_eq!(owner.json()["lastLoginDate"], today.as_str(), "{owner:?}");

    let lin = Ce::with(
        &app,
        made.json()["secret"].as_str().unwrap(),
        &t.organization_secret,
    );
    let me = lin.get(&format!("/users/{id}")).await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.json()["lastLoginDate"], today.as_str(), "{me:?}");
    // Once a day at most: another sign-in the same day writes nothing.
    let signed_in = |u: &pb::User| u.last_activity_time;
    let read = || async {
        app.users(&t.token)
            .get_user(get_by(Key::Email("lin@acme.test".into())))
            .await
            .unwrap()
            .into_inner()
    };
    let before = signed_in(&read().await);
    assert!(before.is_some());
    app.auth(None)
        .authenticate(pb::AuthenticateRequest {
            credential: Some(Credential::Organization(pb::OrganizationCredential {
                user_secret: made.json()["secret"].as_str().unwrap().to_owned(),
                organization_secret: t.organization_secret.clone(),
            })),
        })
        .await
        .unwrap();
    assert_eq!(before, signed_in(&read().await));
}
