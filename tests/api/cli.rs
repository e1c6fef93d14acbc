//! The real `roster` binary and grpcurl, as an operator uses them.

use crate::support::process::key_env;
use crate::support::{TestApp, create, get_by, grpcurl_bin, mask, roster_bin, user};
use roster_proto::v1 as pb;
use roster_proto::v1::user_key::Key;
use std::process::{Command, Output, Stdio};
use tokio::io::AsyncBufReadExt as _;

/// Runs `roster` on the app's data directory and database, with the app's keys.
pub(crate) async fn roster(app: &TestApp, args: &[&str]) -> Output {
    tokio::process::Command::new(roster_bin())
        .arg("--data-dir")
        .arg(app.dir.path())
        .arg("--database-url")
        .arg(&app.db.url)
        .args(args)
        .envs(key_env())
        .env_remove("RUST_LOG")
        .output()
        .await
        .expect("roster runs")
}

pub(crate) fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "roster failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

#[tokio::test]
async fn tenant_create_json_gives_a_token_that_manages_users_while_serve_runs() {
    // Arrange: the server runs on the same data while the command runs.
    let app = TestApp::spawn().await;

    // Act
    let out = roster(
        &app,
        &[
            "tenant",
            "create",
            "acme",
            "--admin-email",
            "admin@acme.test",
            "--name",
            "Acme Inc",
            "--json",
        ],
    )
    .await;

    // Assert: one JSON object with every field.
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "one line: {text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for field in [
        "tenant_id",
        "login",
        "company_id",
        "integration_key",
        "organization_secret",
        "token",
    ] {
        assert!(!v[field].is_null(), "{field} missing: {v}");
    }
    for field in ["id", "login", "email", "secret"] {
        assert!(v["admin"][field].is_string(), "admin.{field} missing: {v}");
    }
    assert_eq!(v["login"], "acme");
    assert_eq!(v["admin"]["email"], "admin@acme.test");

    // The token drives the whole user lifecycle over gRPC.
    let token = v["token"].as_str().unwrap();
    let mut users = app.users(token);
    let created = users
        .create_user(create(user("ann@acme.test")))
        .await
        .unwrap()
        .into_inner();
    let got = users
        .get_user(get_by(Key::Email("ann@acme.test".into())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.id, created.id);
    let listed = users
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.users.len(), 2);
    let patch = pb::User {
        id: created.id.clone(),
        first_name: Some("Ann".into()),
        ..Default::default()
    };
    let updated = users
        .update_user(pb::UpdateUserRequest {
            user: Some(patch),
            update_mask: mask(&["first_name"]),
            password: None,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.first_name.as_deref(), Some("Ann"));
    users
        .delete_user(pb::DeleteUserRequest {
            id: created.id,
            etag: updated.etag,
            ..Default::default()
        })
        .await
        .unwrap();

    // The same login again is refused with a message and a failure exit code.
    let again = roster(
        &app,
        &["tenant", "create", "ACME", "--admin-email", "x@acme.test"],
    )
    .await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already taken"));
}

#[tokio::test]
async fn token_issue_prints_a_token_with_the_asked_scopes() {
    let app = TestApp::spawn().await;
    app.tenant("acme").await;
    let token = stdout(
        &roster(
            &app,
            &[
                "token",
                "issue",
                "--tenant",
                "acme",
                "--scope",
                "users.read",
                "--ttl",
                "5m",
            ],
        )
        .await,
    );
    let token = token.trim();
    let mut users = app.users(token);
    users
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap();
    let st = users
        .create_user(create(user("x@acme.test")))
        .await
        .unwrap_err();
    assert_eq!(st.code(), tonic::Code::PermissionDenied);

    let bad = roster(
        &app,
        &[
            "token",
            "issue",
            "--tenant",
            "acme",
            "--scope",
            "everything",
        ],
    )
    .await;
    assert!(!bad.status.success());
    let missing = roster(&app, &["token", "issue", "--tenant", "nosuch"]).await;
    assert!(!missing.status.success());
}

#[tokio::test]
async fn tenant_create_reads_ssh_key_files_and_refuses_bad_ones() {
    let app = TestApp::spawn().await;
    let good = app.dir.path().join("id.pub");
    std::fs::write(&good, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICIkpA5a82ahScPpN0H0gN6uPiq8dF6cKcTKQaYJpKDK me@laptop\n").unwrap();
    let bad = app.dir.path().join("bad.pub");
    std::fs::write(&bad, "not a key\n").unwrap();
    let ok = roster(
        &app,
        &[
            "tenant",
            "create",
            "keyed",
            "--admin-email",
            "a@k.test",
            "--ssh-key",
            good.to_str().unwrap(),
        ],
    )
    .await;
    assert!(stdout(&ok).contains("Tenant keyed created"));
    let refused = roster(
        &app,
        &[
            "tenant",
            "create",
            "badkey",
            "--admin-email",
            "a@k.test",
            "--ssh-key",
            bad.to_str().unwrap(),
        ],
    )
    .await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("owner_ssh_keys[0]"));
    let listed = stdout(&roster(&app, &["tenant", "list"]).await);
    assert!(
        listed.contains("keyed") && !listed.contains("badkey"),
        "{listed}"
    );
    stdout(&roster(&app, &["migrate"]).await);
}

