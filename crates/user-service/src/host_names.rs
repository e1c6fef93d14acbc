//! Names clients for the hostname entries of secret-key restrictions, with the system
//! resolver (getnameinfo, then getaddrinfo: /etc/hosts first, DNS as the system is set up).
//! A name counts only when it resolves back to the client's address, so that whoever runs
//! the reverse zone of an address cannot claim any name for it.

use roster_domain::secret_keys::HostNames;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::time::Duration;

/// The system resolver, run on a blocking thread and given up after `timeout` (the caller
/// is then refused, not kept waiting).
#[derive(Debug, Clone, Copy)]
pub struct SystemHostNames {
    pub timeout: Duration,
}

impl Default for SystemHostNames {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(2),
        }
    }
}

/// The forward-confirmed name of `client`, if any: blocking.
fn confirmed(client: IpAddr) -> Vec<String> {
    let Ok(name) = dns_lookup::lookup_addr(&client) else {
        return Vec::new();
    };
    let back = dns_lookup::lookup_host(&name).map(|a| a.into_iter().collect::<Vec<IpAddr>>());
    match back {
        Ok(addrs) if addrs.iter().any(|a| a.to_canonical() == client) => vec![name],
        _ => Vec::new(),
    }
}

impl HostNames for SystemHostNames {
    fn confirmed_names(
        &self,
        client: IpAddr,
    ) -> Pin<Box<dyn Future<Output = Vec<String>> + Send + '_>> {
        Box::pin(async move {
            let lookup = tokio::task::spawn_blocking(move || confirmed(client));
            match tokio::time::timeout(self.timeout, lookup).await {
                Ok(Ok(names)) => names,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "The host name lookup failed.");
                    Vec::new()
                }
                Err(_) => {
                    tracing::warn!(%client, "The host name lookup timed out.");
                    Vec::new()
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn loopback_is_localhost_and_a_documentation_address_is_nobody() {
        let names = SystemHostNames::default();
        let local = names.confirmed_names(IpAddr::from([127, 0, 0, 1])).await;
        assert!(
            local.iter().any(|n| n.eq_ignore_ascii_case("localhost")),
            "{local:?}"
        );
        let unnamed = names.confirmed_names(IpAddr::from([192, 0, 2, 1])).await;
        assert!(unnamed.is_empty(), "{unnamed:?}");
    }
}
