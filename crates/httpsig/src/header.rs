//! The `Authorization: Signature ...` header and the string it signs.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Signature algorithms by their http-signature names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    RsaSha1,
    RsaSha256,
    RsaSha512,
    EcdsaSha256,
    EcdsaSha384,
    EcdsaSha512,
    Ed25519Sha512,
}

impl Algorithm {
    const ALL: [Algorithm; 7] = [
        Self::RsaSha1,
        Self::RsaSha256,
        Self::RsaSha512,
        Self::EcdsaSha256,
        Self::EcdsaSha384,
        Self::EcdsaSha512,
        Self::Ed25519Sha512,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RsaSha1 => "rsa-sha1",
            Self::RsaSha256 => "rsa-sha256",
            Self::RsaSha512 => "rsa-sha512",
            Self::EcdsaSha256 => "ecdsa-sha256",
            Self::EcdsaSha384 => "ecdsa-sha384",
            Self::EcdsaSha512 => "ecdsa-sha512",
            Self::Ed25519Sha512 => "ed25519-sha512",
        }
    }

    /// The algorithm named `name` (case ignored).
    pub fn parse(name: &str) -> Result<Self, HeaderError> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| HeaderError::UnsupportedAlgorithm(name.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("the scheme must be Signature")]
    BadScheme,
    #[error("{0}")]
    Malformed(String),
    #[error("{0} was not specified")]
    MissingParam(&'static str),
    #[error("signature is not base64")]
    BadSignatureEncoding,
    #[error("{0} was not in the request")]
    MissingHeader(String),
    #[error("{0} is not a supported signing algorithm")]
    UnsupportedAlgorithm(String),
}

/// The parameters of a `Signature` authorization header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureParams {
    pub key_id: String,
    /// As sent, lower-cased.
    pub algorithm: String,
    /// Lower-cased; `["date"]` when the header does not say.
    pub headers: Vec<String>,
    /// Base64-decoded.
    pub signature: Vec<u8>,
}

/// Splits `name="value", name="value"` (quoted values; commas and spaces between).
fn params(mut s: &str) -> Result<Vec<(String, String)>, HeaderError> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        if s.is_empty() {
            return Ok(out);
        }
        let eq = s
            .find('=')
            .ok_or_else(|| HeaderError::Malformed(format!("expected name=\"value\" at `{s}`")))?;
        let name = s[..eq].trim().to_ascii_lowercase();
        let rest = s[eq + 1..].trim_start();
        let rest = rest
            .strip_prefix('"')
            .ok_or_else(|| HeaderError::Malformed(format!("the value of {name} must be quoted")))?;
        let end = rest
            .find('"')
            .ok_or_else(|| HeaderError::Malformed(format!("the value of {name} is not closed")))?;
        out.push((name, rest[..end].to_owned()));
        s = &rest[end + 1..];
    }
}

/// Parses a whole `Authorization` header value.
pub fn parse_authorization(value: &str) -> Result<SignatureParams, HeaderError> {
    let value = value.trim();
    let (scheme, rest) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("signature") {
        return Err(HeaderError::BadScheme);
    }
    let pairs = params(rest)?;
    let get = |name: &'static str| {
        pairs
            .iter()
            .find(|(n, _)| n == &name.to_ascii_lowercase())
            .map(|(_, v)| v.clone())
    };
    let key_id = get("keyId")
        .filter(|v| !v.is_empty())
        .ok_or(HeaderError::MissingParam("keyId"))?;
    let algorithm = get("algorithm")
        .filter(|v| !v.is_empty())
        .ok_or(HeaderError::MissingParam("algorithm"))?;
    let signature = get("signature")
        .filter(|v| !v.is_empty())
        .ok_or(HeaderError::MissingParam("signature"))?;
    let signature = STANDARD
        .decode(signature.trim())
        .map_err(|_| HeaderError::BadSignatureEncoding)?;
    let headers = match get("headers") {
        Some(h) => h.split_whitespace().map(str::to_ascii_lowercase).collect(),
        None => vec!["date".to_owned()],
    };
    Ok(SignatureParams {
        key_id,
        algorithm: algorithm.to_ascii_lowercase(),
        headers,
        signature,
    })
}

