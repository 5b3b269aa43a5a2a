//! Limits on failed logins: per username (as typed) and per client address, refused with 429 and
//! `Retry-After` before the password is checked.

use std::net::SocketAddr;
use std::time::Duration;

use albumen_core::model::Permissions;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, header};

use crate::common::{PASSWORD, Reply, TestApp};

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
async fn five_failures_lock_the_account_even_for_the_right_password() {
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
    // From elsewhere too: the lock is on the account.
    assert_eq!(attempt(&t, "ann", PASSWORD, ELSEWHERE).await.status, 429);
    // Another account from the same address still works.
    assert_eq!(attempt(&t, "bob", PASSWORD, HERE).await.status, 200);
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
async fn the_address_limit_covers_every_username() {
    let t = TestApp::with_config(|c| c.auth.login_attempts_per_address = 3).await;
    t.create_user("dave", Permissions::default()).await;
    for name in ["ann", "bob", "carol"] {
        assert_eq!(attempt(&t, name, "wrong password", HERE).await.status, 401);
    }
    let refused = attempt(&t, "dave", PASSWORD, HERE).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("retry-after"), Some("60"));
    assert_eq!(attempt(&t, "dave", PASSWORD, ELSEWHERE).await.status, 200);
    // Requests without a known peer address share one bucket of their own.
    assert_eq!(attempt(&t, "dave", PASSWORD, None).await.status, 200);
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
