//! The vendor's own requests, as its Users API page writes them (`Format`, `CompanyId`,
//! `Integrationkey` and `Id` for a GET; the search at `/api/v2/user/search?format=json`): the
//! answers have the keys and value formats of the vendor's example user (`Id` as 32 hex
//! digits, `CreatedDate` as `2019-09-11T06:24:03.9630000Z`, ...).

use crate::support::Answer;
use crate::support::formsonfire::{Fmt, Fof, t};
use serde_json::Value;

/// `2019-09-11T06:24:03.9630000Z`.
fn is_vendor_date(v: &Value) -> bool {
    let shape = "dddd-dd-ddTdd:dd:dd.dddddddZ";
    v.as_str().is_some_and(|s| {
        s.len() == shape.len()
            && s.chars().zip(shape.chars()).all(|(c, p)| match p {
                'd' => c.is_ascii_digit(),
                _ => c == p,
            })
    })
}

/// The example user's keys and value formats.
#[track_caller]
fn looks_like_the_vendors_user(u: &Value) {
    let o = u.as_object().expect("a user object");
    let id = o["Id"].as_str().unwrap();
    assert!(
        id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{u}"
    );
    assert!(o["CompanyId"].is_i64(), "{u}");
    for key in [
        "Type",
        "FirstName",
        "LastName",
        "Email",
        "Status",
        "ExternalId",
        "TimeZone",
    ] {
        assert!(o[key].is_string(), "{key}: {u}");
    }
    assert_eq!(o["Country"], "BA");
    assert_eq!(o["WebsiteRole"], "ReadOnly");
    for key in ["CreatedDate", "LastUpdated"] {
        assert!(is_vendor_date(&o[key]), "{key}: {u}");
    }
}

#[tokio::test]
async fn the_pages_get_and_search_requests_answer_the_vendors_user() {
    let f = Fof::new().await;
    let made =
        f.c.post(
            Fmt::Json,
            &[
                ("FirstName", t("Mc")),
                ("LastName", t("Testy")),
                ("Email", t("mctesty@example.com")),
                ("ExternalId", t("XXX")),
                ("TimeZone", t("Universal Standard Time")),
                ("Country", t("BA")),
                ("WebsiteRole", t("ReadOnly")),
                ("Type", t("Premium")),
            ],
        )
        .await;
    let id = made.id("User.Id").unwrap();
    // The GET as the page's parameter table spells it.
    let url = format!(
        "{}/user?Format=json&CompanyId={}&Integrationkey={}&Id={id}",
        f.c.base, f.c.company_id, f.c.key
    );
    let a = Answer::of(f.c.http.get(url)).await;
    assert_eq!(a.status, 200, "{a:?}");
    looks_like_the_vendors_user(&a.json()["User"]);
    assert_eq!(a.json()["ResponseStatus"], serde_json::json!({}), "{a:?}");
    // The search the page sends clients to "to retrieve multiple Users at once".
    let url = format!(
        "{}/user/search?format=json&CompanyId={}&IntegrationKey={}",
        f.c.base, f.c.company_id, f.c.key
    );
    let a = Answer::of(f.c.http.get(url)).await;
    assert_eq!(a.status, 200, "{a:?}");
    let users = a.json()["Users"].as_array().unwrap();
    let mc = users
        .iter()
        .find(|u| u["Email"] == "mctesty@example.com")
        .unwrap();
    looks_like_the_vendors_user(mc);
    assert!(a.json()["TotalRows"].is_i64());
}