/// grpcurl against the in-process server: run asynchronously, so the server keeps serving.
async fn grpcurl(args: &[&str]) -> Output {
    tokio::process::Command::new(grpcurl_bin())
        .args(args)
        .output()
        .await
        .expect("grpcurl runs")
}

#[tokio::test]
async fn grpcurl_lists_the_services_and_walks_through_a_user() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let addr = app.grpc_addr.to_string();
    let list = grpcurl(&["-plaintext", &addr, "list"]).await;
    let services = String::from_utf8(list.stdout).unwrap();
    for s in [
        "roster.v1.UserService",
        "roster.v1.GroupService",
        "roster.v1.TenantService",
        "roster.v1.AuthService",
        "roster.v1.ProvisioningTokenService",
        "grpc.health.v1.Health",
    ] {
        assert!(
            services.lines().any(|l| l == s),
            "{s} missing from:\n{services}{}",
            String::from_utf8_lossy(&list.stderr)
        );
    }
    let auth = format!("authorization: Bearer {}", t.token);
    let call = |method: &'static str, body: &'static str| {
        let (auth, addr) = (auth.clone(), addr.clone());
        async move {
            let o = grpcurl(&["-plaintext", "-H", &auth, "-d", body, &addr, method]).await;
            assert!(
                o.status.success(),
                "{method}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
        }
    };
    let created = call(
        "roster.v1.UserService/CreateUser",
        r#"{"user":{"email":"ann@acme.test","first_name":"Ann"}}"#,
    )
    .await;
    assert_eq!(created["firstName"], "Ann");
    let got = call(
        "roster.v1.UserService/GetUser",
        r#"{"key":{"email":"ann@acme.test"}}"#,
    )
    .await;
    assert_eq!(got["id"], created["id"]);
    let listed = call(
        "roster.v1.UserService/ListUsers",
        r#"{"page_size":10,"filter":{"compare":{"field":"USER_FIELD_FIRST_NAME","operator":"EQ","values":[{"string_value":"Ann"}]}}}"#,
    )
    .await;
    assert_eq!(listed["users"].as_array().unwrap().len(), 1);
    // The README's update, with the mask as grpcurl 1.8 wants it.
    let id = created["id"].as_str().unwrap();
    let body = format!(
        r#"{{"user":{{"id":"{id}","job_title":"Analyst"}},"update_mask":{{"paths":["job_title"]}}}}"#
    );
    let o = grpcurl(&[
        "-plaintext",
        "-H",
        &auth,
        "-d",
        &body,
        &addr,
        "roster.v1.UserService/UpdateUser",
    ])
    .await;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let updated: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(updated["jobTitle"], "Analyst");
    let health = grpcurl(&["-plaintext", &addr, "grpc.health.v1.Health/Check"]).await;
    assert!(String::from_utf8_lossy(&health.stdout).contains("SERVING"));
    // Errors come with readable details.
    let bad = grpcurl(&[
        "-plaintext",
        "-H",
        &auth,
        "-d",
        r#"{"user":{"email":"nope"}}"#,
        &addr,
        "roster.v1.UserService/CreateUser",
    ])
    .await;
    assert!(!bad.status.success());
    let text =
        String::from_utf8_lossy(&bad.stdout).to_string() + &String::from_utf8_lossy(&bad.stderr);
    assert!(
        text.contains("INVALID_FIELD") && text.contains("user.email"),
        "{text}"
    );
}

