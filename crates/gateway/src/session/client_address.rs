//! The address of the HTTP client, which the core needs for secret-key address
//! restrictions: the TCP peer, or what `Forwarded` / `X-Forwarded-For` say when the peer is
//! one of the configured trusted proxies (anyone else could write those headers). Assigned
//! once per request by [`assign`]; [`super::Core`] passes it to the core on every call.

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The client as the gateway determined it; `None` when it cannot tell (no peer, or a
/// trusted proxy's header it cannot read), which the core's restrictions refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

/// Peers whose forwarding headers are believed.
pub type TrustedProxies = Arc<[IpNet]>;

fn trusted(addr: IpAddr, proxies: &[IpNet]) -> bool {
    proxies.iter().any(|net| net.contains(&addr))
}

/// One `for=` of `Forwarded` (RFC 7239: `192.0.2.60`, `"192.0.2.60:80"`,
/// `"[2001:db8::1]:4711"`) or one entry of `X-Forwarded-For`; `None` for `unknown`,
/// obfuscated names and anything else that is no address.
fn node(raw: &str) -> Option<IpAddr> {
    let v = raw.trim().trim_matches('"');
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    v.parse::<IpAddr>()
        .ok()
        .or_else(|| v.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The hops a request came through, nearest last, as the headers say (`Forwarded` wins
/// over `X-Forwarded-For`); unreadable hops are `None`.
fn hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all(http::header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| node(v))
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(node)
        .collect()
}

/// The client of a request from `peer`: the peer itself unless it is a trusted proxy; then
/// the nearest hop of the forwarding headers that is not itself a trusted proxy (so a
/// client cannot pass itself off by writing the header's first entries).
pub fn client_of(peer: Option<IpAddr>, headers: &HeaderMap, proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    if !trusted(peer, proxies) {
        return Some(peer);
    }
    let mut client = Some(peer);
    for hop in hops(headers).into_iter().rev() {
        let hop = hop?.to_canonical();
        client = Some(hop);
        if !trusted(hop, proxies) {
            break;
        }
    }
    client
}

/// Middleware: determines the client once and keeps it in the request's extensions.
pub async fn assign(
    State(proxies): State<TrustedProxies>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = ClientAddress(client_of(peer, req.headers(), &proxies));
    req.extensions_mut().insert(client);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[allow(clippy::unnecessary_wraps)] // compared with what `client_of` returns
    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_writes() {
        let h = headers(&[
            ("x-forwarded-for", "10.1.2.3"),
            ("forwarded", "for=10.1.2.3"),
        ]);
        assert_eq!(client_of(ip("192.0.2.9"), &h, &[]), ip("192.0.2.9"));
        let proxies = ["127.0.0.1/32".parse().unwrap()];
        assert_eq!(client_of(ip("192.0.2.9"), &h, &proxies), ip("192.0.2.9"));
        assert_eq!(client_of(None, &h, &proxies), None);
    }

    #[test]
    fn a_trusted_proxy_is_believed_up_to_the_first_hop_it_does_not_trust() {
        let proxies: Vec<IpNet> = ["127.0.0.1/32", "10.9.0.0/16"]
            .iter()
            .map(|n| n.parse().unwrap())
            .collect();
        let peer = ip("127.0.0.1");
        let xff = |v: &str| headers(&[("x-forwarded-for", v)]);
        assert_eq!(client_of(peer, &xff("10.1.2.3"), &proxies), ip("10.1.2.3"));
        // The client wrote the first entry; the proxies appended the rest.
        assert_eq!(
            client_of(peer, &xff("127.0.0.1, 10.1.2.3, 10.9.0.5"), &proxies),
            ip("10.1.2.3")
        );
        assert_eq!(client_of(peer, &xff("garbage"), &proxies), None);
        assert_eq!(client_of(peer, &HeaderMap::new(), &proxies), peer);
        let fwd = |v: &str| headers(&[("forwarded", v), ("x-forwarded-for", "10.7.7.7")]);
        assert_eq!(
            client_of(
                peer,
                &fwd("for=192.0.2.60;proto=http;by=203.0.113.43"),
                &proxies
            ),
            ip("192.0.2.60")
        );
        assert_eq!(
            client_of(peer, &fwd(r#"For="[2001:db8:cafe::17]:4711""#), &proxies),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            client_of(peer, &fwd(r#"for="10.1.2.3:80", for=10.9.0.1"#), &proxies),
            ip("10.1.2.3")
        );
        assert_eq!(client_of(peer, &fwd("for=unknown"), &proxies), None);
    }
}
