//! Entry points for the fuzz targets in `fuzz/` (built with `--cfg fuzzing`) and for the test
//! that replays their committed seeds. Each takes any bytes and returns nothing: a panic is a
//! finding, so besides running the parsers they assert what must hold of what they return.

use crate::{Algorithm, KeyKind, PublicKey, parse_authorization, signing_string};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// An `Authorization` header value: parsed, its signing string built, and the parameters
/// written back as a header, which must parse to the same parameters.
pub fn httpsig_header(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(params) = parse_authorization(&text) else {
        return;
    };
    assert!(!params.key_id.is_empty(), "an empty keyId was accepted");
    let _ = Algorithm::parse(&params.algorithm);
    let _ = signing_string(&params.headers, "GET", "/my/keys?x=1", |name| {
        (name != "x-missing").then(|| format!("value of {name}"))
    });
    // A whitespace-only signature decodes to no bytes, which no header can spell again.
    if params.signature.is_empty() {
        return;
    }
    let again = format!(
        r#"Signature keyId="{}",algorithm="{}",headers="{}",signature="{}""#,
        params.key_id,
        params.algorithm,
        params.headers.join(" "),
        STANDARD.encode(&params.signature)
    );
    let reparsed = parse_authorization(&again);
    // `headers=""` reads as an empty list, not the default `date`.
    let same = reparsed.as_ref().is_ok_and(|p| {
        p.key_id == params.key_id
            && p.algorithm == params.algorithm
            && p.signature == params.signature
            && p.headers == params.headers
    });
    assert!(same, "{again:?} parses to {reparsed:?}, not {params:?}");
}

/// An OpenSSH public key line, and the bytes as the blob of a line of every key type (base64
/// would hide the wire format from the fuzzer's mutations): each parsed, fingerprinted,
/// written back (which must parse to the same key) and asked to verify the input itself as
/// a signature under every algorithm.
pub fn ssh_key(data: &[u8]) {
    key_line(&String::from_utf8_lossy(data), data);
    let blob = STANDARD.encode(data);
    for kind in [
        KeyKind::Rsa,
        KeyKind::EcdsaP256,
        KeyKind::EcdsaP384,
        KeyKind::Ed25519,
    ] {
        key_line(&format!("{} {blob} fuzz", kind.as_str()), data);
    }
}

fn key_line(text: &str, data: &[u8]) {
    let Ok(key) = PublicKey::parse_openssh(text) else {
        return;
    };
    let md5 = key.fingerprint_md5();
    let sha256 = key.fingerprint_sha256();
    let line = key.openssh();
    let again = PublicKey::parse_openssh(&line);
    let same = again.as_ref().is_ok_and(|k| {
        k.kind() == key.kind()
            && k.comment() == key.comment()
            && k.fingerprint_md5() == md5
            && k.fingerprint_sha256() == sha256
    });
    assert!(same, "{line:?} does not parse back to the same key");
    for alg in [
        Algorithm::RsaSha1,
        Algorithm::RsaSha256,
        Algorithm::RsaSha512,
        Algorithm::EcdsaSha256,
        Algorithm::EcdsaSha384,
        Algorithm::EcdsaSha512,
        Algorithm::Ed25519Sha512,
    ] {
        let _ = key.verify(alg, b"(request-target): get /my/keys", data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    /// A seed that panics its target fails here, without a fuzzer.
    #[test]
    fn every_seed_runs_through_its_target() {
        let targets: [Target; 2] = [("httpsig_header", httpsig_header), ("ssh_key", ssh_key)];
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
}
