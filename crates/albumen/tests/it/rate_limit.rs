//! Limits on failed logins: per username (as typed), from anywhere and from one client address,
//! refused with 429 and `Retry-After` before the password is checked; an address alone is only
//! slowed down.

use std::net::SocketAddr;
use std::time::Duration;

use albumen_core::model::Permissions;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, header};

use crate::common::{PASSWORD, Reply, TestApp};
use crate::fixtures::{Exif, jpeg};

/// `POST /api/v1/session` from `peer` (or from no known address).
async fn attempt(t: &TestApp, username: &str, password: &str, peer: Option<[u8; 4]>) -> Reply {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            serde_json::json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap();
    if let Some(ip) = peer {
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
    }
    t.send(request).await
}

const HERE: Option<[u8; 4]> = Some([192, 0, 2, 1]);
const ELSEWHERE: Option<[u8; 4]> = Some([198, 51, 100, 7]);

#[tokio::test]
async fn five_failures_from_one_address_lock_the_account_there_even_for_the_right_password() {
    let t = TestApp::new().await;
    t.create_user("ann", Permissions::default()).await;
    t.create_user("bob", Permissions::default()).await;
    for _ in 0..5 {
        assert_eq!(attempt(&t, "ann", "wrong password", HERE).await.status, 401);
    }
    let refused = attempt(&t, "ann", PASSWORD, HERE).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert!(refused.header("set-cookie").is_none());
    assert_eq!(refused.json()["error"]["code"], "too-many-attempts");
    // From elsewhere ann still logs in, and from here so does another account.
    assert_eq!(attempt(&t, "ann", PASSWORD, ELSEWHERE).await.status, 200);
    assert_eq!(attempt(&t, "bob", PASSWORD, HERE).await.status, 200);
    assert_eq!(attempt(&t, "ann", PASSWORD, HERE).await.status, 429);
}

#[tokio::test]
async fn twenty_failures_from_anywhere_lock_the_account_everywhere() {
    let t = TestApp::new().await;
    t.create_user("ann", Permissions::default()).await;
    for i in 0..20 {
        let peer = Some([203, 0, 113, i]);
        assert_eq!(attempt(&t, "ann", "wrong password", peer).await.status, 401);
    }
    let refused = attempt(&t, "ann", PASSWORD, ELSEWHERE).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("retry-after"), Some("60"));
}

#[tokio::test]
async fn unknown_usernames_are_limited_exactly_like_known_ones() {
    let t = TestApp::new().await;
    t.create_user("ann", Permissions::default()).await;
    for _ in 0..5 {
        attempt(&t, "ann", "wrong password", HERE).await;
        attempt(&t, "nobody", "wrong password", ELSEWHERE).await;
    }
    let known = attempt(&t, "ann", PASSWORD, HERE).await;
    let unknown = attempt(&t, "nobody", PASSWORD, ELSEWHERE).await;
    assert_eq!(known.status, 429);
    assert_eq!(unknown.status, 429);
    assert_eq!(known.header("retry-after"), unknown.header("retry-after"));
    assert_eq!(known.body, unknown.body);
}

#[tokio::test]
async fn an_address_with_many_failures_is_slowed_down() {
    let t = TestApp::with_config(|c| {
        c.auth.login_address_free_failures = 3;
        c.auth.login_address_delay_ms = 300;
        c.auth.login_address_delay_max_ms = 300;
    })
    .await;
    t.create_user("dave", Permissions::default()).await;
    // Three failures are free; the fourth delays the next attempt.
    for name in ["ann", "bob", "carol", "erin"] {
        assert_eq!(attempt(&t, name, "wrong password", HERE).await.status, 401);
    }
    let started = std::time::Instant::now();
    assert_eq!(attempt(&t, "dave", PASSWORD, HERE).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn the_lockout_passes() {
    let t = TestApp::with_config(|c| {
        c.auth.login_attempts_per_account = 2;
        c.auth.login_lockout_seconds = 1;
    })
    .await;
    t.create_user("ann", Permissions::default()).await;
    for _ in 0..2 {
        assert_eq!(attempt(&t, "ann", "wrong password", HERE).await.status, 401);
    }
    let refused = attempt(&t, "ann", PASSWORD, HERE).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("retry-after"), Some("1"));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(attempt(&t, "ann", PASSWORD, HERE).await.status, 200);
}

#[tokio::test]
async fn a_successful_login_resets_the_account_counter() {
    let t = TestApp::with_config(|c| c.auth.login_attempts_per_account = 2).await;
    t.create_user("ann", Permissions::default()).await;
    for _ in 0..3 {
        assert_eq!(attempt(&t, "ann", "wrong password", HERE).await.status, 401);
        assert_eq!(attempt(&t, "ann", PASSWORD, HERE).await.status, 200);
    }
    assert_eq!(attempt(&t, "ann", "wrong password", HERE).await.status, 401);
    assert_eq!(attempt(&t, "ann", "wrong password", HERE).await.status, 401);
    assert_eq!(attempt(&t, "ann", PASSWORD, HERE).await.status, 429);
}

#[tokio::test]
async fn the_login_form_says_how_long_to_wait() {
    let t = TestApp::with_config(|c| c.auth.login_attempts_per_account = 1).await;
    t.create_user("ann", Permissions::default()).await;
    let form = |password: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "username=ann&password={}",
                password.replace(' ', "+")
            )))
            .unwrap()
    };
    assert_eq!(t.send(form("wrong password")).await.status, 401);
    let refused = t.send(form(PASSWORD)).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert!(refused.header("set-cookie").is_none());
    let page = refused.text();
    assert!(
        page.contains("Too many attempts; try again in 60 seconds"),
        "{page}"
    );
    assert!(
        page.contains("name=\"password\""),
        "the form is shown again"
    );
}

