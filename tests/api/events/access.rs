//! Who reads events: the tenant's administrators, its service accounts and operators; not a
//! member who is not an administrator, not a provisioning token, not another tenant, not
//! an anonymous caller. Bad requests are refused with the field named.

use super::{events_after, high_water};
use crate::security::owner::user_with_level;
use crate::support::scim::provisioning_token;
use crate::support::surecloud::issue_key;
use crate::support::{TestApp, create, expect_code, user, violated_fields};
use roster_proto::v1 as pb;
use tonic::Code;

fn list(after: i64) -> pb::ListEventsRequest {
    pb::ListEventsRequest {
        after_sequence: after,
        page_size: 0,
        types: Vec::new(),
    }
}

async fn token_of(app: &TestApp, credential: pb::authenticate_request::Credential) -> String {
    app.auth(None)
        .authenticate(pb::AuthenticateRequest {
            credential: Some(credential),
        })
        .await
        .expect("authenticate")
        .into_inner()
        .token
}

#[tokio::test]
async fn only_the_tenants_administrators_services_and_operators_read_its_events() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let other = app.tenant("globex").await;
    app.users(&t.token)
        .create_user(create(user("ada@example.com")))
        .await
        .unwrap();
    let member = user_with_level(&app, &t, "m@example.com", pb::AccessLevel::User).await;
    let admin = user_with_level(&app, &t, "a@example.com", pb::AccessLevel::Admin).await;
    let secret_key_token = |email: String| {
        let app = &app;
        let t = &t;
        async move {
            let key = issue_key(app, t, &email).await;
            token_of(
                app,
                pb::authenticate_request::Credential::SecretKey(pb::SecretKeyCredential {
                    email,
                    secret_key: key,
                }),
            )
            .await
        }
    };
    let member_token = secret_key_token(member.email.clone()).await;
    let admin_token = secret_key_token(admin.email.clone()).await;
    let (_, bearer) = provisioning_token(&app, &t, "idp").await;
    let scim_token = token_of(
        &app,
        pb::authenticate_request::Credential::ProvisioningToken(bearer),
    )
    .await;

    let all = events_after(&app, &t, 0).await;
    assert!(!all.is_empty());
    for token in [&t.token, &t.owner_token, &admin_token] {
        let page = app
            .events(token)
            .list_events(list(0))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            page.events, all,
            "the tenant's administrators read the same events"
        );
    }
    for token in [&member_token, &scim_token] {
        let s = expect_code(
            app.events(token).list_events(list(0)).await,
            Code::PermissionDenied,
        );
        assert!(!s.message().is_empty());
        let mut watch = app.events(token);
        expect_code(
            watch
                .watch_events(pb::WatchEventsRequest {
                    after_sequence: 0,
                    types: Vec::new(),
                })
                .await
                .map(|_| ()),
            Code::PermissionDenied,
        );
    }
    expect_code(
        app.events("not-a-token").list_events(list(0)).await,
        Code::Unauthenticated,
    );
    // Another tenant's administrator reads its own tenant's events only.
    let theirs = app
        .events(&other.token)
        .list_events(list(0))
        .await
        .unwrap()
        .into_inner();
    assert!(
        theirs
            .events
            .iter()
            .all(|e| e.source == format!("/tenants/{}", other.id))
    );
    assert!(
        theirs
            .events
            .iter()
            .all(|e| !all.iter().any(|m| m.id == e.id))
    );
}

#[tokio::test]
async fn bad_requests_name_the_field_and_the_type_filter_keeps_the_sequence() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let mut events = app.events(&t.token);
    let s = expect_code(
        events
            .list_events(pb::ListEventsRequest {
                after_sequence: -1,
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&s), ["after_sequence"]);
    let s = expect_code(
        events
            .list_events(pb::ListEventsRequest {
                types: vec!["roster.user.exploded".into()],
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&s), ["types"]);
    let s = expect_code(
        events
            .list_events(pb::ListEventsRequest {
                page_size: 1001,
                ..Default::default()
            })
            .await,
        Code::InvalidArgument,
    );
    assert_eq!(violated_fields(&s), ["page_size"]);

    let start = high_water(&app, &t).await;
    let mut users = app.users(&t.token);
    for i in 0..3 {
        users
            .create_user(create(user(&format!("u{i}@example.com"))))
            .await
            .unwrap();
    }
    let page = events
        .list_events(pb::ListEventsRequest {
            after_sequence: start,
            page_size: 2,
            types: vec!["roster.user.deleted".into()],
        })
        .await
        .unwrap()
        .into_inner();
    assert!(page.events.is_empty());
    assert_eq!(page.high_water_sequence, start + 3);
    assert_eq!(
        page.next_after_sequence,
        start + 3,
        "past what the filter hid"
    );
    let page = events
        .list_events(pb::ListEventsRequest {
            after_sequence: start,
            page_size: 2,
            types: vec!["roster.user.created".into()],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.events.len(), 2);
    assert_eq!(
        page.next_after_sequence,
        start + 2,
        "a full page stops at its last"
    );
}
