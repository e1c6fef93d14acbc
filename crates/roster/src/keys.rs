//! Token-signing keys and the server key: from settings when given (production: a Secret),
//! otherwise generated once into `keys.json` in the data directory (mode 0600), so that
//! `roster serve` and the operator commands beside it share them.

use anyhow::{Context, Result, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use roster_user_service::{TokenKey, random_bytes};
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Keys {
    pub token_keys: Vec<TokenKey>,
    pub server_key: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    token_keys: Vec<KeyEntry>,
    server_key: String,
}

#[derive(Serialize, Deserialize)]
struct KeyEntry {
    kid: String,
    secret: String,
}

fn decode(what: &str, b64: &str) -> Result<Vec<u8>> {
    let bytes = STANDARD
        .decode(b64.trim())
        .with_context(|| format!("{what} is not base64"))?;
    if bytes.len() < 32 {
        bail!("{what} must hold at least 32 bytes");
    }
    Ok(bytes)
}

/// `kid:base64,kid:base64`, newest first.
pub fn parse_token_keys(text: &str) -> Result<Vec<TokenKey>> {
    let keys = text
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|entry| {
            let (kid, secret) = entry
                .split_once(':')
                .context("token key must be kid:base64secret")?;
            Ok(TokenKey {
                kid: kid.trim().to_owned(),
                secret: decode("token key", secret)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if keys.is_empty() {
        bail!("no token key given");
    }
    Ok(keys)
}

fn generate() -> KeyFile {
    let kid = format!("k{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    KeyFile {
        token_keys: vec![KeyEntry {
            kid,
            secret: STANDARD.encode(random_bytes()),
        }],
        server_key: STANDARD.encode(random_bytes()),
    }
}

fn read_or_create(dir: &Path) -> Result<KeyFile> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("keys.json");
    if !path.exists() {
        // Written whole to a private temporary file, then linked into place: the link fails
        // if another process got there first, and nobody ever reads a half-written file.
        let tmp = dir.join(format!(".keys.json.{}", uuid::Uuid::new_v4().simple()));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts
            .open(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(serde_json::to_string_pretty(&generate())?.as_bytes())?;
        f.sync_all()?;
        let linked = std::fs::hard_link(&tmp, &path);
        std::fs::remove_file(&tmp)?;
        match linked {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a key file", path.display()))
}

/// The keys settings give, with anything missing taken from the data directory's file.
pub fn load(token_keys: Option<&str>, server_key: Option<&str>, data_dir: &Path) -> Result<Keys> {
    let file = if token_keys.is_none() || server_key.is_none() {
        Some(read_or_create(data_dir)?)
    } else {
        None
    };
    let token_keys = if let Some(t) = token_keys {
        parse_token_keys(t)?
    } else {
        let f = file.as_ref().context("key file")?;
        f.token_keys
            .iter()
            .map(|k| {
                Ok(TokenKey {
                    kid: k.kid.clone(),
                    secret: decode("token key", &k.secret)?,
                })
            })
            .collect::<Result<Vec<_>>>()?
    };
    let server_key = match server_key {
        Some(s) => decode("server key", s)?,
        None => decode("server key", &file.as_ref().context("key file")?.server_key)?,
    };
    Ok(Keys {
        token_keys,
        server_key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_created_once_and_reused() {
        let dir = tempfile_dir();
        let a = load(None, None, &dir).unwrap();
        let b = load(None, None, &dir).unwrap();
        assert_eq!(a.server_key, b.server_key);
        assert_eq!(a.token_keys[0].kid, b.token_keys[0].kid);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn configured_keys_are_parsed_and_checked() {
        let k = STANDARD.encode([7u8; 32]);
        let keys = parse_token_keys(&format!("new:{k}, old:{k}")).unwrap();
        assert_eq!(
            keys.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>(),
            ["new", "old"]
        );
        assert!(parse_token_keys("nokid").is_err());
        assert!(parse_token_keys(&format!("k:{}", STANDARD.encode([1u8; 8]))).is_err());
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("roster-keys-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
