//! The real `triton` CLI 7.17.0 (npm, installed by `make tools`) against Roster, with SSH keys
//! made by `ssh-keygen`: every `triton rbac` command the CloudAPI issue names.

use roster_e2e::{TestApp, workspace_root};
use roster_httpsig::PublicKey;
use std::path::{Path, PathBuf};
use std::process::Output;

fn triton_bin() -> PathBuf {
    let p = workspace_root().join(".tools/triton/node_modules/.bin/triton");
    assert!(
        p.exists(),
        "{} is missing: run `make tools` (make test does)",
        p.display()
    );
    p
}

/// A HOME with SSH keys, and the CLI pointed at the app's gateway.
pub(crate) struct Cli {
    pub(crate) home: tempfile::TempDir,
    url: String,
}

/// Output of one CLI run.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rc={} stdout={:?} stderr={:?}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn keygen(dir: &Path, name: &str, args: &[&str]) -> String {
    let path = dir.join(name);
    let st = std::process::Command::new("ssh-keygen")
        .args(["-q", "-N", "", "-C", name, "-f"])
        .arg(&path)
        .args(args)
        .status()
        .expect("ssh-keygen runs");
    assert!(st.success());
    std::fs::read_to_string(path.with_extension("pub"))
        .unwrap()
        .trim()
        .to_owned()
}

pub(crate) fn md5(line: &str) -> String {
    PublicKey::parse_openssh(line).unwrap().fingerprint_md5()
}

impl Cli {
    fn new(app: &TestApp) -> Self {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join(".ssh")).unwrap();
        Self {
            home,
            url: app.http_url.clone(),
        }
    }

    /// Makes an SSH key pair in `~/.ssh`; returns its public line.
    pub(crate) fn key(&self, name: &str, args: &[&str]) -> String {
        keygen(&self.home.path().join(".ssh"), name, args)
    }

    pub(crate) async fn run_as(
        &self,
        key_fp: &str,
        user: Option<&str>,
        args: &[&str],
        extra: &[(&str, &str)],
    ) -> Run {
        let mut cmd = tokio::process::Command::new(triton_bin());
        cmd.args(args)
            .env("HOME", self.home.path())
            .env("TRITON_URL", &self.url)
            .env("TRITON_ACCOUNT", "acme")
            .env("TRITON_KEY_ID", key_fp)
            .env_remove("SSH_AUTH_SOCK")
            .env_remove("TRITON_PROFILE")
            .env_remove("TRITON_USER")
            .env_remove("SDC_USER");
        if let Some(u) = user {
            cmd.env("TRITON_USER", u);
        }
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let out: Output = cmd.output().await.expect("triton runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub(crate) fn file(&self, name: &str, text: &str) -> String {
        let p = self.home.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }
}

#[track_caller]
pub(crate) fn ok(r: &Run) -> &str {
    assert_eq!(r.code, 0, "{r:?}");
    &r.stdout
}

/// The owner's keys of three kinds; the tenant is created with all of them.
pub(crate) async fn setup() -> (TestApp, Cli, [String; 3]) {
    let app = TestApp::spawn().await;
    let cli = Cli::new(&app);
    let rsa = cli.key("id_rsa", &["-t", "rsa", "-b", "2048"]);
    let ecdsa = cli.key("id_ecdsa", &["-t", "ecdsa", "-b", "256"]);
    let ed = cli.key("id_ed25519", &["-t", "ed25519"]);
    app.tenant_with_keys("acme", &[rsa.clone(), ecdsa.clone(), ed.clone()])
        .await;
    (app, cli, [md5(&rsa), md5(&ecdsa), md5(&ed)])
}

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
