//! What one client can hold and what a reverse proxy may say: the accept loop `albumen serve`
//! runs (over real TCP) drops half-open and idle connections and caps how many it serves; a
//! trusted proxy's `X-Forwarded-*` gives the client's address and HTTPS (`__Host-` cookies,
//! HSTS), anyone else's are ignored.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use albumen::server::{ConnectionLimits, serve};
use albumen_core::model::Permissions;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, header};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::common::{PASSWORD, Reply, TestApp};

const LIMITS: ConnectionLimits = ConnectionLimits {
    max_connections: 4,
    header_timeout: Duration::from_secs(1),
    write_timeout: Duration::from_secs(5),
};

/// Serves a fresh app with `LIMITS` on a loopback port.
async fn served() -> (TestApp, SocketAddr) {
    let t = TestApp::new().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve(
        listener,
        t.app.clone(),
        LIMITS,
        std::future::pending(),
    ));
    (t, address)
}

/// Reads until the server closes the connection; how long that took.
async fn time_until_closed(stream: &mut TcpStream, within: Duration) -> Duration {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(within, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => {}
            Err(_) => panic!("the server kept the connection open for {within:?}"),
        }
    }
}

/// One whole request on its own connection; the status line of the answer.
async fn status_line(address: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: gallery\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn half_open_connections_are_dropped_and_lock_nobody_out() {
    let (_t, address) = served().await;
    // Three times the cap, each stopping in the middle of its headers.
    let mut stalled = Vec::new();
    for _ in 0..3 * LIMITS.max_connections {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: gallery\r\nX-Slow: ")
            .await
            .unwrap();
        stalled.push(stream);
    }
    // A real visitor arriving now is served once the stalled ones are dropped.
    let start = Instant::now();
    let visitor = tokio::time::timeout(Duration::from_secs(15), status_line(address, "/login"))
        .await
        .expect("a visitor is served while half-open connections wait");
    assert_eq!(visitor, "HTTP/1.1 200 OK");
    assert!(start.elapsed() < Duration::from_secs(10));
    for stream in &mut stalled {
        time_until_closed(stream, Duration::from_secs(10)).await;
    }
}

#[tokio::test]
async fn idle_kept_alive_connections_are_closed() {
    let (_t, address) = served().await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /login HTTP/1.1\r\nHost: gallery\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let n = stream.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200 OK"));
    // Then nothing more is sent: the server hangs up after the header timeout.
    let waited = time_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(
        waited >= LIMITS.header_timeout / 2,
        "closed after {waited:?}"
    );
}

/// `POST /api/v1/session` as if from `peer`, with extra headers.
async fn login_from(t: &TestApp, peer: [u8; 4], password: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request
        .body(Body::from(
            serde_json::json!({"username": "ann", "password": password}).to_string(),
        ))
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((peer, 40_000))));
    t.send(request).await
}

const PROXY: [u8; 4] = [127, 0, 0, 1];
const STRANGER: [u8; 4] = [203, 0, 113, 9];
const OVER_HTTPS: [(&str, &str); 2] = [
    ("x-forwarded-for", "198.51.100.4"),
    ("x-forwarded-proto", "https"),
];

async fn behind_proxy() -> TestApp {
    let t = TestApp::with_config(|c| {
        c.server.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        c.server.hsts_max_age_seconds = Some(31_536_000);
    })
    .await;
    t.create_user("ann", Permissions::default()).await;
    t
}

#[tokio::test]
async fn https_through_a_trusted_proxy_gets_secure_host_cookies_and_hsts() {
    let t = behind_proxy().await;
    let reply = login_from(&t, PROXY, PASSWORD, &OVER_HTTPS).await;
    assert_eq!(reply.status, 200);
    let cookie = reply.header("set-cookie").unwrap();
    assert!(cookie.starts_with("__Host-albumen_session="), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert_eq!(
        reply.header("strict-transport-security"),
        Some("max-age=31536000")
    );

    // The session works over HTTPS under its prefixed name only.
    let pair = cookie.split(';').next().unwrap().to_owned();
    let session = |cookie: &str| {
        let mut request = Request::builder()
            .uri("/api/v1/session")
            .header(header::COOKIE, cookie);
        for (name, value) in OVER_HTTPS {
            request = request.header(name, value);
        }
        let mut request = request.body(Body::empty()).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((PROXY, 40_000))));
        request
    };
    assert_eq!(t.send(session(&pair)).await.status, 200);
    let unprefixed = pair.trim_start_matches("__Host-");
    assert_eq!(t.send(session(unprefixed)).await.status, 401);
}

#[tokio::test]
async fn forwarding_headers_from_anyone_else_change_nothing() {
    let t = behind_proxy().await;
    let reply = login_from(&t, STRANGER, PASSWORD, &OVER_HTTPS).await;
    assert_eq!(reply.status, 200);
    let cookie = reply.header("set-cookie").unwrap();
    assert!(cookie.starts_with("albumen_session="), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert_eq!(reply.header("strict-transport-security"), None);
}

/// Behind the proxy every visitor arrives from 127.0.0.1: the limiter must count the addresses
/// the proxy names, or one visitor's failures would slow down or lock out everyone else.
#[tokio::test]
async fn the_limiter_counts_the_address_the_proxy_names() {
    let t = behind_proxy().await;
    let guesser = [("x-forwarded-for", "192.0.2.50")];
    for _ in 0..5 {
        assert_eq!(login_from(&t, PROXY, "wrong", &guesser).await.status, 401);
    }
    assert_eq!(login_from(&t, PROXY, PASSWORD, &guesser).await.status, 429);
    let other = [("x-forwarded-for", "192.0.2.51")];
    assert_eq!(login_from(&t, PROXY, PASSWORD, &other).await.status, 200);
}

#[tokio::test]
async fn a_huge_body_is_refused_with_a_clear_error() {
    let t = TestApp::new().await;
    let name = "a".repeat(2 * 1024 * 1024);
    let body = serde_json::json!({"username": name, "password": "x"}).to_string();
    let reply = t
        .send(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, 413, "{}", reply.text());
    assert_eq!(
        reply.json()["error"]["code"],
        "too-large",
        "{}",
        reply.text()
    );
    assert_eq!(t.get("/login", None).await.status, 200);
}
