//! Create, read, update and delete.

use crate::support::formsonfire::{Fmt, M, t};
use crate::support::formsonfire::{Fof, FofClient};
use reqwest::Method;
use roster_proto::v1 as pb;

#[tokio::test]
async fn a_user_is_created_read_updated_and_deleted_in_json_and_xml() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let email = format!("ann.{}@acme.test", fmt.param());
        // Create: only Id and Status come back, and the user starts invited.
        let made =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("Ann")),
                    ("LastName", t("Lee")),
                    ("Email", t(&email)),
                ],
            )
            .await;
        FofClient::ok(&made);
        let id = made.id("User.Id").unwrap();
        assert_eq!(
            made.get("User.Status").as_deref(),
            Some("Invited"),
            "{fmt:?}"
        );
        assert_eq!(made.get("User.Email"), None, "{fmt:?}: only Id and Status");
        assert_eq!(made.get("User.FirstName"), None, "{fmt:?}");

        let read = f.c.read(fmt, &id).await;
        assert_eq!(read.get("User.Email"), Some(email.clone()));
        assert_eq!(read.get("User.FirstName").as_deref(), Some("Ann"));
        assert_eq!(
            read.get("User.CompanyId"),
            Some(f.tenant.company_id.to_string())
        );

        // Update: the members named change, the others stay.
        let put =
            f.c.put(fmt, &[("Id", t(&id)), ("FirstName", t("Anne"))])
                .await;
        FofClient::ok(&put);
        assert_eq!(
            put.get("User.FirstName").as_deref(),
            Some("Anne"),
            "{fmt:?}"
        );
        assert_eq!(put.get("User.LastName").as_deref(), Some("Lee"), "{fmt:?}");

        // Delete: 200 with only a ResponseStatus, then the user is gone.
        let del =
            f.c.query(Method::DELETE, fmt, "/user", &[("Id", &id)])
                .await;
        FofClient::ok(&del);
        assert_eq!(del.get("User.Id"), None, "{fmt:?}");
        assert!(del.node("ResponseStatus").is_some(), "{del:?}");
        FofClient::error(
            &f.c.query(Method::DELETE, fmt, "/user", &[("Id", &id)])
                .await,
            400,
            "NotFound",
        );
        FofClient::error(
            &f.c.get(fmt, "/user", &[("Id", &id)]).await,
            400,
            "NotFound",
        );
    }
}

#[tokio::test]
async fn a_user_is_found_by_id_with_or_without_dashes_or_by_email() {
    let f = Fof::new().await;
    let id = f.c.create(Fmt::Json, "Bo", "Ek", "Bo.Ek@acme.test").await;
    let simple = uuid::Uuid::try_parse(&id).unwrap().simple().to_string();
    for fmt in Fmt::ALL {
        for params in [
            vec![("Id", id.as_str())],
            vec![("Id", simple.as_str())],
            vec![("Email", "bo.ek@ACME.test")],
        ] {
            let a = f.c.get(fmt, "/user", &params).await;
            FofClient::ok(&a);
            assert_eq!(
                a.id("User.Id").as_deref(),
                Some(id.as_str()),
                "{fmt:?} {params:?}"
            );
        }
        let missing = FofClient::error(&f.c.get(fmt, "/user", &[]).await, 400, "NotEmpty");
        assert_eq!(missing, [("NotEmpty".to_owned(), "Id".to_owned())]);
        let bad = f.c.get(fmt, "/user", &[("Id", "not-a-guid")]).await;
        assert_eq!(FofClient::error(&bad, 400, "InvalidValue")[0].1, "Id");
        FofClient::error(
            &f.c.get(fmt, "/user", &[("Email", "nobody@acme.test")])
                .await,
            400,
            "NotFound",
        );
    }
}

#[tokio::test]
async fn post_requires_first_name_last_name_and_email() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let a =
            f.c.post(fmt, &[("FirstName", t(" ")), ("Country", t("NO"))])
                .await;
        let errors = FofClient::error(&a, 400, "NotEmpty");
        let fields: Vec<&str> = errors.iter().map(|(_, f)| f.as_str()).collect();
        assert_eq!(fields, ["FirstName", "LastName", "Email"], "{fmt:?}");
    }
    let mut users = f.users();
    let all = users
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(all.users.len(), 1, "only the owner: nothing was created");
}

