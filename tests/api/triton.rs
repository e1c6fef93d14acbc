//! The real `triton` CLI 7.17.0 (npm, installed by `make tools`) against Roster, with SSH keys
//! made by `ssh-keygen`: every `triton rbac` command the CloudAPI issue names.

use crate::support::triton::{keygen, md5, ok, setup};

#[tokio::test]
async fn every_owner_key_type_signs_for_the_cli() {
    let (_app, cli, fps) = setup().await;
    for fp in &fps {
        let r = cli.run_as(fp, None, &["rbac", "users"], &[]).await;
        assert_eq!(ok(&r).trim(), "LOGIN  EMAIL  NAME  CDATE", "key {fp}");
    }
}

#[tokio::test]
async fn the_rbac_user_commands_work() {
    let (_app, cli, [rsa, ..]) = setup().await;
    let run = |args: Vec<&'static str>| {
        let fp = rsa.clone();
        let cli = &cli;
        async move { cli.run_as(&fp, None, &args, &[]).await }
    };
    let file = cli.file(
        "bob.json",
        r#"{"login":"bob","password":"s3cret-Passw0rd","email":"bob@example.com","companyName":"ACME","firstName":"Bob","lastName":"Builder"}"#,
    );
    let r = cli
        .run_as(&rsa, None, &["rbac", "user", "-a", &file], &[])
        .await;
    assert_eq!(ok(&r).trim(), r#"Created user "bob""#);

    let r = run(vec!["rbac", "users"]).await;
    let lines: Vec<&str> = ok(&r).lines().collect();
    assert_eq!(lines.len(), 2, "{r:?}");
    assert!(
        lines[1].starts_with("bob")
            && lines[1].contains("bob@example.com")
            && lines[1].contains("Bob Builder"),
        "{r:?}"
    );

    let r = run(vec!["rbac", "user", "bob"]).await;
    let keys: Vec<&str> = ok(&r)
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "login",
            "email",
            "companyName",
            "firstName",
            "lastName",
            "updated",
            "created"
        ],
        "{r:?}"
    );

    let r = run(vec!["rbac", "user", "-j", "bob"]).await;
    let v: serde_json::Value = serde_json::from_str(ok(&r).trim()).unwrap();
    assert_eq!(v["login"], "bob");

    let r = run(vec!["rbac", "user", "-r", "bob"]).await;
    assert!(
        ok(&r).contains("roles:") && r.stdout.contains("default_roles:"),
        "{r:?}"
    );

    // Edit with a scripted editor: the CLI posts all ten fields.
    let editor = cli.file("editor.sh", "#!/bin/sh\nsed -i 's/^phone:.*/phone: 555-1234/; s/^companyName:.*/companyName:/' \"$1\"\n");
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let r = cli
        .run_as(
            &rsa,
            None,
            &["rbac", "user", "-e", "bob"],
            &[("EDITOR", editor.as_str())],
        )
        .await;
    assert_eq!(ok(&r).trim(), r#"Updated user "bob""#);
    let r = run(vec!["rbac", "user", "bob"]).await;
    assert!(
        ok(&r).contains("phone: 555-1234") && !r.stdout.contains("companyName"),
        "{r:?}"
    );

    let r = run(vec!["rbac", "user", "nobody"]).await;
    assert_eq!(r.code, 3, "{r:?}");
    assert!(r.stderr.contains("ResourceNotFound"), "{r:?}");

    let r = run(vec!["rbac", "user", "-d", "-y", "bob"]).await;
    assert_eq!(ok(&r).trim(), r#"Deleted user "bob""#);
    let r = run(vec!["rbac", "users"]).await;
    assert_eq!(ok(&r).lines().count(), 1);
}

#[tokio::test]
async fn user_keys_roles_policies_and_info_work() {
    let (_app, cli, [_, _, ed]) = setup().await;
    let bob = cli.file("bob.json", r#"{"login":"bob","password":"s3cret-Passw0rd","email":"bob@example.com","firstName":"Bob"}"#);
    ok(&cli
        .run_as(&ed, None, &["rbac", "user", "-a", &bob], &[])
        .await);

    let bob_key = keygen(cli.home.path(), "bob_key", &["-t", "ed25519"]);
    let bob_fp = md5(&bob_key);
    let pub_file = cli
        .home
        .path()
        .join("bob_key.pub")
        .to_string_lossy()
        .into_owned();
    let r = cli
        .run_as(
            &ed,
            None,
            &["rbac", "key", "-a", "-n", "laptop", "bob", &pub_file],
            &[],
        )
        .await;
    assert_eq!(
        ok(&r).trim(),
        format!(r#"Added user bob key "{bob_fp}" (laptop)"#)
    );
    let r = cli.run_as(&ed, None, &["rbac", "keys", "bob"], &[]).await;
    assert!(
        ok(&r).contains(&bob_fp) && r.stdout.contains("laptop"),
        "{r:?}"
    );
    let r = cli
        .run_as(&ed, None, &["rbac", "user", "-k", "bob"], &[])
        .await;
    assert!(
        ok(&r).contains("keys:") && r.stdout.contains(&bob_fp),
        "{r:?}"
    );

    let policy = cli.file(
        "policy.json",
        r#"{"name":"readers","rules":["CAN listusers AND getuser"],"description":"read users"}"#,
    );
    let r = cli
        .run_as(&ed, None, &["rbac", "policy", "-a", &policy], &[])
        .await;
    assert_eq!(ok(&r).trim(), r#"Created policy "readers""#);
    let r = cli.run_as(&ed, None, &["rbac", "policies"], &[]).await;
    assert!(
        ok(&r)
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("readers") && l.contains("read users")),
        "{r:?}"
    );

    let role = cli.file("role.json", r#"{"name":"ro","members":[{"type":"subuser","login":"bob","default":true}],"policies":[{"name":"readers"}]}"#);
    let r = cli
        .run_as(&ed, None, &["rbac", "role", "-a", &role], &[])
        .await;
    assert_eq!(ok(&r).trim(), r#"Created role "ro""#);
    let r = cli.run_as(&ed, None, &["rbac", "roles"], &[]).await;
    assert!(
        ok(&r)
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("ro") && l.contains("readers") && l.contains("bob")),
        "{r:?}"
    );

    let r = cli.run_as(&ed, None, &["rbac", "info"], &[]).await;
    let out = ok(&r);
    for want in [
        "users (1):",
        "bob (Bob)",
        "roles (1):",
        "policies (1):",
        "readers (read users)",
        "CAN listusers AND getuser",
    ] {
        assert!(out.contains(want), "{want} in {out}");
    }

    let r = cli
        .run_as(&ed, None, &["rbac", "key", "-d", "-y", "bob", &bob_fp], &[])
        .await;
    assert!(ok(&r).contains("Deleted user bob key"), "{r:?}");
}

#[tokio::test]
async fn a_sub_user_is_refused_without_a_policy_and_allowed_with_a_default_role() {
    let (_app, cli, [_, _, ed]) = setup().await;
    let bob = cli.file(
        "bob.json",
        r#"{"login":"bob","password":"s3cret-Passw0rd","email":"bob@example.com"}"#,
    );
    ok(&cli
        .run_as(&ed, None, &["rbac", "user", "-a", &bob], &[])
        .await);
    // Bob's own key, in ~/.ssh so that the CLI finds it.
    let bob_key = cli.key("id_bob", &["-t", "ecdsa", "-b", "256"]);
    let bob_fp = md5(&bob_key);
    let pub_file = cli
        .home
        .path()
        .join(".ssh/id_bob.pub")
        .to_string_lossy()
        .into_owned();
    ok(&cli
        .run_as(&ed, None, &["rbac", "key", "-a", "bob", &pub_file], &[])
        .await);

    let r = cli
        .run_as(&bob_fp, Some("bob"), &["rbac", "users"], &[])
        .await;
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("NotAuthorized") && r.stderr.contains("listusers"),
        "{r:?}"
    );

    let policy = cli.file(
        "policy.json",
        r#"{"name":"readers","rules":["CAN listusers"]}"#,
    );
    ok(&cli
        .run_as(&ed, None, &["rbac", "policy", "-a", &policy], &[])
        .await);
    let role = cli.file("role.json", r#"{"name":"ro","members":[{"type":"subuser","login":"bob","default":true}],"policies":[{"name":"readers"}]}"#);
    ok(&cli
        .run_as(&ed, None, &["rbac", "role", "-a", &role], &[])
        .await);

    let r = cli
        .run_as(&bob_fp, Some("bob"), &["rbac", "users"], &[])
        .await;
    assert!(ok(&r).contains("bob@example.com"), "{r:?}");
    let r = cli
        .run_as(&bob_fp, Some("bob"), &["rbac", "roles"], &[])
        .await;
    assert_eq!(r.code, 1, "listroles is not in the policy: {r:?}");
}
