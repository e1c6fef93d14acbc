//! One user, many dialects: what Forms On Fire writes, gRPC and CloudAPI read the same.

use crate::support::Answer;
use crate::support::cloudapi::{Signer, TestKey, signed};
use crate::support::formsonfire::{Fmt, M, list, t};
use crate::support::formsonfire::{Fof, FofClient};
use crate::support::records::folder;
use roster_proto::v1 as pb;

#[tokio::test]
async fn a_user_created_here_reads_the_same_over_grpc_and_through_cloudapi() {
    let app = crate::support::TestApp::spawn().await;
    let key = TestKey::ed25519(9);
    let tenant = app
        .tenant_with_keys("acme", &[key.public_line("owner")])
        .await;
    let c = crate::support::formsonfire::FofClient::new(&app, &tenant);
    let f = Fof { app, tenant, c };
    let folders = f.app.folders(&f.tenant.token);
    let reports = folder(&folders, "Reports", Some("F-1")).await;
    let made =
        f.c.post(
            Fmt::Xml,
            &[
                ("FirstName", t("Ann")),
                ("LastName", t("Lee")),
                ("Email", t("ann.lee@acme.test")),
                ("ExternalId", t("EMP-9")),
                ("Country", t("NO")),
                ("TimeZone", t("CET")),
                ("WebsiteRole", t("EnterpriseAdmin")),
                ("Type", t("Premium")),
                ("DoNotEmail", t("true")),
                ("Folders", list(&[&reports.id])),
                ("Metadata", M::Pairs(vec![("payroll".into(), "P-1".into())])),
            ],
        )
        .await;
    FofClient::ok(&made);
    let id = made.id("User.Id").unwrap();

    let u = f
        .users()
        .get_user(crate::support::get_by(pb::user_key::Key::Id(id.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(u.email, "ann.lee@acme.test");
    assert_eq!(u.login, "ann.lee@acme.test", "the login is the email");
    assert_eq!(
        (u.first_name.as_deref(), u.last_name.as_deref()),
        (Some("Ann"), Some("Lee"))
    );
    assert_eq!(u.external_id.as_deref(), Some("EMP-9"));
    assert_eq!(
        (u.country.as_deref(), u.time_zone.as_deref()),
        (Some("NO"), Some("CET"))
    );
    assert_eq!(u.access_level(), pb::AccessLevel::EnterpriseAdmin);
    assert_eq!(u.license_type(), pb::LicenseType::Premium);
    assert_eq!(u.status(), pb::UserStatus::Invited);
    assert!(u.do_not_email);
    assert_eq!(u.metadata.get("payroll").map(String::as_str), Some("P-1"));
    assert_eq!(u.folders.len(), 1);
    assert_eq!(
        (u.folders[0].id.as_str(), u.folders[0].name.as_str()),
        (reports.id.as_str(), "Reports")
    );

    let owner = Signer::account("acme", &key);
    let target = format!("/acme/users/{id}");
    let cloud = Answer::of(signed(
        &f.app.http,
        &f.app.http_url,
        &owner,
        reqwest::Method::GET,
        &target,
    ))
    .await;
    assert_eq!(cloud.status, 200, "{cloud:?}");
    assert_eq!(cloud.json()["id"], id.as_str());
    assert_eq!(cloud.json()["login"], "ann.lee@acme.test");
    assert_eq!(cloud.json()["email"], "ann.lee@acme.test");
    assert_eq!(cloud.json()["firstName"], "Ann");
    assert_eq!(cloud.json()["lastName"], "Lee");
    assert_eq!(cloud.json()["country"], "NO");

    // A change made elsewhere shows here.
    f.users()
        .update_user(pb::UpdateUserRequest {
            user: Some(pb::User {
                id: id.clone(),
                first_name: Some("Anna".into()),
                ..Default::default()
            }),
            update_mask: crate::support::mask(&["first_name"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap();
    let read = f.c.read(Fmt::Json, &id).await;
    assert_eq!(read.get("User.FirstName").as_deref(), Some("Anna"));
    assert_eq!(read.list("User.Folders").len(), 1);
}

#[tokio::test]
async fn an_email_change_moves_a_login_that_was_the_email() {
    let f = Fof::new().await;
    let id = f.c.create(Fmt::Json, "Move", "Me", "old@acme.test").await;
    FofClient::ok(
        &f.c.put(Fmt::Json, &[("Id", t(&id)), ("Email", t("new@acme.test"))])
            .await,
    );
    // The old address is free again: a new user may take it.
    f.c.create(Fmt::Xml, "Other", "One", "old@acme.test").await;
    let u = f
        .users()
        .get_user(crate::support::get_by(pb::user_key::Key::Id(id)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (u.email.as_str(), u.login.as_str()),
        ("new@acme.test", "new@acme.test")
    );
}