#[tokio::test]
async fn roster_serve_listens_where_told_and_exits_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::support::TestDb::create(dir.path()).await;
    let mut child = tokio::process::Command::new(roster_bin())
        .arg("serve")
        .env("ROSTER_DATA_DIR", dir.path())
        .env("ROSTER_DATABASE_URL", &db.url)
        .env("ROSTER_GRPC_ADDR", "127.0.0.1:0")
        .env("ROSTER_HTTP_ADDR", "127.0.0.1:0")
        .env("ROSTER_METRICS_ADDR", "127.0.0.1:0")
        .env("ROSTER_LOG_FORMAT", "json")
        .env_remove("RUST_LOG")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let (mut grpc, mut http) = (None, None);
    while grpc.is_none() || http.is_none() {
        let next = tokio::time::timeout(std::time::Duration::from_mins(1), lines.next_line());
        let line = next
            .await
            .expect("roster serve starts within a minute")
            .unwrap()
            .expect("roster serve logs its addresses");
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let addr = v["addr"].as_str().map(str::to_owned);
        match v["message"].as_str() {
            Some("User service listening.") => grpc = addr,
            Some("Gateway listening.") => http = addr,
            _ => {}
        }
    }
    let (grpc, http) = (grpc.unwrap(), http.unwrap());
    let ready = reqwest::get(format!("http://{http}/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
    let list = grpcurl(&["-plaintext", &grpc, "list"]).await;
    assert!(String::from_utf8_lossy(&list.stdout).contains("roster.v1.UserService"));
    assert!(
        dir.path().join("keys.json").exists(),
        "keys generated into the data directory"
    );

    let pid = child.id().unwrap().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::time::timeout(std::time::Duration::from_mins(1), child.wait())
        .await
        .expect("exits after SIGTERM")
        .unwrap();
    assert!(status.success(), "exit status {status:?}");
}

#[tokio::test]
async fn scim_token_issue_list_and_revoke_from_the_cli() {
    use pb::authenticate_request::Credential as C;
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let exchange = |bearer: String| {
        let mut auth = app.auth(None);
        async move {
            auth.authenticate(pb::AuthenticateRequest {
                credential: Some(C::ProvisioningToken(bearer)),
            })
            .await
        }
    };

    // Issue: one JSON object with the id and the bearer text, shown once.
    let out = stdout(
        &roster(
            &app,
            &[
                "scim-token",
                "issue",
                "--tenant",
                "acme",
                "--name",
                "Okta",
                "--json",
            ],
        )
        .await,
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = v["id"].as_str().unwrap().to_owned();
    let bearer = v["token"].as_str().unwrap().to_owned();
    let simple = uuid::Uuid::try_parse(&id).unwrap().simple().to_string();
    assert!(
        bearer.starts_with(&format!("rst_scim_{simple}_")),
        "{bearer}"
    );
    // Without --json: the bearer text alone on stdout.
    let plain = stdout(
        &roster(
            &app,
            &[
                "scim-token",
                "issue",
                "--tenant",
                "acme",
                "--name",
                "Entra ID",
            ],
        )
        .await,
    );
    let second = plain.trim().to_owned();
    assert!(
        second.starts_with("rst_scim_") && !second.contains(' '),
        "{plain}"
    );

    // The token works over gRPC: it lists the tenant's users and creates one.
    let token = exchange(bearer.clone())
        .await
        .expect("exchange")
        .into_inner()
        .token;
    let mut users = app.users(&token);
    users
        .create_user(create(user("ann@acme.test")))
        .await
        .expect("create with a CLI-made provisioning token");
    let listed = users
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.users.len(), 2);

    // The owner sees the CLI's tokens over gRPC, and the CLI's list shows the use.
    let over_grpc = app
        .provisioning_tokens(&t.owner_token)
        .list_provisioning_tokens(pb::ListProvisioningTokensRequest {})
        .await
        .unwrap()
        .into_inner()
        .tokens;
    let names: Vec<&str> = over_grpc.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["Okta", "Entra ID"]);
    let lines: Vec<serde_json::Value> =
        stdout(&roster(&app, &["scim-token", "list", "--tenant", "acme", "--json"]).await)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["id"], id.as_str());
    assert_eq!(lines[0]["name"], "Okta");
    assert!(lines[0]["createTime"].as_str().unwrap().ends_with('Z'));
    assert!(lines[0]["lastUsedTime"].is_string(), "used: {:?}", lines[0]);
    assert!(
        lines[1]["lastUsedTime"].is_null(),
        "never used: {:?}",
        lines[1]
    );
    for l in &lines {
        assert!(l.get("token").is_none() && l.get("secret").is_none(), "{l}");
    }
    let text = stdout(&roster(&app, &["scim-token", "list", "--tenant", "acme"]).await);
    assert!(text.contains(&id) && text.contains("Okta") && text.contains("never used"));
    assert!(!text.contains(&bearer), "never the secret");

    // Revoke: the exchanged token ends at once, the text is no longer exchanged.
    let revoked = stdout(
        &roster(
            &app,
            &["scim-token", "revoke", "--tenant", "acme", &id, "--json"],
        )
        .await,
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&revoked).unwrap()["revoked"],
        true
    );
    let refused = users
        .list_users(pb::ListUsersRequest::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{refused:?}");
    assert_eq!(
        exchange(bearer).await.unwrap_err().code(),
        tonic::Code::Unauthenticated
    );
    exchange(second).await.expect("the other token still works");

    // Refusals: again, an unknown tenant, a bad name; each a failure with a message.
    for args in [
        &["scim-token", "revoke", "--tenant", "acme", id.as_str()][..],
        &["scim-token", "list", "--tenant", "nosuch"][..],
        &["scim-token", "issue", "--tenant", "acme", "--name", " "][..],
    ] {
        let o = roster(&app, args).await;
        assert!(!o.status.success(), "{args:?}");
        assert!(!o.stderr.is_empty(), "{args:?}");
    }
    let count = stdout(&roster(&app, &["scim-token", "list", "--tenant", "acme"]).await)
        .lines()
        .count();
    assert_eq!(count, 1);
}
