//! Where a webhook may point: an absolute `http` or `https` URL with a host, no credentials
//! in it; and, unless the installation allows it, never an address inside the network
//! Roster runs in (loopback, private, link-local, the cloud metadata address): a tenant's
//! manager must not be able to make Roster call its own infrastructure.

use std::net::IpAddr;

/// The longest URL taken.
const MAX_LEN: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("must be an absolute http or https URL of at most {MAX_LEN} characters")]
    Shape,
    #[error("must not carry a user name or password")]
    Credentials,
    #[error("points to a loopback, private or link-local address, which webhooks may not reach")]
    NotPublic,
}

/// A webhook's URL, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(url::Url);

impl WebhookUrl {
    /// Checks `raw`; `allow_private` admits hosts inside Roster's own network (tests, or an
    /// installation whose receivers live there).
    ///
    /// # Errors
    /// Why `raw` is no webhook URL.
    pub fn parse(raw: &str, allow_private: bool) -> Result<Self, TargetError> {
        if raw.len() > MAX_LEN {
            return Err(TargetError::Shape);
        }
        let url = url::Url::parse(raw).map_err(|_| TargetError::Shape)?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(TargetError::Shape);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TargetError::Credentials);
        }
        if !allow_private {
            let public = match url.host() {
                Some(url::Host::Ipv4(ip)) => is_public(IpAddr::V4(ip)),
                Some(url::Host::Ipv6(ip)) => is_public(IpAddr::V6(ip)),
                Some(url::Host::Domain(d)) => {
                    let d = d.trim_end_matches('.').to_ascii_lowercase();
                    d != "localhost" && !d.ends_with(".localhost")
                }
                None => false,
            };
            if !public {
                return Err(TargetError::NotPublic);
            }
        }
        Ok(Self(url))
    }

    /// A URL read back from the store, checked when it was written.
    ///
    /// # Errors
    /// The stored text is no URL.
    pub fn stored(raw: &str) -> Result<Self, TargetError> {
        Self::parse(raw, true)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The URL without its query and fragment, where a receiver often keeps a token: what
    /// is shown to those who may read events but not manage webhooks.
    pub fn redacted(&self) -> String {
        let mut u = self.0.clone();
        u.set_query(None);
        u.set_fragment(None);
        u.to_string()
    }
}

/// Whether a webhook may reach `ip` when private targets are not allowed.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                // Shared address space (carrier-grade NAT) and "this network".
                || (a == 100 && (64..128).contains(&b))
                || a == 0)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // Unique local (fc00::/7) and link-local (fe80::/10).
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_http_urls_without_credentials_are_taken() {
        for bad in [
            "",
            "ftp://example.com/x",
            "/relative",
            "https://",
            "mailto:a@b.c",
        ] {
            assert_eq!(
                WebhookUrl::parse(bad, false),
                Err(TargetError::Shape),
                "{bad}"
            );
        }
        assert_eq!(
            WebhookUrl::parse("https://u:p@hooks.example.com/", false),
            Err(TargetError::Credentials)
        );
        let long = format!("https://example.com/{}", "a".repeat(MAX_LEN));
        assert_eq!(WebhookUrl::parse(&long, false), Err(TargetError::Shape));
        let ok =
            WebhookUrl::parse("https://hooks.example.com/roster?token=s3cret#x", false).unwrap();
        assert_eq!(
            ok.as_str(),
            "https://hooks.example.com/roster?token=s3cret#x"
        );
        assert_eq!(ok.redacted(), "https://hooks.example.com/roster");
    }

    #[test]
    fn addresses_inside_the_network_are_refused_unless_allowed() {
        for inside in [
            "http://127.0.0.1:9000/",
            "http://localhost/",
            "http://api.localhost/",
            "http://10.1.2.3/",
            "http://192.168.0.1/",
            "http://172.16.5.4/",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            assert_eq!(
                WebhookUrl::parse(inside, false),
                Err(TargetError::NotPublic),
                "{inside}"
            );
            assert!(WebhookUrl::parse(inside, true).is_ok(), "{inside}");
        }
        for outside in [
            "http://203.0.114.7/",
            "https://[2a00:1450::1]/",
            "https://example.org/",
        ] {
            assert!(WebhookUrl::parse(outside, false).is_ok(), "{outside}");
        }
    }
}
