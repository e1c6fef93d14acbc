//! The vendor's own example request, as the triton CLI 7.17.0 sends it (its create, verbatim:
//! headers, `content-md5` and body): the answer has the keys, order and value formats of the
//! CloudAPI users page (`CreateUser` returns the user object: id, login, email, the profile,
//! created and updated).

use crate::support::Answer;
use crate::support::cloudapi::Cloud;

#[tokio::test]
async fn the_clis_create_request_sent_byte_for_byte_answers_the_pages_user_object() {
    let cloud = Cloud::new().await;
    let body = r#"{"login":"bob","password":"s3cret-Passw0rd","email":"bob@example.com","companyName":"ACME","firstName":"Bob","lastName":"Builder"}"#;
    let (date, authorization) = cloud.owner.headers("POST", "/acme/users");
    let a = Answer::of(
        cloud
            .app
            .http
            .post(format!("{}/acme/users", cloud.app.http_url))
            .header("date", date)
            .header("authorization", authorization)
            .header("accept", "application/json")
            .header("content-type", "application/json")
            .header("user-agent", "triton/7.17.0 (x64-linux; node/20.20.2)")
            .header("accept-version", "~9||~8")
            .header("content-length", "130")
            .header("content-md5", "L2wX3uaFgIBL22NrbVxQOA==")
            .body(body),
    )
    .await;
    assert_eq!(body.len(), 130, "the page's content-length");
    assert_eq!(a.status, 201, "{a:?}");
    let text = String::from_utf8(a.raw.clone()).unwrap();
    let o = a.json().as_object().expect("a user object");
    let keys: Vec<&str> = o.keys().map(String::as_str).collect();
    let mut in_text = keys.clone();
    in_text.sort_by_key(|k| text.find(&format!("\"{k}\"")));
    assert_eq!(
        in_text,
        [
            "id",
            "login",
            "email",
            "companyName",
            "firstName",
            "lastName",
            "updated",
            "created"
        ],
        "the page's fields, in CloudAPI's order: {text}"
    );
    assert!(
        uuid::Uuid::try_parse(o["id"].as_str().unwrap()).is_ok(),
        "id is a UUID"
    );
    for (key, want) in [
        ("login", "bob"),
        ("email", "bob@example.com"),
        ("companyName", "ACME"),
        ("firstName", "Bob"),
        ("lastName", "Builder"),
    ] {
        assert_eq!(o[key], want, "{key}");
    }
    for key in ["created", "updated"] {
        let t = o[key].as_str().unwrap();
        assert!(is_iso_millis(t), "{key} is ISO 8601 with milliseconds: {t}");
    }
}

/// `Date.toISOString()`'s shape: `2015-12-23T09:42:36.517Z`.
fn is_iso_millis(t: &str) -> bool {
    let shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    t.len() == shape.len()
        && t.chars().zip(shape.chars()).all(|(c, s)| match s {
            'd' => c.is_ascii_digit(),
            _ => c == s,
        })
}
