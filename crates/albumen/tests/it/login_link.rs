//! Magic login links: an administrator makes one for a user, and opening it logs that user in;
//! every kind of dead link answers the same 404 page.

use albumen_core::model::Permissions;
use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};

use crate::common::{Session, TestApp};

/// Makes a link for `user` through the API and returns its URL path.
async fn make_link(t: &TestApp, admin: &Session, user: i64, options: Option<Value>) -> String {
    let reply = t
        .call(
            Method::POST,
            &format!("/api/v1/users/{user}/login-link"),
            Some(admin),
            options,
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let body = reply.json();
    let url = body["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/login/link/"), "{url}");
    assert!(body["expires_at"].as_i64().is_some());
    url
}

/// Follows a link without a cookie: the page, then its confirmation; on success returns the new
/// session's cookie.
async fn open(t: &TestApp, url: &str) -> Result<Session, (u16, Vec<u8>)> {
    let page = t.get(url, None).await;
    if page.status == 200 {
        // Looking at the link logs nobody in and gives nothing away.
        assert!(page.header("set-cookie").is_none());
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
        assert!(
            page.text().contains("<form method=\"post\""),
            "{}",
            page.text()
        );
    } else {
        assert_eq!(page.status, 404, "{url}");
    }
    let reply = t.send(confirm(url, None)).await;
    if reply.status != 303 {
        assert!(reply.header("set-cookie").is_none());
        return Err((reply.status.as_u16(), reply.body));
    }
    assert_eq!(reply.header("location"), Some("/"));
    let set_cookie = reply.header("set-cookie").unwrap();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    assert!(cookie.starts_with("albumen_session="));
    Ok(Session {
        cookie,
        csrf: String::new(),
    })
}

/// The confirmation form's post, as a browser sends it (with the CSRF field when logged in):
/// the page's `Referrer-Policy: no-referrer` makes it say `Origin: null`.
fn confirm(url: &str, session: Option<&Session>) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(url)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "photos.example")
        .header(header::ORIGIN, "null")
        .header("sec-fetch-site", "same-origin");
    let mut body = String::new();
    if let Some(session) = session {
        request = request.header(header::COOKIE, &session.cookie);
        body = format!("csrf_token={}", session.csrf);
    }
    request.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn looking_at_a_single_use_link_does_not_use_it() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let ann = t.create_user("ann", Permissions::default()).await;
    let url = make_link(&t, &admin, ann.id.get(), Some(json!({"single_use": true}))).await;
    for _ in 0..3 {
        assert_eq!(t.get(&url, None).await.status, 200);
    }
    let session = open(&t, &url).await.unwrap();
    assert_eq!(username(&t, &session).await, "ann");
}

async fn username(t: &TestApp, session: &Session) -> Value {
    let reply = t.get("/api/v1/session", Some(session)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()["user"]["username"].clone()
}

#[tokio::test]
async fn a_link_logs_its_user_in_until_it_expires() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let ann = t.create_user("ann", Permissions::default()).await;
    let url = make_link(&t, &admin, ann.id.get(), None).await;
    for _ in 0..2 {
        let session = open(&t, &url).await.unwrap();
        assert_eq!(username(&t, &session).await, "ann");
    }
    // The session comes with its own CSRF token, as after a password login.
    let session = open(&t, &url).await.unwrap();
    let reply = t.get("/api/v1/session", Some(&session)).await;
    assert_eq!(reply.json()["csrf_token"].as_str().map(str::len), Some(32));
}

#[tokio::test]
async fn an_empty_body_and_an_empty_object_are_both_defaults() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let ann = t.create_user("ann", Permissions::default()).await;
    let url = make_link(&t, &admin, ann.id.get(), Some(json!({}))).await;
    assert!(open(&t, &url).await.is_ok());
    let reply = t
        .call(
            Method::POST,
            &format!("/api/v1/users/{}/login-link", ann.id.get()),
            Some(&admin),
            Some(json!({"expires_in_days": 1000})),
        )
        .await;
    assert_eq!(reply.status, 400, "{}", reply.text());
    let reply = t
        .call(
            Method::POST,
            "/api/v1/users/9999/login-link",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(reply.status, 404, "{}", reply.text());
}

#[tokio::test]
async fn a_single_use_link_works_once() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let ann = t.create_user("ann", Permissions::default()).await;
    let url = make_link(&t, &admin, ann.id.get(), Some(json!({"single_use": true}))).await;
    let session = open(&t, &url).await.unwrap();
    assert_eq!(username(&t, &session).await, "ann");
    assert_eq!(open(&t, &url).await.unwrap_err().0, 404);
}

#[tokio::test]
async fn dead_links_all_answer_the_same_404_page() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let ann = t.create_user("ann", Permissions::default()).await;
    let expired = make_link(
        &t,
        &admin,
        ann.id.get(),
        Some(json!({"expires_in_days": 0})),
    )
    .await;
    let (status, expired_body) = open(&t, &expired).await.unwrap_err();
    assert_eq!(status, 404);

    let used = make_link(&t, &admin, ann.id.get(), Some(json!({"single_use": true}))).await;
    open(&t, &used).await.unwrap();

    let before_password = make_link(&t, &admin, ann.id.get(), None).await;
    let reply = t
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{}", ann.id.get()),
            Some(&admin),
            Some(json!({"password": "a brand new password"})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let after_password = make_link(&t, &admin, ann.id.get(), None).await;

    let bob = t.create_user("bob", Permissions::default()).await;
    let disabled = make_link(&t, &admin, bob.id.get(), None).await;
    let reply = t
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{}", bob.id.get()),
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());

    let garbage = format!("/login/link/{}", "0".repeat(64));
    let malformed = "/login/link/nonsense".to_owned();
    for url in [&used, &before_password, &disabled, &garbage, &malformed] {
        let (status, body) = open(&t, url).await.unwrap_err();
        assert_eq!(status, 404, "{url}");
        assert_eq!(body, expired_body, "{url}");
    }
    // The same page as any unknown address.
    assert_eq!(t.get("/no/such/page", None).await.body, expired_body);
    // A link made after the new password works.
    let session = open(&t, &after_password).await.unwrap();
    assert_eq!(username(&t, &session).await, "ann");
}

#[tokio::test]
async fn only_administrators_make_links() {
    let t = TestApp::new().await;
    t.admin().await;
    let ann = t.create_user("ann", Permissions::default()).await;
    let session = t.login("ann").await;
    let path = format!("/api/v1/users/{}/login-link", ann.id.get());
    let reply = t.call(Method::POST, &path, Some(&session), None).await;
    assert_eq!(reply.status, 403, "{}", reply.text());
    let reply = t.call(Method::POST, &path, None, None).await;
    assert_eq!(reply.status, 401, "{}", reply.text());
}

#[tokio::test]
async fn opening_a_link_replaces_the_browsers_session() {
    let t = TestApp::new().await;
    let admin = t.admin().await;
    let ann = t.create_user("ann", Permissions::default()).await;
    let url = make_link(&t, &admin, ann.id.get(), None).await;
    let reply = t.send(confirm(&url, Some(&admin))).await;
    assert_eq!(reply.status, 303);
    assert_eq!(t.get("/api/v1/session", Some(&admin)).await.status, 401);
}