#[tokio::test]
async fn a_duplicate_email_or_external_id_is_a_field_error() {
    let f = Fof::new().await;
    FofClient::ok(
        &f.c.post(
            Fmt::Json,
            &[
                ("FirstName", t("A")),
                ("LastName", t("B")),
                ("Email", t("dup@acme.test")),
                ("ExternalId", t("EMP-1")),
            ],
        )
        .await,
    );
    for fmt in Fmt::ALL {
        let email =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("C")),
                    ("LastName", t("D")),
                    ("Email", t("DUP@acme.test")),
                ],
            )
            .await;
        assert_eq!(
            FofClient::error(&email, 400, "DuplicateEmail"),
            [("DuplicateEmail".to_owned(), "Email".to_owned())],
            "{fmt:?}"
        );
        let ext =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("C")),
                    ("LastName", t("D")),
                    ("Email", t(format!("other.{}@acme.test", fmt.param()))),
                    ("ExternalId", t("EMP-1")),
                ],
            )
            .await;
        assert_eq!(
            FofClient::error(&ext, 400, "DuplicateExternalId"),
            [("DuplicateExternalId".to_owned(), "ExternalId".to_owned())],
            "{fmt:?}"
        );
        let long =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("C")),
                    ("LastName", t("D")),
                    ("Email", t(format!("long.{}@acme.test", fmt.param()))),
                    ("ExternalId", t("x".repeat(51))),
                ],
            )
            .await;
        assert_eq!(
            FofClient::error(&long, 400, "InvalidValue")[0].1,
            "ExternalId",
            "{fmt:?}"
        );
    }
    // Exactly 50 characters is fine.
    FofClient::ok(
        &f.c.post(
            Fmt::Xml,
            &[
                ("FirstName", t("E")),
                ("LastName", t("F")),
                ("Email", t("fifty@acme.test")),
                ("ExternalId", t("y".repeat(50))),
            ],
        )
        .await,
    );
}

#[tokio::test]
async fn put_changes_only_what_it_names_and_null_clears_even_the_website_role() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let email = format!("put.{}@acme.test", fmt.param());
        let made =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("Put")),
                    ("LastName", t("Me")),
                    ("Email", t(&email)),
                    ("ExternalId", t(format!("X-{}", fmt.param()))),
                    ("Country", t("NO")),
                    ("WebsiteRole", t("Admin")),
                ],
            )
            .await;
        let id = made.id("User.Id").unwrap();
        let read = f.c.read(fmt, &id).await;
        assert_eq!(read.get("User.WebsiteRole").as_deref(), Some("Admin"));
        // "The website access role (if any)": null leaves the user without one.
        let put =
            f.c.put(
                fmt,
                &[
                    ("Id", t(&id)),
                    ("ExternalId", M::Null),
                    ("TimeZone", t("CET")),
                    ("WebsiteRole", M::Null),
                ],
            )
            .await;
        FofClient::ok(&put);
        assert_eq!(put.get("User.ExternalId"), None, "{fmt:?}: cleared");
        assert_eq!(
            put.get("User.WebsiteRole"),
            None,
            "{fmt:?}: no website role"
        );
        let read = f.c.read(fmt, &id).await;
        assert_eq!(read.get("User.WebsiteRole"), None, "{fmt:?}: kept");
        assert_eq!(put.get("User.TimeZone").as_deref(), Some("CET"));
        assert_eq!(
            put.get("User.Country").as_deref(),
            Some("NO"),
            "{fmt:?}: untouched"
        );
        assert_eq!(put.get("User.Email"), Some(email));
        let blank = f.c.put(fmt, &[("Id", t(&id)), ("LastName", t(""))]).await;
        assert_eq!(FofClient::error(&blank, 400, "NotEmpty")[0].1, "LastName");
    }
}

#[tokio::test]
async fn put_without_an_id_or_for_an_unknown_user_is_a_400() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let none = f.c.put(fmt, &[("FirstName", t("X"))]).await;
        assert_eq!(FofClient::error(&none, 400, "NotEmpty")[0].1, "Id");
        let unknown = uuid::Uuid::now_v7().to_string();
        FofClient::error(
            &f.c.put(fmt, &[("Id", t(unknown)), ("FirstName", t("X"))])
                .await,
            400,
            "NotFound",
        );
    }
}

#[tokio::test]
async fn post_with_the_id_of_an_existing_user_updates_it() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let email = format!("again.{}@acme.test", fmt.param());
        let id = f.c.create(fmt, "Once", "More", &email).await;
        let again =
            f.c.post(
                fmt,
                &[
                    ("Id", t(&id)),
                    ("FirstName", t("Twice")),
                    ("LastName", t("More")),
                    ("Email", t(&email)),
                ],
            )
            .await;
        FofClient::ok(&again);
        assert_eq!(again.id("User.Id").as_deref(), Some(id.as_str()), "{fmt:?}");
        let read = f.c.read(fmt, &id).await;
        assert_eq!(read.get("User.FirstName").as_deref(), Some("Twice"));
    }
}

