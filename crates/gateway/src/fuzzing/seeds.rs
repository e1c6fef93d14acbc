//! The fuzz targets' committed seeds, replayed as a test: a seed that panics its target
//! fails `cargo nextest` without a fuzzer.

use std::path::{Path, PathBuf};

/// A target: its name (the directory of its seeds) and its entry point.
type Target = (&'static str, fn(&[u8]));

fn seeds(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/seeds")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn every_seed_runs_through_its_target() {
    let targets: [Target; 4] = [
        ("ceql", super::ceql),
        ("scim_filter", super::scim_filter),
        ("formsonfire_xml", super::formsonfire_xml),
        ("formsonfire_json", super::formsonfire_json),
    ];
    let mut failed = Vec::new();
    for (name, run) in targets {
        let files = seeds(name);
        assert!(!files.is_empty(), "no seeds for {name}");
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            if std::panic::catch_unwind(|| run(&bytes)).is_err() {
                failed.push(f.display().to_string());
            }
        }
    }
    assert!(failed.is_empty(), "seeds that panic: {failed:#?}");
}
