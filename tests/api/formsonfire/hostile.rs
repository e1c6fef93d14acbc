//! Hostile bodies: no DTD, entity or external entity is ever processed, nesting and size are
//! bounded, and none of them writes anything.

use crate::support::TestApp;
use crate::support::formsonfire::{Fmt, list, t, user_body};
use crate::support::formsonfire::{Fof, FofClient};
use reqwest::Method;
use std::fmt::Write as _;

/// The credential and required members, as XML, with `extra` inside `<FirstName>`.
fn xml_user(f: &Fof, prolog: &str, first_name: &str) -> String {
    format!(
        concat!(
            "{}<User><CompanyId>{}</CompanyId><IntegrationKey>{}</IntegrationKey>",
            "<FirstName>{}</FirstName><LastName>L</LastName><Email>evil@acme.test</Email></User>"
        ),
        prolog, f.c.company_id, f.c.key, first_name
    )
}

async fn nobody_was_created(f: &Fof) {
    FofClient::error(
        &f.c.get(Fmt::Json, "/user", &[("Email", "evil@acme.test")])
            .await,
        400,
        "NotFound",
    );
}

#[tokio::test]
async fn entity_expansion_is_refused_without_expanding_anything() {
    let f = Fof::new().await;
    let mut entities = String::from(r#"<!ENTITY lol0 "lol">"#);
    for i in 1..10 {
        let refs = format!("&lol{};", i - 1).repeat(10);
        write!(entities, r#"<!ENTITY lol{i} "{refs}">"#).unwrap();
    }
    let laughs = xml_user(
        &f,
        &format!("<?xml version=\"1.0\"?><!DOCTYPE User [{entities}]>"),
        "&lol9;",
    );
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let a = f.c.body(method, Fmt::Xml, &laughs).await;
        let fields = FofClient::error(&a, 400, "SerializationException");
        assert!(fields.is_empty());
        assert!(
            a.get("ResponseStatus.Message")
                .unwrap()
                .contains("document type"),
            "{a:?}"
        );
        assert!(a.raw.len() < 2000, "nothing expanded into the answer");
    }
    nobody_was_created(&f).await;
}

#[tokio::test]
async fn external_entities_and_undeclared_entities_are_refused() {
    let f = Fof::new().await;
    let external = [
        r#"<!DOCTYPE User [<!ENTITY x SYSTEM "file:///etc/passwd">]>"#,
        r#"<!DOCTYPE User [<!ENTITY x SYSTEM "http://127.0.0.1:9/evil">]>"#,
        r#"<!DOCTYPE User [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>"#,
        r#"<!DOCTYPE User SYSTEM "http://127.0.0.1:9/user.dtd">"#,
    ];
    for prolog in external {
        let a =
            f.c.body(Method::POST, Fmt::Xml, &xml_user(&f, prolog, "&x;"))
                .await;
        FofClient::error(&a, 400, "SerializationException");
        assert!(!a.text().contains("root:"), "{a:?}");
    }
    let undeclared =
        f.c.body(Method::POST, Fmt::Xml, &xml_user(&f, "", "&x;"))
            .await;
    FofClient::error(&undeclared, 400, "SerializationException");
    // The five XML entities and character references are fine.
    let fine = xml_user(&f, "", "A&amp;B&#x43;&lt;");
    FofClient::ok(&f.c.body(Method::POST, Fmt::Xml, &fine).await);
    let read =
        f.c.get(Fmt::Json, "/user", &[("Email", "evil@acme.test")])
            .await;
    assert_eq!(read.get("User.FirstName").as_deref(), Some("A&BC<"));
}

#[tokio::test]
async fn deep_nesting_is_refused_in_xml_and_json() {
    let f = Fof::new().await;
    let deep_xml = xml_user(
        &f,
        "",
        &format!("{}{}", "<a>".repeat(100), "</a>".repeat(100)),
    );
    FofClient::error(
        &f.c.body(Method::POST, Fmt::Xml, &deep_xml).await,
        400,
        "SerializationException",
    );
    // Far beyond any stack: refused before it is walked.
    let very_deep = xml_user(&f, "", &"<a>".repeat(200_000));
    FofClient::error(
        &f.c.body(Method::POST, Fmt::Xml, &very_deep).await,
        400,
        "SerializationException",
    );
    let deep_json = format!(
        r#"{{"CompanyId":"{}","IntegrationKey":"{}","FirstName":"F","LastName":"L","Email":"evil@acme.test","Metadata":{}1{}}}"#,
        f.c.company_id,
        f.c.key,
        "[".repeat(100),
        "]".repeat(100)
    );
    FofClient::error(
        &f.c.body(Method::POST, Fmt::Json, &deep_json).await,
        400,
        "SerializationException",
    );
    nobody_was_created(&f).await;
}

#[tokio::test]
async fn bodies_over_the_size_limit_are_refused_before_parsing() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        let huge = user_body(
            fmt,
            &[
                ("CompanyId", t(&f.c.company_id)),
                ("IntegrationKey", t(&f.c.key)),
                ("FirstName", t("x".repeat(2 * 1024 * 1024))),
                ("LastName", t("L")),
                ("Email", t("evil@acme.test")),
            ],
        );
        FofClient::error(
            &f.c.body(Method::POST, fmt, &huge).await,
            400,
            "RequestTooLarge",
        );
    }
    nobody_was_created(&f).await;
}

