//! The real `triton` CLI 7.17.0 (npm, installed by `make tools`) for the tests: a HOME with
//! SSH keys made by `ssh-keygen`, and the CLI pointed at a test server's gateway.

use super::app::TestApp;
use super::tools::triton_bin;
use roster_httpsig::PublicKey;
use std::path::Path;
use std::process::Output;

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

pub(crate) fn keygen(dir: &Path, name: &str, args: &[&str]) -> String {
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