#[tokio::test]
async fn concurrent_guesses_cannot_slip_past_the_limit() {
    let t = TestApp::new().await;
    t.create_user("ann", Permissions::default()).await;
    let guesses = (0..10).map(|_| attempt(&t, "ann", "wrong password", HERE));
    let replies = futures::future::join_all(guesses).await;
    let checked = replies.iter().filter(|r| r.status == 401).count();
    let refused = replies.iter().filter(|r| r.status == 429).count();
    assert_eq!((checked, refused), (5, 5));
}

/// One album with a password-protected share link; returns the link's id and URL.
async fn protected_link(t: &TestApp) -> (i64, String) {
    t.add("Trip/a.jpg", &jpeg(40, 30, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let albums = t.get("/api/v1/albums", Some(&admin)).await.json();
    let album = albums[0]["id"].as_i64().unwrap();
    let body = serde_json::json!({"album_id": album, "password": "link secret"});
    let reply = t
        .call(Method::POST, "/api/v1/shares", Some(&admin), Some(body))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let json = reply.json();
    (
        json["id"].as_i64().unwrap(),
        json["url"].as_str().unwrap().to_owned(),
    )
}

/// `POST` a share link's password form from `peer`.
async fn unlock(t: &TestApp, url: &str, password: &str, peer: Option<[u8; 4]>) -> Reply {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(url)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "password={}",
            password.replace(' ', "+")
        )))
        .unwrap();
    if let Some(ip) = peer {
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
    }
    t.send(request).await
}

/// Behind a reverse proxy every visitor comes from the proxy's address: failures from it, for
/// any number of names, slow it down but never lock out someone else's correct password.
#[tokio::test]
async fn failures_from_a_shared_address_lock_no_one_else_out() {
    let t = TestApp::with_config(|c| {
        c.auth.login_address_delay_ms = 1;
        c.auth.login_address_delay_max_ms = 5;
    })
    .await;
    let (_, link) = protected_link(&t).await;
    t.create_user("dave", Permissions::default()).await;
    for i in 0..25 {
        let name = format!("guess-{i}");
        assert_eq!(attempt(&t, &name, "wrong password", HERE).await.status, 401);
    }
    assert_eq!(attempt(&t, "dave", PASSWORD, HERE).await.status, 200);
    assert_eq!(unlock(&t, &link, "link secret", HERE).await.status, 303);
}

/// A success at the limit (once the lockout has passed) does not start a new lockout, for the
/// account nor for the address.
#[tokio::test]
async fn a_success_at_the_limit_does_not_lock_again() {
    let t = TestApp::with_config(|c| {
        c.auth.login_lockout_seconds = 1;
        c.auth.login_address_delay_ms = 1;
        c.auth.login_address_delay_max_ms = 5;
    })
    .await;
    t.create_user("ann", Permissions::default()).await;
    t.create_user("bob", Permissions::default()).await;
    for _ in 0..5 {
        attempt(&t, "ann", "wrong password", HERE).await;
    }
    for i in 0..20 {
        attempt(&t, &format!("guess-{i}"), "wrong password", HERE).await;
    }
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for name in ["ann", "bob", "ann", "bob"] {
        assert_eq!(
            attempt(&t, name, PASSWORD, HERE).await.status,
            200,
            "{name}"
        );
    }
}

/// Share links and accounts are counted apart: no username locks a link.
#[tokio::test]
async fn the_username_share_link_n_cannot_lock_link_n() {
    let t = TestApp::new().await;
    let (id, link) = protected_link(&t).await;
    let name = format!("share link {id}");
    for i in 0..10 {
        let peer = Some([203, 0, 113, i]);
        assert_eq!(attempt(&t, &name, "wrong password", peer).await.status, 401);
    }
    assert_eq!(unlock(&t, &link, "link secret", HERE).await.status, 303);
}
