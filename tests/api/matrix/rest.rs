//! The REST cross-tenant matrix: every route of every dialect, as the gateway describes them
//! at `/openapi.json`, called with tenant B's valid credentials naming tenant A's resources
//! (ids, numbers, logins, emails, external ids, group paths, key fingerprints, role and policy
//! names, ETags, cursors, page tokens, passwords, idempotency keys) in its path, query,
//! headers and body. No answer may hold A's data or fail with a server error, and every row
//! of A in the database must be the same afterwards. One test per dialect, so that they run
//! side by side; one more fails when a route or parameter is described that the matrix does
//! not aim at.

mod attacker;
mod bodies;
mod plan;
mod routes;
mod verdict;
mod victim;

use crate::support::TestApp;
use crate::support::cloudapi::TestKey;
use crate::support::scim::Scim;
use crate::support::tenant_rows::{changes, tenant_rows};
use attacker::{Attacker, Call};
use futures::{StreamExt as _, stream};
use reqwest::Method;
use routes::{Op, TAGS};
use serde_json::json;
use std::collections::BTreeSet;
use verdict::Judge;
use victim::Victim;

/// A public key of B's, for the writes that add keys.
fn attacker_key() -> String {
    TestKey::ed25519(42).public_line("attacker@laptop")
}

/// Runs the matrix on the routes tagged `tag`.
async fn attack(tag: &str) {
    let app = TestApp::spawn().await;
    let victim = Victim::make(&app).await;
    let attacker = Attacker::make(&app).await;
    let ops: Vec<Op> = routes::described(&app)
        .await
        .into_iter()
        .filter(|o| o.tag == tag)
        .collect();
    assert!(!ops.is_empty(), "no {tag} route is described");
    let key = attacker_key();
    let mut planned: Vec<(&Op, Call)> = ops
        .iter()
        .flat_map(|op| {
            plan::calls(op, &victim, &attacker, &key)
                .into_iter()
                .map(move |c| (op, c))
        })
        .collect();
    // Reads first, while B's tenant holds nothing that B copied from A's names.
    planned.sort_by_key(|(_, c)| c.method != Method::GET);

    let before = tenant_rows(&app.db, &victim.tenant_id).await;
    let mut judge = Judge::new(&victim);
    let mut called = BTreeSet::new();
    // Reads side by side (they change nothing, so their order does not matter); writes one
    // at a time, in order, so that what B made its own is known before the next answer.
    let (reads, writes) = planned.split_at(
        planned
            .iter()
            .take_while(|(_, c)| c.method == Method::GET)
            .count(),
    );
    let answers: Vec<_> = stream::iter(reads)
        .map(|(_, call)| attacker.send(tag, call))
        .buffered(8)
        .collect()
        .await;
    for ((op, call), a) in reads.iter().zip(answers) {
        judge.judge((&op.name(), op.open), call, &a);
        called.insert(op.name());
    }
    for (op, call) in writes {
        let a = attacker.send(tag, call).await;
        judge.judge((&op.name(), op.open), call, &a);
        called.insert(op.name());
    }
    // A's keyed writes, again with A's key and body, to A's path and to B's own.
    for k in victim.keyed.iter().filter(|k| k.tag == tag) {
        // The same path twice would be B's own retry.
        let paths: BTreeSet<&String> = k.paths.iter().collect();
        for path in paths {
            let call = Call {
                aim: "header:Idempotency-Key".into(),
                method: k.method.clone(),
                path: path.clone(),
                shown: path.clone(),
                query: vec![],
                headers: vec![("Idempotency-Key".into(), k.key.clone())],
                body: Some(k.body.clone()),
                content_type: k.content_type,
            };
            let a = attacker.send(tag, &call).await;
            judge.judge(("keyed write", false), &call, &a);
            if a.header("idempotent-replayed") == "true" {
                judge
                    .findings
                    .push(format!("A's answer replayed to B: {a:?}"));
            }
        }
    }
    let after = tenant_rows(&app.db, &victim.tenant_id).await;

    let changed = changes(&before, &after);
    assert!(
        changed.is_empty(),
        "{tag}: B changed A's rows:\n{}",
        changed.join("\n")
    );
    assert!(
        judge.findings.is_empty(),
        "{tag}: {} of {} calls went wrong:\n{}",
        judge.findings.len(),
        planned.len(),
        judge
            .findings
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let described: BTreeSet<String> = ops.iter().map(Op::name).collect();
    assert_eq!(called, described, "{tag}: routes the matrix did not call");
    assert!(before.len() > 20, "A has rows: {before:?}");
}

#[tokio::test]
async fn cloudapi_routes_never_give_b_a_view_or_a_change_of_a() {
    attack("CloudAPI").await;
}

#[tokio::test]
async fn surecloud_routes_never_give_b_a_view_or_a_change_of_a() {
    attack("SureCloud").await;
}

#[tokio::test]
async fn cloud_elements_routes_never_give_b_a_view_or_a_change_of_a() {
    attack("Cloud Elements").await;
}

#[tokio::test]
async fn forms_on_fire_routes_never_give_b_a_view_or_a_change_of_a() {
    attack("Forms On Fire").await;
}

#[tokio::test]
async fn scim_routes_never_give_b_a_view_or_a_change_of_a() {
    attack("SCIM").await;
}

/// A route or parameter added later is aimed at by the matrix, or this fails: every described
/// operation belongs to a dialect the matrix attacks, and each of its parameters (but those
/// that name nothing) and its body carry A's identifiers in some call.
#[tokio::test]
async fn every_described_route_and_parameter_is_in_the_matrix() {
    let app = TestApp::spawn().await;
    let victim = Victim::make(&app).await;
    let attacker = Attacker::make(&app).await;
    let ops = routes::described(&app).await;
    let tags: BTreeSet<&str> = ops.iter().map(|o| o.tag.as_str()).collect();
    assert_eq!(tags, TAGS.into_iter().collect(), "dialects described");
    let key = attacker_key();
    let mut missing = Vec::new();
    for op in &ops {
        let aims: BTreeSet<String> = plan::calls(op, &victim, &attacker, &key)
            .into_iter()
            .map(|c| c.aim)
            .collect();
        let mut wanted: Vec<String> = op
            .params
            .iter()
            .filter(|p| !plan::NAMING_NOTHING.contains(&p.name.as_str()))
            .map(|p| format!("{}:{}", p.place, p.name))
            .collect();
        if op.body {
            wanted.push("body".into());
        }
        for w in wanted.into_iter().filter(|w| !aims.contains(w)) {
            missing.push(format!("{}: {w} (aimed: {aims:?})", op.name()));
        }
    }
    assert!(
        missing.is_empty(),
        "not aimed at A:\n{}",
        missing.join("\n")
    );

    // The checks see A: A's own client reading A's user is a leak, had B been the reader, and
    // A's own change shows in A's rows.
    let scim = Scim::with_token(&app, &victim.scim_token);
    let path = format!("/Users/{}", victim.user_id);
    let before = tenant_rows(&app.db, &victim.tenant_id).await;
    let read = scim.get(&path).await;
    let call = Call {
        aim: "own".into(),
        method: Method::GET,
        path: path.clone(),
        shown: path.clone(),
        query: vec![],
        headers: vec![],
        body: None,
        content_type: "application/json",
    };
    let mut judge = Judge::new(&victim);
    judge.judge(("control", false), &call, &read);
    let found = judge.findings.join("\n");
    for canary in ["Canary-City-", "Canary-Phone-", &victim.user_id] {
        assert!(found.contains(canary), "{canary} unseen in {found}");
    }
    let ops = json!([{"op": "replace", "path": "displayName", "value": "Changed"}]);
    assert_eq!(scim.patch(&path, ops).await.status, 200);
    let changed = changes(&before, &tenant_rows(&app.db, &victim.tenant_id).await);
    assert!(
        changed.iter().any(|c| c.starts_with("+ users ")),
        "{changed:?}"
    );
}
