//! `CompanyId` + `IntegrationKey`: in the query for GET and DELETE, in the body for POST and
//! PUT, names matched without case; anything wrong is a 401 with a ResponseStatus.

use crate::support::Answer;
use crate::support::formsonfire::{Fmt, t, user_body};
use crate::support::formsonfire::{Fof, FofClient};
use reqwest::Method;

#[tokio::test]
async fn missing_or_wrong_credentials_are_401s_in_both_formats() {
    let f = Fof::new().await;
    let other = f.app.tenant("globex").await;
    let company = f.c.company_id.clone();
    let key = f.c.key.clone();
    let other_company = other.company_id.to_string();
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("nothing", vec![]),
        ("no key", vec![("CompanyId", &company)]),
        ("no company", vec![("IntegrationKey", &key)]),
        (
            "wrong key",
            vec![("CompanyId", &company), ("IntegrationKey", "nope")],
        ),
        (
            "another company's id",
            vec![("CompanyId", &other_company), ("IntegrationKey", &key)],
        ),
        (
            "company id not a number",
            vec![("CompanyId", "acme"), ("IntegrationKey", &key)],
        ),
        (
            "unknown company",
            vec![("CompanyId", "987654"), ("IntegrationKey", &key)],
        ),
    ];
    for fmt in Fmt::ALL {
        for (name, creds) in &cases {
            let mut params = vec![("format", fmt.param()), ("Email", "owner@acme.test")];
            params.extend(creds.iter().copied());
            for path in ["/user", "/user/search"] {
                let a = Answer::of(f.c.http.get(f.c.url(path, &params))).await;
                FofClient::error(&a, 401, "Unauthorized");
                assert!(
                    a.content_type().contains(fmt.param()),
                    "{name} {fmt:?}: {a:?}"
                );
            }
            let del = Answer::of(f.c.http.delete(f.c.url("/user", &params))).await;
            FofClient::error(&del, 401, "Unauthorized");
        }
    }
}

#[tokio::test]
async fn parameter_names_match_without_case_in_the_query_and_the_body() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let q = [
            ("FORMAT", fmt.param()),
            ("companyid", f.c.company_id.as_str()),
            ("Integrationkey", f.c.key.as_str()),
            ("email", "owner@acme.test"),
        ];
        FofClient::ok(&Answer::of(f.c.http.get(f.c.url("/user", &q))).await);
        let body = user_body(
            fmt,
            &[
                ("companyid", t(&f.c.company_id)),
                ("INTEGRATIONKEY", t(&f.c.key)),
                ("firstname", t("Low")),
                ("LASTNAME", t("Case")),
                ("eMail", t(format!("case.{}@acme.test", fmt.param()))),
            ],
        );
        let made = f.c.body(Method::POST, fmt, &body).await;
        FofClient::ok(&made);
        let read = f.c.read(fmt, &made.id("User.Id").unwrap()).await;
        assert_eq!(
            read.get("User.LastName").as_deref(),
            Some("Case"),
            "{fmt:?}"
        );
    }
}

#[tokio::test]
async fn writes_take_the_credential_from_the_body_and_refuse_a_wrong_one() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let body = user_body(
            fmt,
            &[
                ("CompanyId", t(&f.c.company_id)),
                ("IntegrationKey", t("wrong")),
                ("FirstName", t("No")),
                ("LastName", t("Entry")),
                ("Email", t("no.entry@acme.test")),
            ],
        );
        FofClient::error(
            &f.c.body(Method::POST, fmt, &body).await,
            401,
            "Unauthorized",
        );
        FofClient::error(
            &f.c.body(Method::PUT, fmt, &body).await,
            401,
            "Unauthorized",
        );
        // A stranger learns nothing about the members it sent.
        let bad_members = user_body(
            fmt,
            &[
                ("CompanyId", t(&f.c.company_id)),
                ("IntegrationKey", t("wrong")),
                ("Status", t("Bogus")),
                ("Id", t("not-a-guid")),
            ],
        );
        FofClient::error(
            &f.c.body(Method::PUT, fmt, &bad_members).await,
            401,
            "Unauthorized",
        );
        let no_creds = user_body(fmt, &[("FirstName", t("No"))]);
        FofClient::error(
            &f.c.body(Method::POST, fmt, &no_creds).await,
            401,
            "Unauthorized",
        );
    }
    FofClient::error(
        &f.c.get(Fmt::Json, "/user", &[("Email", "no.entry@acme.test")])
            .await,
        400,
        "NotFound",
    );
}
