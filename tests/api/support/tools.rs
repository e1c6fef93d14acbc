//! The programs the tests run: the `roster` binary built with them, and the clients
//! `make tools` installs into `.tools` (grpcurl, the triton CLI).

use std::path::{Path, PathBuf};

/// The workspace's root directory.
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The `roster` binary built next to this test binary.
pub(crate) fn roster_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/api-<hash> -> target/<profile>/roster
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .join("roster");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p roster` (make test does)",
        bin.display()
    );
    bin
}

/// grpcurl as `make tools` installs it.
pub(crate) fn grpcurl_bin() -> PathBuf {
    installed(".tools/bin/grpcurl")
}

/// The triton CLI as `make tools` installs it.
pub(crate) fn triton_bin() -> PathBuf {
    installed(".tools/triton/node_modules/.bin/triton")
}

pub(crate) fn installed(path: &str) -> PathBuf {
    let p = workspace_root().join(path);
    assert!(
        p.exists(),
        "{} is missing: run `make tools` (make test does)",
        p.display()
    );
    p
}
