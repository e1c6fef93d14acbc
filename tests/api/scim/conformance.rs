//! The public SCIM 2.0 conformance suite, scim2-tester (through the `scim2` command of
//! scim2-cli, installed into `.tools/scim` by `make tools`), against Roster with a
//! provisioning token: it discovers the server, then creates, reads, queries, replaces,
//! patches and deletes users and groups, and every check must succeed.

use crate::support::TestApp;
use crate::support::scim::provisioning_token;
use crate::support::tools::installed;

#[tokio::test]
async fn scim2_tester_reports_no_failure() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let (_, token) = provisioning_token(&app, &t, "scim2-tester").await;
    let scim2 = installed(".tools/scim/bin/scim2");
    let out = tokio::process::Command::new(scim2)
        .arg("--url")
        .arg(app.url("/scim/v2"))
        .arg("--header")
        .arg(format!("Authorization: Bearer {token}"))
        .arg("test")
        .output()
        .await
        .expect("scim2 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // One `STATUS check_name` line per check; indented lines are their details.
    let results: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with(char::is_whitespace))
        .filter(|l| !l.starts_with("Performing"))
        .collect();
    let failed: Vec<&&str> = results
        .iter()
        .filter(|l| !l.starts_with("SUCCESS "))
        .collect();
    assert!(
        out.status.success() && failed.is_empty() && results.len() > 50,
        "scim2-tester: {} results, not successes:\n{}\n--- stderr:\n{stderr}",
        results.len(),
        failed
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    );
}
