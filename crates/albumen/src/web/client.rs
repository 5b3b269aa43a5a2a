//! Who is on the other end of a request: the client's address (for login limits) and whether it
//! reached us over HTTPS (for `Secure` cookies and HSTS). Read from the TCP peer, or from
//! `X-Forwarded-For` / `X-Forwarded-Proto` when the peer is one of `server.trusted_proxies`;
//! anyone else's forwarding headers are ignored, since any client can send them.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::STRICT_TRANSPORT_SECURITY;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::config::ServerConfig;
use crate::state::AppState;

const FORWARDED_FOR: &str = "x-forwarded-for";
const FORWARDED_PROTO: &str = "x-forwarded-proto";

/// The client of one request, set by [`identify`] for every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// `None` when the server runs without connection information (in-process tests).
    pub address: Option<IpAddr>,
    /// The request came over HTTPS, or `auth.secure_cookies` says to act as if it had: cookies
    /// are `Secure` and carry the `__Host-` prefix.
    pub https: bool,
}

/// `scheme://host` of a request, when its `Host` is a plain authority: for absolute URLs (Open
/// Graph cards, links an administrator copies), as there is no configured public URL.
pub fn origin(https: bool, headers: &HeaderMap) -> Option<String> {
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let authority: axum::http::uri::Authority = host.parse().ok()?;
    if authority.as_str().contains('@') {
        return None;
    }
    let scheme = if https { "https" } else { "http" };
    Some(format!("{scheme}://{authority}"))
}

/// Records the [`Client`] in the request's extensions, and adds HSTS to answers over HTTPS when
/// configured.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip());
    let mut client = of(peer, request.headers(), &state.config.server);
    client.https |= state.config.auth.secure_cookies;
    request.extensions_mut().insert(client);
    let mut response = next.run(request).await;
    if let Some(seconds) = state.config.server.hsts_max_age_seconds
        && client.https
    {
        let value = HeaderValue::from_str(&format!("max-age={seconds}"))
            .expect("digits are a valid header value");
        response
            .headers_mut()
            .insert(STRICT_TRANSPORT_SECURITY, value);
    }
    response
}

/// The client behind `peer`: the peer itself unless it is a trusted proxy, in which case the
/// nearest address in `X-Forwarded-For` that is not a trusted proxy (a client can prepend
/// anything; only what our proxies appended is believed).
fn of(peer: Option<IpAddr>, headers: &HeaderMap, config: &ServerConfig) -> Client {
    let trusted = |ip: IpAddr| config.trusted_proxies.iter().any(|n| n.contains(ip));
    let Some(peer) = peer.filter(|ip| trusted(*ip)) else {
        return Client {
            address: peer,
            https: false,
        };
    };
    let mut address = peer;
    let hops = headers
        .get_all(FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect::<Vec<_>>();
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else { break };
        address = ip;
        if !trusted(ip) {
            break;
        }
    }
    // The nearest proxy's word: it replaces or appends the scheme it was reached over.
    let https = headers
        .get_all(FORWARDED_PROTO)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    Client {
        address: Some(address),
        https,
    }
}

/// One `X-Forwarded-For` entry: an address, optionally with a port (`[::1]:80`, `1.2.3.4:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(proxies: &[&str]) -> ServerConfig {
        ServerConfig {
            trusted_proxies: proxies
                .iter()
                .map(|p| p.parse().expect("a network"))
                .collect(),
            ..ServerConfig::default()
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("a header value"));
        }
        map
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().expect("an address"))
    }

    #[test]
    fn forwarding_headers_from_strangers_are_ignored() {
        let forged = headers(&[(FORWARDED_FOR, "10.9.9.9"), (FORWARDED_PROTO, "https")]);
        let client = of(ip("203.0.113.7"), &forged, &config(&["127.0.0.1"]));
        assert_eq!(
            client,
            Client {
                address: ip("203.0.113.7"),
                https: false
            }
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_the_scheme() {
        let sent = headers(&[(FORWARDED_FOR, "198.51.100.4"), (FORWARDED_PROTO, "https")]);
        let client = of(ip("127.0.0.1"), &sent, &config(&["127.0.0.1"]));
        assert_eq!(
            client,
            Client {
                address: ip("198.51.100.4"),
                https: true
            }
        );
    }

    #[test]
    fn what_a_client_prepends_is_not_believed() {
        // The client sent "X-Forwarded-For: 1.1.1.1"; nginx appended the real address, then an
        // inner proxy appended nginx's.
        let sent = headers(&[(FORWARDED_FOR, "1.1.1.1, 198.51.100.4, 10.0.0.2")]);
        let client = of(ip("10.0.0.3"), &sent, &config(&["10.0.0.0/8"]));
        assert_eq!(client.address, ip("198.51.100.4"));
        assert!(!client.https);
    }

    #[test]
    fn a_garbled_hop_stops_the_walk_at_the_last_good_one() {
        let sent = headers(&[(FORWARDED_FOR, "198.51.100.4, garbage")]);
        let client = of(ip("127.0.0.1"), &sent, &config(&["127.0.0.1"]));
        assert_eq!(client.address, ip("127.0.0.1"));
        let ported = headers(&[(FORWARDED_FOR, "[2001:db8::1]:4711")]);
        let client = of(ip("127.0.0.1"), &ported, &config(&["127.0.0.1"]));
        assert_eq!(client.address, ip("2001:db8::1"));
    }

    #[test]
    fn no_peer_means_no_address() {
        let client = of(None, &HeaderMap::new(), &config(&["127.0.0.1"]));
        assert_eq!(client.address, None);
    }
}
