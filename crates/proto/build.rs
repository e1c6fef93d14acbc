//! Compiles proto/roster/v1 with protox (pure Rust: no system protoc) and writes the encoded
//! descriptor set for gRPC reflection, which `compile_fds` would not write by itself.
use prost::Message as _;
use std::path::{Path, PathBuf};

const FILES: [&str; 13] = [
    "roster/v1/errors.proto",
    "roster/v1/users.proto",
    "roster/v1/groups.proto",
    "roster/v1/tenants.proto",
    "roster/v1/auth.proto",
    "roster/v1/keys.proto",
    "roster/v1/roles.proto",
    "roster/v1/folders.proto",
    "roster/v1/secret_keys.proto",
    "roster/v1/provisioning.proto",
    "roster/v1/idempotency.proto",
    "roster/v1/events.proto",
    "roster/v1/webhooks.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Read when the script runs, not when it is compiled: a build directory copied from
    // another checkout must still read this checkout's contract.
    let root = Path::new(&std::env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    println!("cargo:rerun-if-changed={}", root.display());
    let fds = protox::compile(FILES.iter().map(|f| root.join(f)), [&root])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("roster_descriptor.bin"), fds.encode_to_vec())?;
    tonic_prost_build::configure()
        // google.rpc.Status comes from tonic-types, so that its ErrorDetails helpers apply.
        .extern_path(".google.rpc", "::tonic_types")
        // Ordered, so that a message encodes to the same bytes every time: a write's
        // idempotency fingerprint is a digest of its encoding.
        .btree_map(".roster.v1.User.metadata")
        .compile_fds(fds)?;
    Ok(())
}