#[tokio::test]
async fn delete_takes_the_id_and_credential_from_the_body_too() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let id =
            f.c.create(fmt, "Del", "Me", &format!("del.{}@acme.test", fmt.param()))
                .await;
        let body = crate::support::formsonfire::user_body(
            fmt,
            &[
                ("Id", t(&id)),
                ("CompanyId", t(&f.c.company_id)),
                ("IntegrationKey", t(&f.c.key)),
                ("FirstName", t("ignored")),
            ],
        );
        FofClient::ok(&f.c.body(Method::DELETE, fmt, &body).await);
        FofClient::error(
            &f.c.get(fmt, "/user", &[("Id", &id)]).await,
            400,
            "NotFound",
        );
    }
}

#[tokio::test]
async fn a_password_is_write_only_and_reset_password_forces_a_new_one() {
    let f = Fof::new().await;
    let mut users = f.users();
    for fmt in Fmt::ALL {
        let email = format!("pw.{}@acme.test", fmt.param());
        let made =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("Pass")),
                    ("LastName", t("Word")),
                    ("Email", t(&email)),
                    ("Password", t("first-Passw0rd")),
                    ("ResetPassword", t("true")),
                ],
            )
            .await;
        let id = made.id("User.Id").unwrap();
        let verify = |pw: &str| pb::VerifyPasswordRequest {
            key: crate::support::key_id(&id),
            password: pw.to_owned(),
        };
        let v = users
            .verify_password(verify("first-Passw0rd"))
            .await
            .unwrap()
            .into_inner();
        assert!(v.valid, "{fmt:?}");
        assert!(v.user.unwrap().password_change_required);
        let read = f.c.read(fmt, &id).await;
        assert_eq!(read.get("User.ResetPassword").as_deref(), Some("true"));
        assert_eq!(read.get("User.Password"), None);
        assert!(!read.text().contains("first-Passw0rd"));

        // A bad password writes nothing at all, not even the other members.
        let bad =
            f.c.put(
                fmt,
                &[
                    ("Id", t(&id)),
                    ("FirstName", t("Changed")),
                    ("Password", t("short")),
                ],
            )
            .await;
        assert_eq!(
            FofClient::error(&bad, 400, "InvalidValue")[0].1,
            "Password",
            "{fmt:?}"
        );
        assert_eq!(
            f.c.read(fmt, &id).await.get("User.FirstName").as_deref(),
            Some("Pass")
        );

        let good =
            f.c.put(
                fmt,
                &[
                    ("Id", t(&id)),
                    ("Password", t("second-Passw0rd")),
                    ("ResetPassword", t("false")),
                ],
            )
            .await;
        FofClient::ok(&good);
        assert!(
            !users
                .verify_password(verify("first-Passw0rd"))
                .await
                .unwrap()
                .into_inner()
                .valid
        );
        let v = users
            .verify_password(verify("second-Passw0rd"))
            .await
            .unwrap()
            .into_inner();
        assert!(
            v.valid && !v.user.unwrap().password_change_required,
            "{fmt:?}"
        );
    }
}

#[tokio::test]
async fn concurrent_creates_of_one_email_make_exactly_one_user() {
    let f = Fof::new().await;
    let attempts = (0..8).map(|i| {
        let c = f.c.clone();
        let fmt = Fmt::ALL[i % 2];
        async move {
            c.post(
                fmt,
                &[
                    ("FirstName", t(format!("Racer{i}"))),
                    ("LastName", t("Same")),
                    ("Email", t("race@acme.test")),
                ],
            )
            .await
        }
    });
    let answers = futures::future::join_all(attempts).await;
    let won = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(won, 1, "{answers:?}");
    for a in answers.iter().filter(|a| a.status != 200) {
        FofClient::error(a, 400, "DuplicateEmail");
    }
}

#[tokio::test]
async fn post_may_set_the_status_and_answers_the_stored_one() {
    let f = Fof::new().await;
    for (fmt, status) in [(Fmt::Json, "Active"), (Fmt::Xml, "Disabled")] {
        let a =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("S")),
                    ("LastName", t(status)),
                    ("Email", t(format!("{status}@acme.test"))),
                    ("Status", t(status.to_ascii_uppercase())),
                ],
            )
            .await;
        FofClient::ok(&a);
        assert_eq!(a.get("User.Status").as_deref(), Some(status), "{fmt:?}");
        let read = f.c.read(fmt, &a.id("User.Id").unwrap()).await;
        assert_eq!(read.get("User.Status").as_deref(), Some(status));
    }
}
