//! The operator's side: `roster group create|list`, `roster user secret-key issue|revoke` and
//! `roster user restrict`,
//! against a running `roster serve` on the same database.

use crate::support::process::{Installation, RosterProcess, roster_command};
use serde_json::{Value, json};

/// `roster user secret-key issue` for acme's owner (the first seven: without `--json`).
const ISSUE_OWNER_KEY: [&str; 8] = [
    "user",
    "secret-key",
    "issue",
    "--tenant",
    "acme",
    "--email",
    "owner@acme.test",
    "--json",
];

async fn run(inst: &Installation, args: &[&str]) -> String {
    let out = roster_command(args, &inst.env()).await;
    assert!(
        out.status.success(),
        "roster {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn groups_and_secret_keys_from_the_cli_serve_a_surecloud_client() {
    let inst = Installation::new().await;
    run(
        &inst,
        &[
            "tenant",
            "create",
            "acme",
            "--admin-email",
            "owner@acme.test",
            "--json",
        ],
    )
    .await;
    let created = run(
        &inst,
        &[
            "group",
            "create",
            "--tenant",
            "acme",
            "//Risk Department/Risk Analysts",
            "--json",
        ],
    )
    .await;
    let g: Value = serde_json::from_str(created.trim()).unwrap();
    assert_eq!(g["path"], "//Risk Department/Risk Analysts");
    let listed = run(&inst, &["group", "list", "--tenant", "acme", "--json"]).await;
    let paths: Vec<String> = listed
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        paths,
        ["//Risk Department", "//Risk Department/Risk Analysts"],
        "parents too"
    );
    let bad = roster_command(
        &["group", "create", "--tenant", "acme", "Risk"],
        &inst.env(),
    )
    .await;
    assert!(!bad.status.success());

    let issued = run(&inst, &ISSUE_OWNER_KEY).await;
    let issued: Value = serde_json::from_str(issued.trim()).unwrap();
    let key = issued["secretKey"].as_str().unwrap().to_owned();
    assert_eq!(issued.as_object().unwrap().len(), 1);

    let serve = RosterProcess::start("serve", &inst.env()).await;
    let http = reqwest::Client::new();
    let t = http
        .post(format!("{}/restful/v1/token", serve.http_url()))
        .json(&json!({"email": "owner@acme.test", "secretKey": key}))
        .send()
        .await
        .unwrap();
    assert_eq!(t.status(), 200);
    let t: Value = t.json().await.unwrap();
    let jwt = t["token"].as_str().unwrap().to_owned();
    let patch = || {
        http.patch(format!("{}/restful/v1/user", serve.http_url()))
            .header("authorization", format!("Bearer {jwt}"))
            .header("accept", "application/json")
            .json(
                &json!({"users": [{"email": "john@acme.test", "role": "CONTRIBUTOR",
                                     "groups": ["//Risk Department/Risk Analysts"]}]}),
            )
            .send()
    };
    let r = patch().await.unwrap();
    assert_eq!(r.status(), 200);
    let users: Value = r.json().await.unwrap();
    assert_eq!(
        users[0]["groups"],
        json!(["//Risk Department/Risk Analysts"])
    );

    run(
        &inst,
        &[
            "user",
            "secret-key",
            "revoke",
            "--tenant",
            "acme",
            "--email",
            "owner@acme.test",
        ],
    )
    .await;
    assert_eq!(
        patch().await.unwrap().status(),
        401,
        "revoked from the CLI: at once"
    );
    let again = roster_command(
        &[
            "user",
            "secret-key",
            "revoke",
            "--tenant",
            "acme",
            "--email",
            "owner@acme.test",
        ],
        &inst.env(),
    )
    .await;
    assert!(!again.status.success(), "nothing left to revoke");
}

#[tokio::test]
async fn restrictions_from_the_cli_are_set_shown_enforced_and_cleared() {
    let inst = Installation::new().await;
    run(
        &inst,
        &[
            "tenant",
            "create",
            "acme",
            "--admin-email",
            "owner@acme.test",
        ],
    )
    .await;
    let restrict = |extra: &'static [&'static str]| {
        let mut args = vec!["user", "restrict", "acme", "owner@acme.test", "--json"];
        args.extend_from_slice(extra);
        args
    };
    let set = run(
        &inst,
        &restrict(&["--allow", "10.0.0.0/8", "--allow", "Host.Example"]),
    )
    .await;
    let set: Value = serde_json::from_str(set.trim()).unwrap();
    assert_eq!(set["allow"], json!(["10.0.0.0/8", "host.example"]));
    let shown: Value = serde_json::from_str(run(&inst, &restrict(&[])).await.trim()).unwrap();
    assert_eq!(shown, set);
    let bad = roster_command(&restrict(&["--allow", "10.0.0.300"]), &inst.env()).await;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("10.0.0.300"));

    let issued = run(&inst, &ISSUE_OWNER_KEY[..7]).await;
    let serve = RosterProcess::start("serve", &inst.env()).await;
    let token = || {
        reqwest::Client::new()
            .post(format!("{}/restful/v1/token", serve.http_url()))
            .json(&json!({"email": "owner@acme.test", "secretKey": issued.trim()}))
            .send()
    };
    assert_eq!(token().await.unwrap().status(), 403, "loopback is not 10/8");

    let cleared: Value =
        serde_json::from_str(run(&inst, &restrict(&["--clear"])).await.trim()).unwrap();
    assert_eq!(cleared["allow"], json!([]));
    assert_eq!(token().await.unwrap().status(), 200);
}
