//! What `user_service_url` names: one URL or a comma-separated list of them, each
//! `http://host:port`. An IP literal is one replica as it stands; a name stands for every
//! address it resolves to (the A and AAAA records of a Kubernetes headless Service: one per
//! ready pod).

use http::Uri;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};

/// Why `user_service_url` names no user service.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("no URL given")]
    Empty,
    #[error("`{url}` is not a URL: {source}")]
    Invalid {
        url: String,
        #[source]
        source: http::uri::InvalidUri,
    },
    #[error("`{0}` names no host")]
    NoHost(String),
}

/// One URL of the list.
#[derive(Debug, Clone)]
pub(super) struct Target {
    /// As given: the `:authority` of every call (a replica is dialled by its address, but
    /// is still called by the name it was found under), and what is dialled while the name
    /// has not resolved yet.
    pub(super) uri: Uri,
    host: Host,
}

#[derive(Debug, Clone)]
enum Host {
    Ip(SocketAddr),
    Name(String, u16),
}

impl Target {
    /// The URL of one replica of this target, found at `addr`.
    pub(super) fn replica_uri(&self, addr: SocketAddr) -> Uri {
        let scheme = self.uri.scheme_str().unwrap_or("http");
        // Built from a scheme and a socket address, which always make a URI.
        format!("{scheme}://{addr}")
            .parse()
            .unwrap_or_else(|_| self.uri.clone())
    }

    /// The replica an IP literal is, if this is one.
    pub(super) fn literal(&self) -> Option<SocketAddr> {
        match self.host {
            Host::Ip(addr) => Some(addr),
            Host::Name(..) => None,
        }
    }
}

/// The targets of a comma-separated list of URLs.
pub(super) fn parse(urls: &str) -> Result<Vec<Target>, UpstreamError> {
    let targets = urls
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(target)
        .collect::<Result<Vec<_>, _>>()?;
    if targets.is_empty() {
        return Err(UpstreamError::Empty);
    }
    Ok(targets)
}

fn target(url: &str) -> Result<Target, UpstreamError> {
    let uri: Uri = url.parse().map_err(|source| UpstreamError::Invalid {
        url: url.to_owned(),
        source,
    })?;
    let host = uri
        .host()
        .ok_or_else(|| UpstreamError::NoHost(url.to_owned()))?;
    let default_port = if uri.scheme_str() == Some("https") {
        443
    } else {
        80
    };
    let port = uri.port_u16().unwrap_or(default_port);
    // An IPv6 literal keeps its brackets in a URL's host.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let host = match bare.parse::<IpAddr>() {
        Ok(ip) => Host::Ip(SocketAddr::new(ip, port)),
        Err(_) => Host::Name(bare.to_owned(), port),
    };
    Ok(Target { uri, host })
}

/// Whether every target is an IP literal: the replicas are then known once and for all.
pub(super) fn all_literal(targets: &[Target]) -> bool {
    targets.iter().all(|t| t.literal().is_some())
}

/// The replicas of `targets`, resolved again on each [`Resolver::resolve`]. A name that does
/// not resolve keeps the addresses it last resolved to: a DNS hiccup removes no replica.
#[derive(Debug)]
pub(super) struct Resolver {
    targets: Vec<Target>,
    known: Vec<BTreeSet<SocketAddr>>,
}

impl Resolver {
    pub(super) fn new(targets: Vec<Target>) -> Self {
        let known = vec![BTreeSet::new(); targets.len()];
        Self { targets, known }
    }

    /// Every replica, with the index of the target it was found under (the first, when two
    /// targets name one address).
    pub(super) async fn resolve(&mut self) -> BTreeMap<SocketAddr, usize> {
        for (target, known) in self.targets.iter().zip(self.known.iter_mut()) {
            match &target.host {
                Host::Ip(addr) => *known = BTreeSet::from([*addr]),
                Host::Name(name, port) => match lookup(name, *port).await {
                    Ok(found) => *known = found,
                    Err(e) => tracing::warn!(
                        name = %name,
                        error = %e,
                        kept = known.len(),
                        "Cannot resolve the user service; keeping the replicas it had."
                    ),
                },
            }
        }
        let mut replicas = BTreeMap::new();
        for (i, known) in self.known.iter().enumerate().rev() {
            replicas.extend(known.iter().map(|a| (*a, i)));
        }
        replicas
    }
}

/// The addresses `name` resolves to (the system resolver: `/etc/hosts`, then DNS with the
/// search domains of `/etc/resolv.conf`, as Kubernetes sets them up).
async fn lookup(name: &str, port: u16) -> std::io::Result<BTreeSet<SocketAddr>> {
    let found: BTreeSet<SocketAddr> = tokio::net::lookup_host((name, port)).await?.collect();
    if found.is_empty() {
        return Err(std::io::Error::other("no address"));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_urls_is_a_list_of_targets() {
        let t =
            parse(" http://127.0.0.1:50051, http://[::1]:7 ,http://user-service:50051,").unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].literal(), Some("127.0.0.1:50051".parse().unwrap()));
        assert_eq!(t[1].literal(), Some("[::1]:7".parse().unwrap()));
        assert_eq!(t[2].literal(), None);
        assert!(!all_literal(&t));
        assert!(all_literal(&t[..2]));
        assert_eq!(
            t[2].replica_uri("10.0.0.7:50051".parse().unwrap()),
            "http://10.0.0.7:50051"
        );
        assert_eq!(
            t[2].replica_uri("[fd00::7]:50051".parse().unwrap()),
            "http://[fd00::7]:50051"
        );
        assert_eq!(
            parse("http://user-service").unwrap()[0].replica_uri("10.0.0.1:80".parse().unwrap()),
            "http://10.0.0.1:80"
        );
    }

    #[test]
    fn nothing_or_nonsense_is_refused() {
        assert!(matches!(parse(" , "), Err(UpstreamError::Empty)));
        assert!(matches!(
            parse("http://ok:1,http://bad host:1"),
            Err(UpstreamError::Invalid { .. })
        ));
        assert!(matches!(
            parse("/just/a/path"),
            Err(UpstreamError::NoHost(_))
        ));
    }

    #[tokio::test]
    async fn a_name_resolves_to_its_addresses_and_keeps_them_when_it_stops_resolving() {
        let mut r = Resolver::new(parse("http://localhost:50051,http://127.0.0.2:50051").unwrap());
        let found = r.resolve().await;
        assert_eq!(found.get(&"127.0.0.1:50051".parse().unwrap()), Some(&0));
        assert_eq!(found.get(&"127.0.0.2:50051".parse().unwrap()), Some(&1));
        assert!(
            found
                .keys()
                .all(|a| a.ip().is_loopback() && a.port() == 50051)
        );

        // A label longer than 63 characters never resolves (the resolver refuses it without
        // asking DNS): what was known stays.
        let long = "a".repeat(64);
        let mut r = Resolver::new(parse(&format!("http://{long}.invalid:1")).unwrap());
        assert!(r.resolve().await.is_empty());
        r.known[0] = BTreeSet::from(["10.1.2.3:1".parse().unwrap()]);
        assert_eq!(r.resolve().await.len(), 1);
    }
}
