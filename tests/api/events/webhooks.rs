//! Webhooks against real HTTP receivers on loopback: every event once, in order, signed in
//! the Standard Webhooks style, after a receiver's failures; a receiver that never succeeds
//! gets its events parked and its subscription paused, and resumed it gets what came next;
//! a type filter; only the tenant's owner manages them; URLs inside the network refused.

use crate::security::owner::user_with_level;
use crate::support::receiver::{Attempt, Receiver};
use crate::support::scim::provisioning_token;
use crate::support::{
    TestApp, TestTenant, create, expect_code, mask, reason, user, violated_fields,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use roster_proto::v1 as pb;
use roster_user_service::scopes;
use sha2::Sha256;
use tonic::Code;

async fn app_with(retry_for_secs: u64) -> TestApp {
    TestApp::spawn_with(move |s| {
        s.webhook_allow_private = true;
        s.webhook_first_retry_ms = 50;
        s.webhook_retry_for_secs = retry_for_secs;
        s.webhook_pause_after_parked = 2;
    })
    .await
}

async fn subscribe(
    app: &TestApp,
    t: &TestTenant,
    url: &str,
    types: &[&str],
) -> (pb::Webhook, String) {
    let r = app
        .webhooks(&t.owner_token)
        .create_webhook(pb::CreateWebhookRequest {
            url: url.to_owned(),
            event_types: types.iter().map(|s| (*s).to_owned()).collect(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    (r.webhook.unwrap(), r.secret)
}

async fn get(app: &TestApp, t: &TestTenant, id: &str) -> pb::Webhook {
    app.webhooks(&t.owner_token)
        .get_webhook(pb::GetWebhookRequest { id: id.to_owned() })
        .await
        .unwrap()
        .into_inner()
}

/// The attempt's signature checks out with `secret`, as a Standard Webhooks library checks.
#[track_caller]
fn verify(a: &Attempt, secret: &str) {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    let signed = format!(
        "{}.{}.{}",
        a.header("webhook-id"),
        a.header("webhook-timestamp"),
        a.body
    );
    mac.update(signed.as_bytes());
    let want = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    assert_eq!(a.header("webhook-signature"), want);
    let ts: i64 = a.header("webhook-timestamp").parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        (i64::try_from(now).unwrap() - ts).abs() < 60,
        "a current timestamp"
    );
}

#[tokio::test]
async fn a_receiver_failing_three_times_gets_every_event_once_in_order_and_signed() {
    let app = app_with(3600).await;
    let t = app.tenant("acme").await;
    let flaky = Receiver::start(3).await;
    let deletions = Receiver::start(0).await;
    let (hook, secret) = subscribe(&app, &t, &flaky.url, &[]).await;
    subscribe(&app, &t, &deletions.url, &["roster.user.deleted"]).await;
    let mut users = app.users(&t.token);
    let ada = users
        .create_user(create(user("ada@example.com")))
        .await
        .unwrap()
        .into_inner();
    users
        .delete_user(pb::DeleteUserRequest {
            id: ada.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();

    // Its own creation, the other subscription's, ada made and deleted.
    let got = flaky.delivered(4).await;
    let kinds: Vec<(String, String)> = got
        .iter()
        .map(|a| {
            let e = a.event();
            (
                e["type"].as_str().unwrap().to_owned(),
                e["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds[0],
        ("roster.webhook.created".to_owned(), hook.id.clone())
    );
    assert_eq!(kinds[1].0, "roster.webhook.created");
    assert_eq!(kinds[2], ("roster.user.created".to_owned(), ada.id.clone()));
    assert_eq!(kinds[3], ("roster.user.deleted".to_owned(), ada.id.clone()));
    let seqs: Vec<i64> = got
        .iter()
        .map(|a| a.event()["sequence"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
    for a in &got {
        verify(a, &secret);
        assert_eq!(a.header("content-type"), "application/cloudevents+json");
        assert_eq!(a.header("webhook-id"), a.event()["id"].as_str().unwrap());
        assert!(!a.body.contains(&secret));
    }
    // The first event was tried four times, always as the same message; each delivered once.
    let all = flaky.attempts();
    let first: Vec<&Attempt> = all
        .iter()
        .filter(|a| a.header("webhook-id") == got[0].header("webhook-id"))
        .collect();
    assert_eq!(first.len(), 4);
    assert_eq!(first.iter().filter(|a| a.ok).count(), 1);
    assert_eq!(all.len(), 3 + 4, "nothing sent twice once delivered");
    // The filtered subscription got the deletion only.
    let deleted = deletions.delivered(1).await;
    assert_eq!(deletions.attempts().len(), 1);
    assert_eq!(deleted[0].event()["type"], "roster.user.deleted");
    let now = get(&app, &t, &hook.id).await;
    assert_eq!((now.attempts, now.last_error.is_empty()), (0, false));
    assert_eq!(now.after_sequence, *seqs.last().unwrap());
}

#[tokio::test]
async fn a_receiver_that_never_succeeds_gets_its_events_parked_and_is_paused_then_resumed() {
    let app = app_with(1).await;
    let t = app.tenant("acme").await;
    let down = Receiver::start(0).await;
    down.set_failing(true);
    let (hook, secret) = subscribe(&app, &t, &down.url, &[]).await;
    let ada = app
        .users(&t.token)
        .create_user(create(user("ada@example.com")))
        .await
        .unwrap()
        .into_inner();

    // Its creation and ada's are parked, one after the other; two in a row pause it.
    let mut paused = get(&app, &t, &hook.id).await;
    for _ in 0..200 {
        if paused.state == "paused" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        paused = get(&app, &t, &hook.id).await;
    }
    assert_eq!(paused.state, "paused");
    assert_eq!(paused.parked_in_a_row, 2);
    assert_eq!(paused.last_error, "HTTP 500");
    let parked = app
        .webhooks(&t.owner_token)
        .list_parked_deliveries(pb::ListParkedDeliveriesRequest {
            webhook_id: hook.id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .deliveries;
    let types: Vec<&str> = parked.iter().map(|p| p.r#type.as_str()).collect();
    assert_eq!(types, ["roster.webhook.created", "roster.user.created"]);
    assert!(
        parked
            .iter()
            .all(|p| p.attempts >= 2 && p.last_error == "HTTP 500")
    );
    // Paused: nothing is tried any more.
    let tried = down.attempts().len();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(down.attempts().len(), tried);

    // Healed and resumed: what comes next is delivered; the parked stay parked.
    down.set_failing(false);
    let resumed = app
        .webhooks(&t.owner_token)
        .update_webhook(pb::UpdateWebhookRequest {
            webhook: Some(pb::Webhook {
                id: hook.id.clone(),
                state: "active".into(),
                ..Default::default()
            }),
            update_mask: mask(&["state"]),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (resumed.state.as_str(), resumed.parked_in_a_row),
        ("active", 0)
    );
    app.users(&t.token)
        .delete_user(pb::DeleteUserRequest {
            id: ada.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let got = down.delivered(2).await;
    let types: Vec<String> = got
        .iter()
        .map(|a| a.event()["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["roster.webhook.updated", "roster.user.deleted"]);
    for a in &got {
        verify(a, &secret);
    }
}

#[tokio::test]
async fn only_the_tenants_owner_manages_its_webhooks() {
    let app = app_with(3600).await;
    let t = app.tenant("acme").await;
    let other = app.tenant("globex").await;
    let (hook, _) = subscribe(&app, &t, "https://hooks.example.com/a?token=s3cret", &[]).await;
    let admin = user_with_level(&app, &t, "a@acme.test", pb::AccessLevel::Admin).await;
    let admin_token = app.user_token(&t.id, &admin.id, scopes::TENANT_ADMIN, 0);
    let member = user_with_level(&app, &t, "m@acme.test", pb::AccessLevel::User).await;
    let member_token = app.user_token(&t.id, &member.id, scopes::TENANT_ADMIN, 0);
    let no_scope = app.token(Some(&t.id), &[scopes::USERS_READ, scopes::EVENTS_READ]);
    let (_, bearer) = provisioning_token(&app, &t, "idp").await;
    let scim = app
        .auth(None)
        .authenticate(pb::AuthenticateRequest {
            credential: Some(pb::authenticate_request::Credential::ProvisioningToken(
                bearer,
            )),
        })
        .await
        .unwrap()
        .into_inner()
        .token;
    let create = || pb::CreateWebhookRequest {
        url: "https://evil.example.com/".into(),
        ..Default::default()
    };
    for (who, token) in [
        ("a service account", t.token.as_str()),
        ("an administrator", admin_token.as_str()),
        ("a member", member_token.as_str()),
        ("a token without the scope", no_scope.as_str()),
        ("a provisioning token", scim.as_str()),
    ] {
        let mut w = app.webhooks(token);
        let st = expect_code(w.create_webhook(create()).await, Code::PermissionDenied);
        assert!(!st.message().is_empty(), "{who}");
        expect_code(
            w.list_webhooks(pb::ListWebhooksRequest {}).await,
            Code::PermissionDenied,
        );
        expect_code(
            w.delete_webhook(pb::DeleteWebhookRequest {
                id: hook.id.clone(),
                ..Default::default()
            })
            .await,
            Code::PermissionDenied,
        );
    }
    // Another tenant's owner finds no such webhook.
    let st = expect_code(
        app.webhooks(&other.owner_token)
            .delete_webhook(pb::DeleteWebhookRequest {
                id: hook.id.clone(),
                ..Default::default()
            })
            .await,
        Code::NotFound,
    );
    assert_eq!(reason(&st), "WEBHOOK_NOT_FOUND");
    expect_code(
        app.webhooks("not-a-token")
            .list_webhooks(pb::ListWebhooksRequest {})
            .await,
        Code::Unauthenticated,
    );
    // Nothing changed.
    let listed = app
        .webhooks(&t.owner_token)
        .list_webhooks(pb::ListWebhooksRequest {})
        .await
        .unwrap()
        .into_inner()
        .webhooks;
    assert_eq!(listed, [get(&app, &t, &hook.id).await]);
    // Those who read events (not only the owner) see the subscription without its query.
    let told = super::events_after(&app, &t, 0).await;
    let made = told
        .iter()
        .find(|e| e.r#type == "roster.webhook.created")
        .expect("the webhook's event");
    assert_eq!(super::data(made)["url"], "https://hooks.example.com/a");
    assert!(told.iter().all(|e| !e.data.contains("s3cret")));
}

#[tokio::test]
async fn urls_inside_the_network_and_unknown_types_are_refused() {
    // Default settings: private targets are not allowed.
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut w = app.webhooks(&t.owner_token);
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost/hook",
        "ftp://example.com/",
        "https://user:pw@example.com/",
    ] {
        let st = expect_code(
            w.create_webhook(pb::CreateWebhookRequest {
                url: url.into(),
                ..Default::default()
            })
            .await,
            Code::InvalidArgument,
        );
        assert_eq!(violated_fields(&st), ["url"], "{url}");
    }
    let st = expect_code(
        w.create_webhook(pb::CreateWebhookRequest {
            url: "https://hooks.example.com/".into(),
            event_types: vec!["roster.user.created".into(), "roster.nope".into()],
            ..Default::default()
        })
        .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&st), ["event_types[1]"]);
    let listed = w
        .list_webhooks(pb::ListWebhooksRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(listed.webhooks.is_empty());
}
