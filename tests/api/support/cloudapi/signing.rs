//! SSH keys made from fixed seeds, and requests signed with them as the triton CLI signs them
//! (`(request-target) date`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::Signer as _;
use std::time::SystemTime;

/// A private key the tests sign with.
#[derive(Clone)]
pub(crate) enum TestKey {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

impl std::fmt::Debug for TestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.algorithm())
    }
}

fn ssh_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap().to_be_bytes());
    out.extend_from_slice(bytes);
}

impl TestKey {
    /// An Ed25519 key from a one-byte seed (distinct seeds, distinct keys).
    pub(crate) fn ed25519(seed: u8) -> Self {
        Self::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
    }

    /// A P-256 key from a one-byte seed.
    pub(crate) fn p256(seed: u8) -> Self {
        let mut scalar = [seed; 32];
        scalar[0] = 1; // below the group order whatever the seed
        Self::P256(p256::ecdsa::SigningKey::from_slice(&scalar).unwrap())
    }

    pub(crate) fn algorithm(&self) -> &'static str {
        match self {
            Self::Ed25519(_) => "ed25519-sha512",
            Self::P256(_) => "ecdsa-sha256",
        }
    }

    /// The OpenSSH public key line.
    pub(crate) fn public_line(&self, comment: &str) -> String {
        let mut blob = Vec::new();
        let kind = match self {
            Self::Ed25519(k) => {
                ssh_string(&mut blob, b"ssh-ed25519");
                ssh_string(&mut blob, k.verifying_key().as_bytes());
                "ssh-ed25519"
            }
            Self::P256(k) => {
                ssh_string(&mut blob, b"ecdsa-sha2-nistp256");
                ssh_string(&mut blob, b"nistp256");
                ssh_string(&mut blob, k.verifying_key().to_sec1_point(false).as_bytes());
                "ecdsa-sha2-nistp256"
            }
        };
        format!("{kind} {} {comment}", STANDARD.encode(blob))
    }

    /// The MD5 fingerprint CloudAPI names the key by.
    pub(crate) fn fingerprint(&self) -> String {
        use md5::{Digest, Md5};
        let line = self.public_line("x");
        let blob = STANDARD
            .decode(line.split_whitespace().nth(1).unwrap())
            .unwrap();
        Md5::digest(&blob)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            Self::Ed25519(k) => k.sign(message).to_bytes().to_vec(),
            Self::P256(k) => {
                let sig: p256::ecdsa::Signature = p256::ecdsa::signature::Signer::sign(k, message);
                sig.to_der().as_bytes().to_vec()
            }
        }
    }
}

/// Who signs: a key id (`/acme/keys/<fp>` or `/acme/users/bob/keys/<fp>`) and its key.
#[derive(Debug, Clone)]
pub(crate) struct Signer {
    pub(crate) key_id: String,
    pub(crate) key: TestKey,
}

impl Signer {
    pub(crate) fn account(account: &str, key: &TestKey) -> Self {
        Self {
            key_id: format!("/{account}/keys/{}", key.fingerprint()),
            key: key.clone(),
        }
    }

    pub(crate) fn user(account: &str, login: &str, key: &TestKey) -> Self {
        Self {
            key_id: format!("/{account}/users/{login}/keys/{}", key.fingerprint()),
            key: key.clone(),
        }
    }

    /// `date` and `authorization` headers for `method target`, signed now.
    pub(crate) fn headers(&self, method: &str, target: &str) -> (String, String) {
        self.headers_at(method, target, SystemTime::now())
    }

    pub(crate) fn headers_at(
        &self,
        method: &str,
        target: &str,
        when: SystemTime,
    ) -> (String, String) {
        self.headers_with(method, target, when, None)
    }

    /// As [`Self::headers_at`], also signing the header `extra` (`name`, `value`) after the
    /// date, as a client does to tell apart two writes to one path within one second.
    pub(crate) fn headers_with(
        &self,
        method: &str,
        target: &str,
        when: SystemTime,
        extra: Option<(&str, &str)>,
    ) -> (String, String) {
        let date = httpdate::fmt_http_date(when);
        let mut message = format!(
            "(request-target): {} {target}\ndate: {date}",
            method.to_ascii_lowercase()
        );
        let mut names = "(request-target) date".to_owned();
        if let Some((name, value)) = extra {
            message = format!("{message}\n{name}: {value}");
            names = format!("{names} {name}");
        }
        let signature = STANDARD.encode(self.key.sign(message.as_bytes()));
        let auth = format!(
            r#"Signature keyId="{}",algorithm="{}",headers="{names}",signature="{signature}""#,
            self.key_id,
            self.key.algorithm()
        );
        (date, auth)
    }
}

/// Whether this process already signed a write with this key, method, target and date.
/// Signatures are deterministic and the date has whole seconds, so two such writes would
/// carry the same signature, and Roster refuses the second as a replay.
fn signed_before(signer: &Signer, method: &str, target: &str, date: &str) -> bool {
    static SIGNED: std::sync::Mutex<Option<std::collections::HashSet<String>>> =
        std::sync::Mutex::new(None);
    let mut seen = SIGNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    !seen
        .get_or_insert_with(Default::default)
        .insert(format!("{} {method} {target} {date}", signer.key_id))
}

/// A request to `base + target` signed by `signer`, with the CLI's JSON content type.
pub(crate) fn signed(
    http: &reqwest::Client,
    base: &str,
    signer: &Signer,
    method: reqwest::Method,
    target: &str,
) -> reqwest::RequestBuilder {
    let now = SystemTime::now();
    let write = !matches!(method, reqwest::Method::GET | reqwest::Method::HEAD);
    let date = httpdate::fmt_http_date(now);
    // The triton CLI's signature, unless it would repeat one of this process: then, as a
    // careful client does, also sign a request id.
    let request_id = (write && signed_before(signer, method.as_str(), target, &date))
        .then(|| uuid::Uuid::new_v4().to_string());
    let (date, auth) = signer.headers_with(
        method.as_str(),
        target,
        now,
        request_id.as_deref().map(|id| ("x-request-id", id)),
    );
    let mut r = http
        .request(method, format!("{base}{target}"))
        .header("date", date)
        .header("authorization", auth)
        .header("accept", "application/json")
        .header("accept-version", "~9||~8");
    if let Some(id) = request_id {
        r = r.header("x-request-id", id);
    }
    r
}
