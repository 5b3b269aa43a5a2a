use albumen_core::model::Permissions;
use axum::body::Body;
use axum::http::{Method, Request, header};

use crate::common::{PASSWORD, TestApp};

#[tokio::test]
async fn login_sets_an_http_only_cookie_and_returns_a_csrf_token() {
    let t = TestApp::new().await;
    t.create_user("ann", Permissions::default()).await;
    let reply = t
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(serde_json::json!({"username": "ann", "password": PASSWORD})),
        )
        .await;
    assert_eq!(reply.status, 200);
    let cookie = reply.header("set-cookie").unwrap();
    assert!(cookie.starts_with("albumen_session="));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let body = reply.json();
    assert_eq!(body["csrf_token"].as_str().unwrap().len(), 32);
    assert_eq!(body["user"]["username"], "ann");
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_get_the_same_401() {
    let t = TestApp::new().await;
    t.create_user("ann", Permissions::default()).await;
    let attempt = |username: &str, password: &str| {
        t.call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(serde_json::json!({"username": username, "password": password})),
        )
    };
    let wrong = attempt("ann", "not the password").await;
    let unknown = attempt("nobody", "not the password").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(wrong.body, unknown.body);
    assert!(wrong.header("set-cookie").is_none());
}

#[tokio::test]
async fn each_login_gets_a_new_session_and_logout_ends_it() {
    let t = TestApp::new().await;
    t.create_user("ann", Permissions::default()).await;
    let first = t.login("ann").await;
    let second = t.login("ann").await;
    assert_ne!(first.cookie, second.cookie);
    assert_eq!(
        t.get("/api/v1/session", Some(&first)).await.json()["user"]["username"],
        "ann"
    );

    let out = t
        .call(Method::DELETE, "/api/v1/session", Some(&first), None)
        .await;
    assert_eq!(out.status, 204);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(t.get("/api/v1/session", Some(&first)).await.status, 401);
    assert_eq!(
        t.get("/api/v1/session", Some(&second)).await.status,
        200,
        "other sessions live on"
    );
}

#[tokio::test]
async fn state_changes_with_the_cookie_need_the_csrf_token() {
    let t = TestApp::new().await;
    t.create_user("ann", Permissions::default()).await;
    let session = t.login("ann").await;
    let logout = |token: Option<&str>| {
        let mut request = Request::builder()
            .method(Method::DELETE)
            .uri("/api/v1/session")
            .header(header::COOKIE, &session.cookie);
        if let Some(token) = token {
            request = request.header("x-csrf-token", token);
        }
        request.body(Body::empty()).unwrap()
    };
    let refused = t.send(logout(None)).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.json()["error"]["code"], "csrf-failed");
    assert_eq!(
        t.send(logout(Some("0123456789abcdef0123456789abcdef")))
            .await
            .status,
        403
    );
    assert_eq!(
        t.get("/api/v1/session", Some(&session)).await.status,
        200,
        "still logged in"
    );

    // The HTML form carries the token as a field.
    let form = |body: String| {
        Request::builder()
            .method(Method::POST)
            .uri("/logout")
            .header(header::COOKIE, &session.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    assert_eq!(
        t.send(form("csrf_token=wrong".to_owned())).await.status,
        403
    );
    let done = t.send(form(format!("csrf_token={}", session.csrf))).await;
    assert_eq!(done.status, 303);
    assert_eq!(t.get("/api/v1/session", Some(&session)).await.status, 401);
}

#[tokio::test]
async fn cross_site_posts_are_refused_even_without_a_session() {
    let t = TestApp::new().await;
    t.create_user("ann", Permissions::default()).await;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::HOST, "gallery.example")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("username=ann&password={PASSWORD}")))
        .unwrap();
    let reply = t.send(request).await;
    assert_eq!(reply.status, 403);
    assert!(reply.header("set-cookie").is_none());
}

