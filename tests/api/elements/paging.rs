//! Paging: 1 000 users in small pages, each exactly once even while users are added;
//! tokens are opaque, tamper-evident and returned regardless.

use crate::support::TestApp;
use crate::support::elements::Ce;
use roster_proto::v1 as pb;

async fn seed(app: &TestApp, token: &str, n: usize, prefix: &str) {
    let items = (0..n)
        .map(|i| pb::UpsertUserItem {
            key: crate::support::key_email(&format!("{prefix}{i}@acme.test")),
            user: Some(pb::User {
                first_name: Some(format!("F{i}")),
                ..Default::default()
            }),
            update_mask: crate::support::mask(&["first_name"]),
            create_if_missing: true,
            lenient_groups: false,
        })
        .collect();
    let r = app
        .users(token)
        .batch_upsert_users(pb::BatchUpsertUsersRequest {
            items,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        r.results
            .iter()
            .all(|r| r.status.as_ref().unwrap().code == 0)
    );
}

#[tokio::test]
async fn a_thousand_users_come_once_each_in_small_pages_while_others_are_added() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    seed(&app, &t.token, 1000, "u").await;
    let ce = Ce::owner(&app, &t);
    let mut seen = std::collections::BTreeSet::new();
    let mut last_id = 0;
    let mut token = String::new();
    let mut added = 0;
    for page in 0.. {
        let mut q = vec![("pageSize", "17")];
        if !token.is_empty() {
            q.push(("nextPage", token.as_str()));
        }
        let a = ce.get_query("/users", &q).await;
        assert_eq!(a.status, 200, "{a:?}");
        let count: usize = a.header("elements-returned-count").parse().unwrap();
        assert_eq!(count, a.json().as_array().unwrap().len());
        assert!(!a.header("elements-request-id").is_empty());
        for u in a.json().as_array().unwrap() {
            let id = u["id"].as_i64().unwrap();
            assert!(id > last_id, "ascending ids, no repeats");
            last_id = id;
            assert!(seen.insert(u["email"].as_str().unwrap().to_owned()));
        }
        let next = a.header("elements-next-page-token").to_owned();
        assert!(!next.is_empty(), "a token is returned regardless");
        if count == 0 {
            break;
        }
        token = next;
        // Users keep arriving while the client pages.
        if page % 10 == 0 {
            seed(&app, &t.token, 3, &format!("late{page}-")).await;
            added += 3;
        }
    }
    for i in 0..1000 {
        assert!(
            seen.contains(&format!("u{i}@acme.test")),
            "u{i} was skipped"
        );
    }
    assert!(seen.len() <= 1001 + added);
}

#[tokio::test]
async fn tokens_are_tamper_evident_and_sizes_bounded() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    seed(&app, &t.token, 30, "u").await;
    let ce = Ce::owner(&app, &t);
    let first = ce.get_query("/users", &[("pageSize", "10")]).await;
    assert_eq!(first.json().as_array().unwrap().len(), 10);
    let token = first.header("elements-next-page-token").to_owned();
    // Any character changed: refused.
    for i in [0, token.len() / 2, token.len() - 1] {
        let mut bad = token.clone().into_bytes();
        bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        let a = ce
            .get_query("/users", &[("pageSize", "10"), ("nextPage", &bad)])
            .await;
        assert!(Ce::error(&a, 400).contains("nextPage"), "{i}");
    }
    // A token belongs to its query.
    let other = ce
        .get_query(
            "/users",
            &[
                ("pageSize", "10"),
                ("nextPage", &token),
                ("where", "id > 0"),
            ],
        )
        .await;
    Ce::error(&other, 400);
    let second = ce
        .get_query("/users", &[("pageSize", "10"), ("nextPage", &token)])
        .await;
    assert_eq!(second.json().as_array().unwrap().len(), 10);
    let default = ce.get("/users").await;
    assert_eq!(
        default.json().as_array().unwrap().len(),
        31,
        "200 by default"
    );
    let max = ce.get_query("/users", &[("pageSize", "500")]).await;
    assert_eq!(max.status, 200);
    for bad in ["0", "501", "-1", "ten"] {
        let a = ce.get_query("/users", &[("pageSize", bad)]).await;
        assert!(Ce::error(&a, 400).contains("pageSize"), "{bad}");
    }
    Ce::error(
        &ce.get_query("/users", &[("includeInactive", "maybe")])
            .await,
        400,
    );
}
