//! Which network addresses feidi may send to on an admin's behalf. A webhook aimed at the
//! server's own network (its loopback, a link-local metadata service, a private range) would
//! let whoever registers it make the server speak to machines no outsider reaches; such
//! targets are refused unless an admin allows them (a receiver on the same private network).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether an address belongs to the server's own or a private network: loopback,
/// unspecified, link-local, private (RFC 1918, carrier-grade NAT, IPv6 unique local),
/// broadcast, documentation and benchmarking ranges, and IPv4 inside IPv6.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => internal_v6(v6),
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        // 100.64.0.0/10, carrier-grade NAT: inside a provider's network.
        || (a == 100 && (64..128).contains(&b))
        // 198.18.0.0/15, benchmarking.
        || (a == 198 && (b == 18 || b == 19))
        // 240.0.0.0/4, reserved.
        || a >= 240
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return internal_v4(v4);
    }
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // fc00::/7, unique local.
        || (first & 0xfe00) == 0xfc00
        // fe80::/10, link-local.
        || (first & 0xffc0) == 0xfe80
        // 2001:db8::/32, documentation.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        // ::/96, IPv4-compatible (deprecated): an IPv4 address in disguise.
        || ip.segments()[..6].iter().all(|s| *s == 0)
}

/// Whether a host name names this machine without any lookup (`localhost` and its
/// subdomains, which resolvers answer with loopback).
pub fn is_local_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_s_own_networks_are_internal_and_the_internet_is_not() {
        for internal in [
            "127.0.0.1",
            "127.255.0.9",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
        ] {
            let ip: IpAddr = internal.parse().expect(internal);
            assert!(is_internal(ip), "{internal}");
        }
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = public.parse().expect(public);
            assert!(!is_internal(ip), "{public}");
        }
        assert!(is_local_name("LOCALHOST.") && is_local_name("api.localhost"));
        assert!(!is_local_name("localhost.example.org"));
    }
}