#[tokio::test]
async fn the_login_form_logs_in_and_redirects_to_a_local_page_only() {
    let t = TestApp::new().await;
    t.create_user("ann", Permissions::default()).await;
    let login = |next: &str, password: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "username=ann&password={}&next={}",
                password.replace(' ', "+"),
                next
            )))
            .unwrap()
    };
    let ok = t.send(login("%2Falbums%2F7", PASSWORD)).await;
    assert_eq!(ok.status, 303);
    assert_eq!(ok.header("location"), Some("/albums/7"));
    let cookie = ok
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    let page = t
        .send(
            Request::builder()
                .uri("/")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        page.text().contains("ann"),
        "the page shows who is logged in"
    );

    let offsite = t.send(login("https%3A%2F%2Fevil.example", PASSWORD)).await;
    assert_eq!(offsite.header("location"), Some("/"));

    let wrong = t.send(login("%2F", "nope nope nope")).await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.text().contains("Wrong username or password."));
    assert!(wrong.header("set-cookie").is_none());
}

#[tokio::test]
async fn garbage_cookies_are_anonymous() {
    let t = TestApp::new().await;
    for cookie in [
        "albumen_session=nonsense",
        "albumen_session=",
        &format!("albumen_session={}", "a".repeat(64)),
    ] {
        let reply = t
            .send(
                Request::builder()
                    .uri("/api/v1/session")
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, 401, "{cookie}");
    }
}

#[tokio::test]
async fn malformed_login_bodies_get_a_json_error() {
    let t = TestApp::new().await;
    let request = |content_type: &str, body: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/session")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let broken = t.send(request("application/json", "{\"username\":")).await;
    assert_eq!(broken.status, 400);
    assert_eq!(broken.json()["error"]["code"], "bad-request");
    let wrong_type = t.send(request("text/plain", "{}")).await;
    assert_eq!(wrong_type.status, 415);
    assert!(wrong_type.json()["error"]["message"].is_string());
}

/// Browsers drop tab, CR and LF inside a URL, so `/\t/evil.example` is `//evil.example` to
/// them: another site. A `next` that could leave the site, or that is not a valid header value,
/// sends the browser home, and the login still succeeds (never a 500 after the session row).
#[tokio::test]
async fn a_next_that_could_leave_the_site_sends_the_browser_home() {
    let t = TestApp::new().await;
    t.create_user("ann", Permissions::default()).await;
    let login = |next: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "username=ann&password={}&next={next}",
                PASSWORD.replace(' ', "+"),
            )))
            .unwrap()
    };
    let cases = [
        ("%2F%09%2Fevil.example", "/"),
        ("%2F%0a%2Fevil", "/"),
        ("%2F%0d%0a%2Fevil", "/"),
        ("%2F%00evil", "/"),
        ("%2F%7F", "/"),
        ("%2F%C2%85%2Fevil", "/"),
        ("%2F%5Cevil", "/"),
        ("%5C%5Cevil", "/"),
        ("%2F%2Fevil", "/"),
        ("https%3A%2F%2Fevil", "/"),
        ("+%2F%2Fevil", "/"),
        ("", "/"),
        // Kept, and made a valid header value.
        ("%2Falbums%2F7%3Fpage%3D2", "/albums/7?page=2"),
        (
            "%2Falbums%2Fcaf%C3%A9+au+lait",
            "/albums/caf%C3%A9%20au%20lait",
        ),
        ("%2Falbums%2Fa%2520b", "/albums/a%20b"),
    ];
    for (next, location) in cases {
        let reply = t.send(login(next)).await;
        assert_eq!(reply.status, 303, "{next}: {}", reply.text());
        assert_eq!(reply.header("location"), Some(location), "{next}");
        assert!(reply.header("set-cookie").is_some(), "{next}");
    }
    // One session per login, none left behind by a redirect that failed.
    let sessions = t.repo().delete_expired_sessions(i64::MAX).await.unwrap();
    assert_eq!(sessions, cases.len() as u64);

    // The form never carries such a `next` on.
    for (next, kept) in [
        ("%2F%09%2Fevil.example", "&#x2f;"),
        ("%2Falbums%2F7", "&#x2f;albums&#x2f;7"),
    ] {
        let page = t.get(&format!("/login?next={next}"), None).await;
        assert_eq!(page.status, 200);
        let field = format!("name=\"next\" value=\"{kept}\"");
        assert!(page.text().contains(&field), "{next}: {}", page.text());
    }
}