/// The string a signature covers: one `name: value` line per signed header.
pub fn signing_string(
    headers: &[String],
    method: &str,
    request_target: &str,
    header: impl Fn(&str) -> Option<String>,
) -> Result<String, HeaderError> {
    let mut lines = Vec::with_capacity(headers.len());
    for name in headers {
        let line = match name.as_str() {
            "(request-target)" => format!(
                "(request-target): {} {request_target}",
                method.to_ascii_lowercase()
            ),
            "request-line" => format!("{} {request_target} HTTP/1.1", method.to_ascii_uppercase()),
            other => {
                let v =
                    header(other).ok_or_else(|| HeaderError::MissingHeader(other.to_owned()))?;
                format!("{other}: {v}")
            }
        };
        lines.push(line);
    }
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLI: &str = r#"Signature keyId="/acme/keys/a2:ae:81:24:09:3a:05:33:70:e1:b4:c9:5f:fa:c1:d6",algorithm="rsa-sha256",headers="(request-target) date",signature="aGk=""#;

    #[test]
    fn the_cli_header_parses() {
        let p = parse_authorization(CLI).unwrap();
        assert_eq!(
            p.key_id,
            "/acme/keys/a2:ae:81:24:09:3a:05:33:70:e1:b4:c9:5f:fa:c1:d6"
        );
        assert_eq!(p.algorithm, "rsa-sha256");
        assert_eq!(p.headers, ["(request-target)", "date"]);
        assert_eq!(p.signature, b"hi");
        let spaced = r#"signature keyId = "/a/keys/k" , algorithm="RSA-SHA256", signature="aGk=""#;
        let p = parse_authorization(spaced).unwrap();
        assert_eq!(
            (p.algorithm.as_str(), p.headers.as_slice()),
            ("rsa-sha256", &["date".to_owned()][..])
        );
    }

    #[test]
    fn bad_headers_say_what_is_wrong() {
        let cases = [
            (r"Basic dXNlcjpwYXNz", HeaderError::BadScheme),
            (
                r#"Signature algorithm="rsa-sha256",signature="aGk=""#,
                HeaderError::MissingParam("keyId"),
            ),
            (
                r#"Signature keyId="/a/keys/k",signature="aGk=""#,
                HeaderError::MissingParam("algorithm"),
            ),
            (
                r#"Signature keyId="/a/keys/k",algorithm="rsa-sha256""#,
                HeaderError::MissingParam("signature"),
            ),
            (
                r#"Signature keyId="/a/keys/k",algorithm="rsa-sha256",signature="!!""#,
                HeaderError::BadSignatureEncoding,
            ),
        ];
        for (value, want) in cases {
            assert_eq!(parse_authorization(value), Err(want), "{value}");
        }
        assert!(matches!(
            parse_authorization(r"Signature keyId=/a"),
            Err(HeaderError::Malformed(_))
        ));
        assert!(matches!(
            parse_authorization(r#"Signature keyId="/a"#),
            Err(HeaderError::Malformed(_))
        ));
        assert_eq!(
            Algorithm::parse("hmac-sha256"),
            Err(HeaderError::UnsupportedAlgorithm("hmac-sha256".into()))
        );
        assert_eq!(
            Algorithm::parse("ED25519-SHA512"),
            Ok(Algorithm::Ed25519Sha512)
        );
    }

    #[test]
    fn signing_strings_follow_the_header_list() {
        let h = |n: &str| (n == "date").then(|| "Wed, 25 Nov 2026 01:33:07 GMT".to_owned());
        let s = signing_string(
            &["(request-target)".into(), "date".into()],
            "GET",
            "/acme/users?membership=true",
            h,
        )
        .unwrap();
        assert_eq!(
            s,
            "(request-target): get /acme/users?membership=true\ndate: Wed, 25 Nov 2026 01:33:07 GMT"
        );
        let s = signing_string(&["request-line".into()], "get", "/x", h).unwrap();
        assert_eq!(s, "GET /x HTTP/1.1");
        assert_eq!(
            signing_string(&["x-date".into()], "GET", "/", h),
            Err(HeaderError::MissingHeader("x-date".into()))
        );
    }

    /// Garbled headers of every length never panic.
    #[test]
    fn garbled_headers_never_panic() {
        for cut in 0..CLI.len() {
            if CLI.is_char_boundary(cut) {
                let _ = parse_authorization(&CLI[..cut]);
                let _ = parse_authorization(&CLI[cut..]);
            }
        }
        for junk in [
            "",
            "Signature",
            "Signature ,,,,",
            "Signature =\"\"",
            "Signature a=\"b\"c=\"d\"",
            "Signature \u{fe0f}=\"x\"",
        ] {
            let _ = parse_authorization(junk);
        }
    }
}
