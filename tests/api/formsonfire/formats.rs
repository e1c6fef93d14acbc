//! `?format=json|xml`, request bodies by Content-Type (XML when none), ServiceStack's JSON
//! and DataContract XML, and the 405 for everything under /api/v2 that does not exist.

use crate::support::Answer;
use crate::support::formsonfire::{Fmt, list, t, user_body};
use crate::support::formsonfire::{Fof, FofClient};
use crate::support::records::folder;
use reqwest::Method;

#[tokio::test]
async fn format_chooses_the_response_and_content_type_the_request() {
    let f = Fof::new().await;
    // A JSON body answered in XML.
    let body = user_body(
        Fmt::Json,
        &[
            ("CompanyId", t(&f.c.company_id)),
            ("IntegrationKey", t(&f.c.key)),
            ("FirstName", t("J")),
            ("LastName", t("X")),
            ("Email", t("jx@acme.test")),
        ],
    );
    let a = Answer::of(
        f.c.http
            .post(f.c.url("/user", &[("format", "xml")]))
            .header("content-type", "application/json")
            .body(body),
    )
    .await;
    FofClient::ok(&a);
    assert!(a.content_type().starts_with("application/xml"), "{a:?}");
    assert!(
        a.text()
            .starts_with(r#"<?xml version="1.0" encoding="utf-8"?><UserResponse"#)
    );
    // An XML body without any Content-Type is read as XML and answered as XML.
    let body = user_body(
        Fmt::Xml,
        &[
            ("CompanyId", t(&f.c.company_id)),
            ("IntegrationKey", t(&f.c.key)),
            ("FirstName", t("X")),
            ("LastName", t("X")),
            ("Email", t("xx@acme.test")),
        ],
    );
    let a = Answer::of(f.c.http.post(f.c.url("/user", &[])).body(body)).await;
    FofClient::ok(&a);
    assert!(a.content_type().starts_with("application/xml"), "{a:?}");
    // Accept decides when format is absent; GET defaults to JSON.
    let q = [
        ("CompanyId", f.c.company_id.as_str()),
        ("IntegrationKey", f.c.key.as_str()),
        ("Email", "xx@acme.test"),
    ];
    let accept = Answer::of(
        f.c.http
            .get(f.c.url("/user", &q))
            .header("accept", "application/xml"),
    )
    .await;
    assert!(accept.content_type().starts_with("application/xml"));
    let plain = Answer::of(f.c.http.get(f.c.url("/user", &q))).await;
    assert!(plain.content_type().starts_with("application/json"));
    assert_eq!(plain.get("User.FirstName").as_deref(), Some("X"));
}

#[tokio::test]
async fn an_unknown_format_or_content_type_is_a_400() {
    let f = Fof::new().await;
    let a = Answer::of(f.c.http.get(f.c.url("/user", &[("format", "csv")]))).await;
    FofClient::error(&a, 400, "InvalidValue");
    assert!(a.content_type().starts_with("application/json"));
    let b = Answer::of(
        f.c.http
            .post(f.c.url("/user", &[("format", "xml")]))
            .header("content-type", "image/png")
            .body("x"),
    )
    .await;
    FofClient::error(&b, 400, "NotSupportedException");
}

#[tokio::test]
async fn ids_are_32_hex_digits_in_json_and_dashed_in_xml() {
    let f = Fof::new().await;
    let id = f.c.create(Fmt::Json, "I", "D", "id@acme.test").await;
    let json = f.c.read(Fmt::Json, &id).await;
    assert_eq!(
        json.get("User.Id"),
        Some(uuid::Uuid::try_parse(&id).unwrap().simple().to_string())
    );
    let xml = f.c.read(Fmt::Xml, &id).await;
    assert_eq!(xml.get("User.Id"), Some(id));
}

#[tokio::test]
async fn xml_answers_are_datacontract_with_ordered_members_and_nils() {
    let f = Fof::new().await;
    let folders = f.app.folders(&f.tenant.token);
    let reports = folder(&folders, "Reports", None).await;
    let made =
        f.c.post(
            Fmt::Xml,
            &[
                ("FirstName", t("Dc")),
                ("LastName", t("Xml")),
                ("Email", t("dc@acme.test")),
                ("Folders", list(&[&reports.id])),
            ],
        )
        .await;
    let xml =
        f.c.read(Fmt::Xml, &made.id("User.Id").unwrap())
            .await
            .text()
            .into_owned();
    assert!(
        xml.starts_with(concat!(
            r#"<?xml version="1.0" encoding="utf-8"?>"#,
            r#"<UserResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" "#,
            r#"xmlns="http://schemas.datacontract.org/2004/07/Appenate.Api">"#,
            r#"<ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types">"#,
        )),
        "{xml}"
    );
    assert!(xml.contains(&format!(
        r#"<Folders xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><d3p1:guid>{}</d3p1:guid></Folders>"#,
        reports.id
    )), "{xml}");
    assert!(xml.contains(r#"<ExternalId i:nil="true" />"#), "{xml}");
    assert!(xml.contains(r#"<Password i:nil="true" />"#), "{xml}");
    let members = [
        "<CompanyId>",
        "<Country ",
        "<CreatedDate>",
        "<DoNotEmail>",
        "<Email>",
        "<ExternalId ",
        "<FirstName>",
        "<Folders ",
        "<Groups ",
        "<Id>",
        "<IntegrationKey ",
        "<LastActivity ",
        "<LastName>",
        "<LastUpdated>",
        "<Metadata ",
        "<Password ",
        "<ResetPassword>",
        "<Status>",
        "<TimeZone ",
        "<Type>",
        "<UserDevices ",
        "<WebsiteRole>",
    ];
    let user = &xml[xml.find("<User>").unwrap()..];
    let at: Vec<usize> = members
        .iter()
        .map(|m| user.find(m).unwrap_or_else(|| panic!("{m} in {user}")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "alphabetical: {user}");
}

#[tokio::test]
async fn xml_requests_are_read_in_any_order_with_either_list_form() {
    let f = Fof::new().await;
    let folders = f.app.folders(&f.tenant.token);
    let (a, b) = (
        folder(&folders, "A", None).await,
        folder(&folders, "B", None).await,
    );
    let body = format!(
        concat!(
            "<User><Folders><Id>{}</Id><Id>{}</Id></Folders><LastName>Z</LastName>",
            "<IntegrationKey>{}</IntegrationKey><Email>order@acme.test</Email>",
            "<FirstName>Y</FirstName><CompanyId>{}</CompanyId><Groups/></User>"
        ),
        a.id, b.id, f.c.key, f.c.company_id
    );
    let made = f.c.body(Method::POST, Fmt::Xml, &body).await;
    FofClient::ok(&made);
    let read = f.c.read(Fmt::Json, &made.id("User.Id").unwrap()).await;
    assert_eq!(read.list("User.Folders").len(), 2, "{read:?}");
    assert_eq!(read.get("User.FirstName").as_deref(), Some("Y"));
}

#[tokio::test]
async fn paths_and_verbs_that_do_not_exist_are_405s_of_this_dialect() {
    let f = Fof::new().await;
    for fmt in Fmt::ALL {
        for (method, path) in [
            (Method::GET, "/nope"),
            (Method::GET, "/user/1/devices"),
            (Method::POST, "/user/search"),
            (Method::PATCH, "/user"),
            (Method::GET, ""),
        ] {
            let a = f.c.query(method.clone(), fmt, path, &[]).await;
            let fields = FofClient::error(&a, 405, "MethodNotAllowed");
            assert!(fields.is_empty(), "{fields:?}");
            assert!(
                a.get("ResponseStatus.Message")
                    .unwrap()
                    .contains(&format!("/api/v2{path}")),
                "{a:?}"
            );
            assert!(
                a.content_type().contains(fmt.param()),
                "{method} {path} {fmt:?}"
            );
        }
    }
}
