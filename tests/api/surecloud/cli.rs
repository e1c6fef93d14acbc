//! The operator's side: `roster group create|list` and `roster user secret-key issue|revoke`,
//! against a running `roster serve` on the same database.

use crate::support::process::{Installation, RosterProcess, roster_command};
use serde_json::{Value, json};

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

    let issued = run(
        &inst,
        &[
            "user",
            "secret-key",
            "issue",
            "--tenant",
            "acme",
            "--email",
            "owner@acme.test",
            "--json",
        ],
    )
    .await;
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
