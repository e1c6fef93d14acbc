//! `roster webhook create | list | resume | delete`: the operator manages a tenant's
//! webhooks on the store; the owner sees the same over gRPC; bad input fails with a message.

use crate::cli::{roster, stdout};
use crate::support::{TestApp, mask};
use roster_proto::v1 as pb;

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn webhooks_are_made_listed_resumed_and_deleted_from_the_cli() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let url = "https://hooks.example.com/roster";
    let out = stdout(
        &roster(
            &app,
            &[
                "webhook",
                "create",
                "--tenant",
                "acme",
                "--url",
                url,
                "--type",
                "roster.user.created",
                "--type",
                "roster.user.deleted",
                "--json",
            ],
        )
        .await,
    );
    let made: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = made["id"].as_str().unwrap().to_owned();
    let secret = made["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");

    // The owner sees it over gRPC; pausing it there shows in the CLI's list.
    let mut hooks = app.webhooks(&t.owner_token);
    let seen = hooks
        .get_webhook(pb::GetWebhookRequest { id: id.clone() })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(seen.url, url);
    assert_eq!(
        seen.event_types,
        ["roster.user.created", "roster.user.deleted"]
    );
    hooks
        .update_webhook(pb::UpdateWebhookRequest {
            webhook: Some(pb::Webhook {
                id: id.clone(),
                state: "paused".into(),
                ..Default::default()
            }),
            update_mask: mask(&["state"]),
            ..Default::default()
        })
        .await
        .unwrap();
    let listed = json_lines(&stdout(
        &roster(&app, &["webhook", "list", "--tenant", "acme", "--json"]).await,
    ));
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0]["id"].as_str(), listed[0]["state"].as_str()),
        (Some(id.as_str()), Some("paused"))
    );
    assert!(listed[0].get("secret").is_none());
    let text = stdout(&roster(&app, &["webhook", "list", "--tenant", "acme"]).await);
    assert!(text.contains(&id) && text.contains(url) && !text.contains(&secret));

    // Resumed from the CLI.
    let resumed = json_lines(&stdout(
        &roster(
            &app,
            &["webhook", "resume", "--tenant", "acme", &id, "--json"],
        )
        .await,
    ));
    assert_eq!(resumed[0]["state"], "active");

    // Refusals, each a failure with a message and nothing made.
    for args in [
        &[
            "webhook",
            "create",
            "--tenant",
            "acme",
            "--url",
            "http://127.0.0.1:9/x",
        ][..],
        &[
            "webhook",
            "create",
            "--tenant",
            "acme",
            "--url",
            url,
            "--type",
            "roster.nope",
        ][..],
        &["webhook", "list", "--tenant", "nosuch"][..],
        &["webhook", "delete", "--tenant", "acme", "not-an-id"][..],
    ] {
        let o = roster(&app, args).await;
        assert!(!o.status.success(), "{args:?}");
        assert!(!o.stderr.is_empty(), "{args:?}");
    }

    let deleted = stdout(
        &roster(
            &app,
            &["webhook", "delete", "--tenant", "acme", &id, "--json"],
        )
        .await,
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&deleted).unwrap()["deleted"],
        true
    );
    let left = hooks
        .list_webhooks(pb::ListWebhooksRequest {})
        .await
        .unwrap()
        .into_inner()
        .webhooks;
    assert!(left.is_empty());
    let o = roster(&app, &["webhook", "delete", "--tenant", "acme", &id]).await;
    assert!(!o.status.success(), "deleted twice");
}