#[tokio::test]
async fn the_size_and_depth_limits_are_settings() {
    let app = TestApp::spawn_with(|s| {
        s.formsonfire_max_body_bytes = 2048;
        s.formsonfire_max_depth = 2;
    })
    .await;
    let f = Fof::with(app).await;
    let small = |first: &str| {
        user_body(
            Fmt::Xml,
            &[
                ("CompanyId", t(&f.c.company_id)),
                ("IntegrationKey", t(&f.c.key)),
                ("FirstName", t(first)),
                ("LastName", t("L")),
                ("Email", t("small@acme.test")),
            ],
        )
    };
    FofClient::error(
        &f.c.body(Method::POST, Fmt::Xml, &small(&"x".repeat(3000)))
            .await,
        400,
        "RequestTooLarge",
    );
    // Lists are three levels deep: more than this server allows.
    let three = format!(
        "{}</User>",
        small("F").trim_end_matches("</User>").to_owned() + "<Folders><Id>x</Id></Folders>"
    );
    FofClient::error(
        &f.c.body(Method::POST, Fmt::Xml, &three).await,
        400,
        "SerializationException",
    );
    FofClient::ok(&f.c.body(Method::POST, Fmt::Xml, &small("F")).await);
}

/// Thousands of bad list items are one 400 naming the first ones, in both formats: the
/// core's error stays small enough to cross HTTP/2 (it once broke the connection: a 500,
/// or past 2000 items a 429), and the gateway goes on reaching the core.
#[tokio::test]
async fn thousands_of_bad_items_are_one_bounded_400() {
    let f = Fof::new().await;
    let bad: Vec<String> = (0..3000).map(|i| format!("not-a-guid-{i}")).collect();
    let bad: Vec<&str> = bad.iter().map(String::as_str).collect();
    for fmt in Fmt::ALL {
        let a =
            f.c.post(
                fmt,
                &[
                    ("FirstName", t("Eve")),
                    ("LastName", t("L")),
                    ("Email", t("evil@acme.test")),
                    ("Folders", list(&bad)),
                ],
            )
            .await;
        let fields = FofClient::error(&a, 400, "InvalidValue");
        assert!(
            !fields.is_empty() && fields.len() <= 100,
            "a bounded list of the first bad items: {}",
            fields.len()
        );
        assert_eq!(fields[0].1, "Folders[0]", "{fields:?}");
        assert!(a.raw.len() < 64 * 1024, "{}", a.raw.len());
    }
    nobody_was_created(&f).await;
}
