//! A retry while the first request still runs is a 409 in the dialect's shape, and the
//! request runs once: a SureCloud PATCH of thousands of users takes long enough for retries
//! sent meanwhile to find it running.

use super::{KEY, count, replayed};
use crate::support::surecloud::Sc;
use crate::support::{Answer, TestApp};
use serde_json::{Value, json};
use std::time::Duration;

const USERS: usize = 5000;

#[tokio::test]
async fn retries_while_the_first_runs_are_409s_and_it_runs_once() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let users: Vec<Value> = (0..USERS)
        .map(|i| json!({"email": format!("u{i}@acme.test"), "role": "CONTRIBUTOR"}))
        .collect();
    let body = json!({ "users": users });
    let send = || Answer::of(sc.request().header(KEY, "big").json(&body));
    let before = count(&app, &t.token).await;

    // The first, and retries until one finds an answer (or runs itself, if it came first).
    let (first, retries) = tokio::join!(send(), async {
        let mut seen = Vec::new();
        loop {
            tokio::time::sleep(Duration::from_millis(10)).await;
            let a = send().await;
            let done = a.status != 409;
            seen.push(a);
            if done {
                break seen;
            }
        }
    });
    let all: Vec<&Answer> = std::iter::once(&first).chain(&retries).collect();
    let ran: Vec<&&Answer> = all
        .iter()
        .filter(|a| a.status == 200 && a.header("idempotent-replayed").is_empty())
        .collect();
    assert_eq!(ran.len(), 1, "exactly one ran: {all:?}");
    let conflicts: Vec<&&Answer> = all.iter().filter(|a| a.status == 409).collect();
    assert!(!conflicts.is_empty(), "a retry found it running");
    for c in conflicts {
        assert!(Sc::error(c, 409).contains("still"), "{c:?}");
    }
    assert!(all.iter().all(|a| a.status == 200 || a.status == 409));

    let ran = ran[0];
    replayed(ran, &send().await);
    assert_eq!(Sc::users(ran).len(), USERS);
    assert_eq!(
        count(&app, &t.token).await,
        before + i64::try_from(USERS).unwrap()
    );
}
