//! Conditional writes of users: reads and PATCHes answer `ETag`; PATCH and DELETE honour
//! `If-Match` (strong comparison, `*` for any), a 412 in Cloud Elements' error shape with
//! nothing changed when it names no current etag.

use crate::support::TestApp;
use crate::support::elements::Ce;
use serde_json::json;

#[tokio::test]
async fn reads_answer_the_etag_and_writes_honour_if_match() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let ce = Ce::owner(&app, &t);
    let id = ce.create_id("ann@acme.test", "Ann", "Lee").await;
    let url = app.url(&format!("/elements/api-v2/users/{id}"));
    let patch = |if_match: String, last: &'static str| {
        ce.send(
            app.http
                .patch(url.clone())
                .header("if-match", if_match)
                .json(&json!({ "lastName": last })),
        )
    };
    let first = ce
        .get(&format!("/users/{id}"))
        .await
        .header("etag")
        .to_owned();
    assert!(first.len() > 2 && first.starts_with('"'), "{first}");

    let changed = patch(first.clone(), "Lane").await;
    assert_eq!(changed.status, 200, "{changed:?}");
    let second = changed.header("etag").to_owned();
    assert_ne!(second, first);

    for stale in [first.clone(), format!("W/{second}"), "garbage".to_owned()] {
        let a = patch(stale.clone(), "Mallory").await;
        assert!(Ce::error(&a, 412).contains("If-Match"), "{stale}: {a:?}");
        let a = ce
            .send(app.http.delete(url.clone()).header("if-match", &stale))
            .await;
        Ce::error(&a, 412);
    }
    let now = ce.get(&format!("/users/{id}")).await;
    assert_eq!(now.json()["lastName"], "Lane");
    assert_eq!(now.header("etag"), second);

    let any = patch("*".to_owned(), "Lark").await;
    assert_eq!(any.status, 200, "{any:?}");
    let gone = ce
        .send(
            app.http
                .delete(url.clone())
                .header("if-match", any.header("etag")),
        )
        .await;
    assert_eq!(gone.status, 200, "{gone:?}");
    Ce::error(&ce.get(&format!("/users/{id}")).await, 404);
}
