//! Who is calling, for the per-address rate limits (sign-in, password reset, form posts): the socket peer, or — only
//! when that peer is one of the deployment's own reverse proxies — the address that proxy says it received the call
//! from (`X-Forwarded-For`).
//!
//! Trusting `X-Forwarded-For` from anyone would let a client pick its own rate-limit bucket with one header; never
//! trusting it would put every resident behind an ingress in the ingress's bucket. So the header is read from the
//! right (the hop our proxy appended) and the first address that is not a trusted proxy is the client.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// Networks whose peers are the deployment's reverse proxies (`MIROIR_TRUSTED_PROXIES`: CIDRs or addresses,
/// separated by commas or spaces). Empty (the default, `miroir up`): `X-Forwarded-For` is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u128::from(u32::from(net)), u128::from(u32::from(ip)), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => masked(u128::from(net), u128::from(ip), self.prefix, 128),
            _ => false,
        }
    }
}

fn masked(net: u128, ip: u128, prefix: u8, bits: u8) -> bool {
    let host_bits = u32::from(bits - prefix);
    let mask = if host_bits >= 128 { 0 } else { u128::MAX << host_bits };
    (net & mask) == (ip & mask)
}

/// An IPv4 address seen as IPv6 (`::ffff:10.0.0.1`, a dual-stack socket) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl TrustedProxies {
    /// Parses `10.0.0.0/8, 192.168.1.7 fd00::/8`; the error names the entry that is not an address or a network.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut networks = Vec::new();
        for entry in list.split([',', ' ', '\n', '\t']).map(str::trim).filter(|e| !e.is_empty()) {
            let (address, prefix) = match entry.split_once('/') {
                Some((address, prefix)) => (address, Some(prefix)),
                None => (entry, None),
            };
            let address: IpAddr =
                address.parse().map_err(|_| format!("{entry:?} is not an IP address or a network (10.0.0.0/8)"))?;
            let address = canonical(address);
            let bits = if address.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                None => bits,
                Some(prefix) => prefix
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= bits)
                    .ok_or_else(|| format!("{entry:?}: the prefix length must be 0 to {bits}"))?,
            };
            networks.push(Network { address, prefix });
        }
        Ok(Self(networks))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(ip))
    }

    /// The caller's address: the peer, unless it is a trusted proxy; then the right-most `X-Forwarded-For` hop that is
    /// not one (all of them trusted: the left-most). Empty when the peer is unknown.
    pub fn client_address(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> String {
        let Some(peer) = peer.map(canonical) else { return String::new() };
        if !self.trusts(peer) {
            return peer.to_string();
        }
        // Several headers count as one comma-separated list, in order.
        let hops: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|list| list.split(','))
            .map(|hop| parse_hop(hop).map(canonical))
            .collect::<Option<Vec<_>>>()
            // A hop that is not an address: the chain cannot be followed past our proxy.
            .unwrap_or_default();
        let mut client = peer;
        for hop in hops.iter().rev() {
            client = *hop;
            if !self.trusts(*hop) {
                break;
            }
        }
        client.to_string()
    }
}

/// One hop of `X-Forwarded-For`: an IP address, possibly with a port (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|address| address.ip()))
        .or_else(|| hop.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')).and_then(|inner| inner.parse().ok()))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_static(value));
        }
        headers
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().expect("ip"))
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(none.client_address(&with(&["203.0.113.7"]), ip("192.0.2.1")), "192.0.2.1");
        assert_eq!(none.client_address(&HeaderMap::new(), ip("192.0.2.1")), "192.0.2.1");
        assert_eq!(none.client_address(&with(&["203.0.113.7"]), None), "");
    }

    #[test]
    fn behind_a_trusted_proxy_the_first_untrusted_hop_from_the_right_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, fd00::/8").expect("parse");
        let from_ingress = ip("10.1.2.3");
        // The proxy appended the address it saw.
        assert_eq!(proxies.client_address(&with(&["203.0.113.7"]), from_ingress), "203.0.113.7");
        // A client cannot choose its bucket: what it put in front is left of what our proxy appended.
        assert_eq!(proxies.client_address(&with(&["198.51.100.1, 203.0.113.7"]), from_ingress), "203.0.113.7");
        assert_eq!(proxies.client_address(&with(&["198.51.100.1", "203.0.113.7"]), from_ingress), "203.0.113.7");
        // Chained proxies of ours are skipped; with ports and IPv6.
        assert_eq!(proxies.client_address(&with(&["203.0.113.7:4711, 10.9.9.9"]), from_ingress), "203.0.113.7");
        assert_eq!(proxies.client_address(&with(&["[2001:db8::1]:4711"]), ip("fd00::1")), "2001:db8::1");
        // No header, or a hop that is not an address: the proxy itself.
        assert_eq!(proxies.client_address(&HeaderMap::new(), from_ingress), "10.1.2.3");
        assert_eq!(proxies.client_address(&with(&["unknown, 203.0.113.7"]), from_ingress), "10.1.2.3");
        // A peer outside the trusted networks speaks for itself, whatever it claims.
        assert_eq!(proxies.client_address(&with(&["10.0.0.1"]), ip("192.0.2.1")), "192.0.2.1");
        // An IPv4 peer on a dual-stack socket.
        assert_eq!(proxies.client_address(&with(&["203.0.113.7"]), ip("::ffff:10.1.2.3")), "203.0.113.7");
    }

    #[test]
    fn the_setting_is_checked_and_names_the_wrong_entry() {
        assert_eq!(TrustedProxies::parse("").expect("empty"), TrustedProxies::default());
        assert!(TrustedProxies::parse("127.0.0.1 ::1/128,0.0.0.0/0").is_ok());
        let error = TrustedProxies::parse("10.0.0.0/8, proxy.local").expect_err("a name");
        assert!(error.contains("proxy.local"), "{error}");
        assert!(TrustedProxies::parse("10.0.0.0/33").expect_err("prefix").contains("0 to 32"));
        assert!(TrustedProxies::parse("fd00::/129").is_err());
        let all = TrustedProxies::parse("0.0.0.0/0").expect("all");
        assert!(all.trusts("203.0.113.7".parse().expect("ip")));
        let one = TrustedProxies::parse("127.0.0.1").expect("one");
        assert!(one.trusts("127.0.0.1".parse().expect("ip")) && !one.trusts("127.0.0.2".parse().expect("ip")));
    }
}
