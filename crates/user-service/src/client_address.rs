//! The address of the client a call serves, for secret-key address restrictions. A gateway
//! names its HTTP client in `roster-client-address` metadata; that is believed only from a
//! peer in `trusted_gateways`, because anyone who reaches the gRPC port could send it. From
//! any other peer, the peer's own address counts, so a direct caller cannot claim another.

use crate::in_process::InProcess;
use ipnet::IpNet;
use roster_proto::CLIENT_ADDRESS_METADATA;
use std::net::IpAddr;
use tonic::Request;

/// The client of `req`: the gateway's word for it when the peer is trusted (or is this
/// process's own gateway, [`InProcess`]) and says it, otherwise the peer. `None` when neither
/// is known, or a trusted peer names it badly (restrictions then refuse: an unknown client is
/// admitted by none).
pub(crate) fn client_address<T>(req: &Request<T>, trusted_gateways: &[IpNet]) -> Option<IpAddr> {
    let peer = req.remote_addr().map(|a| a.ip().to_canonical());
    if req.extensions().get::<InProcess>().is_none() {
        let peer = peer?;
        if !trusted_gateways.iter().any(|net| net.contains(&peer)) {
            return Some(peer);
        }
    }
    match req.metadata().get(CLIENT_ADDRESS_METADATA) {
        None => peer,
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<IpAddr>().ok())
            .map(|a| a.to_canonical()),
    }
}

/// What a user service trusts by default: loopback, where `roster serve` runs its gateway.
pub fn default_trusted_gateways() -> Vec<IpNet> {
    ["127.0.0.0/8", "::1/128"]
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;
    use tonic::transport::server::TcpConnectInfo;

    fn from(peer: &str, claimed: Option<&str>) -> Request<()> {
        let mut req = Request::new(());
        req.extensions_mut().insert(TcpConnectInfo {
            local_addr: None,
            remote_addr: Some(peer.parse::<SocketAddr>().unwrap()),
        });
        if let Some(c) = claimed {
            req.metadata_mut()
                .insert(CLIENT_ADDRESS_METADATA, c.parse().unwrap());
        }
        req
    }

    #[allow(clippy::unnecessary_wraps)] // compared with what `client_of` returns
    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn only_a_trusted_peer_names_the_client() {
        let trusted = default_trusted_gateways();
        assert_eq!(
            client_address(&from("127.0.0.1:5000", Some("10.1.2.3")), &trusted),
            ip("10.1.2.3")
        );
        assert_eq!(
            client_address(&from("[::1]:5000", Some("2001:db8::1")), &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_address(&from("127.0.0.1:5000", None), &trusted),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_address(&from("192.0.2.9:5000", Some("10.1.2.3")), &trusted),
            ip("192.0.2.9")
        );
        assert_eq!(
            client_address(&from("127.0.0.1:5000", Some("10.1.2.3")), &[]),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_address(
                &from("[::ffff:127.0.0.1]:5000", Some("::ffff:10.0.0.1")),
                &trusted
            ),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_address(&from("127.0.0.1:5000", Some("nonsense")), &trusted),
            None
        );
        assert_eq!(client_address(&Request::new(()), &trusted), None);
    }

    #[test]
    fn this_process_s_gateway_names_the_client_whatever_the_trusted_ranges() {
        let in_process = |claimed: Option<&str>| {
            let mut req = Request::new(());
            req.extensions_mut().insert(InProcess);
            if let Some(c) = claimed {
                req.metadata_mut()
                    .insert(CLIENT_ADDRESS_METADATA, c.parse().unwrap());
            }
            req
        };
        assert_eq!(
            client_address(&in_process(Some("10.1.2.3")), &[]),
            ip("10.1.2.3")
        );
        assert_eq!(client_address(&in_process(Some("unknown")), &[]), None);
        assert_eq!(client_address(&in_process(None), &[]), None);
    }
}
