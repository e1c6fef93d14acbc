//! Forms On Fire's user writes in its XML: a POST creates (or, carrying an `Id`, updates), a
//! PUT updates, a DELETE deletes; the `Groups` member replaces the user's groups, each join
//! and leave told as a membership event. A refused write tells nothing.

use super::super::{contiguous, data, events_after, high_water, kinds};
use super::{grpc_user, told};
use crate::support::formsonfire::{Fmt, Fof, FofClient, M, list, t};
use crate::support::records::group;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn each_forms_on_fire_user_write_tells_its_events() {
    let f = Fof::new().await;
    let (app, tenant) = (&f.app, &f.tenant);
    let sales = group(&app.groups(&tenant.token), "//Sales", None).await;
    let start = high_water(app, tenant).await;
    let xml = Fmt::Xml;

    let made =
        f.c.post(
            xml,
            &[
                ("FirstName", t("Ann")),
                ("LastName", t("Lee")),
                ("Email", t("ann@acme.test")),
                ("Groups", list(&[&sales.id])),
            ],
        )
        .await;
    FofClient::ok(&made);
    let id = made.id("User.Id").unwrap();
    let grpc = grpc_user(app, tenant, "ann@acme.test").await;
    // Refused: an unknown group.
    let unknown =
        f.c.post(
            xml,
            &[
                ("FirstName", t("Un")),
                ("LastName", t("Known")),
                ("Email", t("unknown@acme.test")),
                ("Groups", list(&[&uuid::Uuid::now_v7().to_string()])),
            ],
        )
        .await;
    FofClient::error(&unknown, 400, "NotFound");
    // PUT: a new first name, and out of every group.
    let put =
        f.c.put(
            xml,
            &[
                ("Id", t(&id)),
                ("FirstName", t("Anne")),
                ("Groups", M::List(Vec::new())),
            ],
        )
        .await;
    FofClient::ok(&put);
    // POST with the Id updates as PUT does.
    let post_update =
        f.c.post(xml, &[("Id", t(&id)), ("LastName", t("Lea"))])
            .await;
    FofClient::ok(&post_update);
    // Refused: an Email that is no email writes nothing of the body.
    let bad =
        f.c.put(
            xml,
            &[
                ("Id", t(&id)),
                ("Email", t("no-at-sign")),
                ("LastName", t("X")),
            ],
        )
        .await;
    FofClient::error(&bad, 400, "InvalidValue");
    let gone =
        f.c.query(Method::DELETE, xml, "/user", &[("Id", &id)])
            .await;
    FofClient::ok(&gone);

    let events = events_after(app, tenant, start).await;
    contiguous(&events, start + 1);
    assert_eq!(
        kinds(&events),
        [
            told("user.created", &id),
            told("group.member_added", &sales.id),
            told("user.updated", &id),
            told("group.member_removed", &sales.id),
            told("user.updated", &id),
            told("user.deleted", &id),
        ]
    );
    let created = data(&events[0]);
    assert_eq!(created["id"], grpc.id.as_str(), "the id gRPC reads");
    assert_eq!(created["email"], "ann@acme.test");
    assert_eq!(created["status"], "INVITED");
    assert_eq!(created["groups"][0]["path"], "//Sales");
    for (i, e) in [(1, &events[1]), (3, &events[3])] {
        let m = data(e);
        assert_eq!(m["user"]["id"], id.as_str(), "event {i}");
        assert_eq!(m["user"]["login"], grpc.login.as_str(), "event {i}");
        assert_eq!(m["group"]["path"], "//Sales", "event {i}");
    }
    let put = data(&events[2]);
    assert_eq!(put["user"]["first_name"], "Anne");
    assert_eq!(put["user"]["groups"], json!([]));
    assert_eq!(put["changed_fields"], json!(["first_name", "groups"]));
    let post = data(&events[4]);
    assert_eq!(post["user"]["last_name"], "Lea");
    assert_eq!(post["changed_fields"], json!(["last_name"]));
    assert_eq!(data(&events[5])["last_name"], "Lea");
}
