//! Where a user's secret key may be used from (SureCloud: "Use can be restricted by IP
//! address, IP range or hostname. Restrictions are stored on the user's account."): a list of
//! addresses, CIDR ranges and hostnames, any one of which admits a client. An empty list
//! admits every client.

use crate::FieldViolations;
use ipnet::IpNet;
use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

/// Most entries one user's list holds.
pub const MAX_RESTRICTIONS: usize = 100;
/// Longest entry: a DNS name's limit, which is longer than any address or range.
pub const MAX_RESTRICTION_LEN: usize = 253;

/// One entry of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedClient {
    /// A single address is kept as a range of one (`/32`, `/128`).
    Network(IpNet),
    /// A hostname, lower case and without a trailing dot; matched by a forward-confirmed
    /// reverse lookup of the client's address (see [`HostNames`]).
    Host(String),
}

impl AllowedClient {
    /// Reads one entry: an IPv4 or IPv6 address, a CIDR range without host bits, or a
    /// hostname.
    ///
    /// # Errors
    /// Why the entry is none of these, in words that name it.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let entry = raw.trim();
        if entry.is_empty() {
            return Err("must not be empty".to_owned());
        }
        if entry.len() > MAX_RESTRICTION_LEN {
            return Err(format!("is longer than {MAX_RESTRICTION_LEN} characters"));
        }
        if let Ok(addr) = entry.parse::<IpAddr>() {
            return Ok(Self::Network(IpNet::from(addr.to_canonical())));
        }
        if entry.contains('/') {
            let net = entry
                .parse::<IpNet>()
                .map_err(|_| format!("`{entry}` is not a CIDR range"))?;
            if net.trunc() != net {
                return Err(format!(
                    "`{entry}` has host bits set; the range is `{}`",
                    net.trunc()
                ));
            }
            return Ok(Self::Network(net));
        }
        host_name(entry)
            .map(Self::Host)
            .ok_or_else(|| format!("`{entry}` is not an IP address, CIDR range or hostname"))
    }

    fn admits_address(&self, client: IpAddr) -> bool {
        matches!(self, Self::Network(net) if net.contains(&client))
    }
}

impl fmt::Display for AllowedClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Network(net) if net.prefix_len() == net.max_prefix_len() => net.addr().fmt(f),
            Self::Network(net) => net.fmt(f),
            Self::Host(name) => f.write_str(name),
        }
    }
}

/// A DNS name (RFC 1123 labels), lower case, without the trailing dot; `None` when `raw` is
/// not one, or looks like a mistyped IPv4 address (all labels digits).
fn host_name(raw: &str) -> Option<String> {
    let name = raw.strip_suffix('.').unwrap_or(raw).to_ascii_lowercase();
    let labels_ok = name.split('.').all(|l| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    });
    let numeric = name
        .split('.')
        .all(|l| l.bytes().all(|b| b.is_ascii_digit()));
    (labels_ok && !numeric).then_some(name)
}

/// A user's list; empty admits everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressRestrictions(Vec<AllowedClient>);

impl AddressRestrictions {
    /// Reads a whole list, reporting every bad entry as `{field}[i]`; duplicates are kept
    /// once.
    ///
    /// # Errors
    /// The violations: each malformed entry, and a list longer than [`MAX_RESTRICTIONS`].
    pub fn parse<S: AsRef<str>>(entries: &[S], field: &str) -> Result<Self, FieldViolations> {
        let mut violations = FieldViolations::new();
        if entries.len() > MAX_RESTRICTIONS {
            violations.add(field, format!("holds more than {MAX_RESTRICTIONS} entries"));
        }
        let mut list: Vec<AllowedClient> = Vec::new();
        for (i, raw) in entries.iter().enumerate() {
            match AllowedClient::parse(raw.as_ref()) {
                Ok(entry) if !list.contains(&entry) => list.push(entry),
                Ok(_) => {}
                Err(e) => violations.add(format!("{field}[{i}]"), e),
            }
        }
        violations.into_result().map(|()| Self(list))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn entries(&self) -> &[AllowedClient] {
        &self.0
    }

    /// The entries as text, the form they are stored and shown in.
    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
    }

    /// Whether `client` may use the key: always when the list is empty; never when the
    /// client's address is unknown; otherwise when an address or range holds it, or its
    /// forward-confirmed name is listed (looked up only when the list names a host).
    pub async fn admit(&self, client: Option<IpAddr>, names: &dyn HostNames) -> bool {
        if self.is_empty() {
            return true;
        }
        let Some(client) = client.map(|c| c.to_canonical()) else {
            return false;
        };
        if self.0.iter().any(|e| e.admits_address(client)) {
            return true;
        }
        let hosts: Vec<&str> = self
            .0
            .iter()
            .filter_map(|e| match e {
                AllowedClient::Host(h) => Some(h.as_str()),
                AllowedClient::Network(_) => None,
            })
            .collect();
        if hosts.is_empty() {
            return false;
        }
        names
            .confirmed_names(client)
            .await
            .iter()
            .any(|n| host_name(n).is_some_and(|n| hosts.contains(&n.as_str())))
    }
}

/// The port that names a client: the names its address reverse-resolves to that resolve
/// back to the same address (forward-confirmed), none when the lookup fails or times out.
pub trait HostNames: Send + Sync + fmt::Debug {
    fn confirmed_names(
        &self,
        client: IpAddr,
    ) -> Pin<Box<dyn Future<Output = Vec<String>> + Send + '_>>;
}

/// Names nobody: every hostname entry fails to match (for tests and tools without DNS).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHostNames;

impl HostNames for NoHostNames {
    fn confirmed_names(&self, _: IpAddr) -> Pin<Box<dyn Future<Output = Vec<String>> + Send + '_>> {
        Box::pin(std::future::ready(Vec::new()))
    }
}

#[cfg(test)]
mod tests;
