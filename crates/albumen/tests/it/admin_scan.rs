//! The scan page (`/admin/scan`) and its event stream: who may use them, "Scan now" through
//! the form, the stream's events, and the scan problems listed with their reasons.

use std::time::Duration;

use albumen_core::model::Permissions;
use axum::http::{Method, Request, header};

use crate::common::{Reply, Session, TestApp};
use crate::fixtures::{Exif, jpeg};

const ROUTES: [&str; 2] = ["/admin/scan", "/admin/scan/events"];

/// The page's text with the template's escaped slashes put back.
fn html(reply: &Reply) -> String {
    reply.text().replace("&#x2f;", "/").replace("&#x27;", "'")
}

async fn scan_now(t: &TestApp, session: &Session) -> Reply {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("csrf_token", &session.csrf);
    let request = Request::builder()
        .method(Method::POST)
        .uri("/admin/scan")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &session.cookie)
        .body(form.finish().into())
        .unwrap();
    t.send(request).await
}

async fn wait_for_scan(t: &TestApp, session: &Session) {
    for _ in 0..600 {
        let status = t.get("/api/v1/scan", Some(session)).await.json();
        if status["running"] == false {
            assert!(status["last_error"].is_null(), "{status}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the scan did not finish");
}

/// The `(event, data)` pairs of an event stream's body.
fn events(body: &str) -> Vec<(String, serde_json::Value)> {
    body.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .unwrap_or_else(|| panic!("no {name} in {block:?}"))
                    .trim()
                    .to_owned()
            };
            let data = serde_json::from_str(&field("data:")).unwrap();
            (field("event:"), data)
        })
        .collect()
}

#[tokio::test]
async fn the_scan_page_is_for_administrators_and_scanners() {
    let t = TestApp::new().await;
    t.create_user("plain", Permissions::default()).await;
    t.create_user(
        "scanner",
        Permissions {
            can_scan: true,
            ..Permissions::default()
        },
    )
    .await;
    let plain = t.login("plain").await;
    let scanner = t.login("scanner").await;
    let admin = t.admin().await;
    for route in ROUTES {
        assert_eq!(t.get(route, None).await.status, 401, "{route}");
        assert_eq!(t.get(route, Some(&plain)).await.status, 403, "{route}");
        assert_eq!(t.get(route, Some(&scanner)).await.status, 200, "{route}");
        assert_eq!(t.get(route, Some(&admin)).await.status, 200, "{route}");
    }
    assert_eq!(scan_now(&t, &plain).await.status, 403);
    // A scanner who is not an administrator sees only the scan page in the nav.
    let page = html(&t.get("/admin/scan", Some(&scanner)).await);
    assert!(page.contains("href=\"/admin/scan\""), "{page}");
    assert!(!page.contains("href=\"/admin/people\""), "{page}");
    let reply = t.get("/admin/scan", Some(&admin)).await;
    // The page's script may open its event stream to this origin, and nowhere else.
    let csp = reply.header("content-security-policy").unwrap();
    assert!(csp.contains("connect-src 'self';"), "{csp}");
    let page = html(&reply);
    assert!(page.contains("href=\"/admin/people\""), "{page}");
    assert!(page.contains("No scan has finished yet."), "{page}");
}

#[tokio::test]
async fn scan_now_catalogs_the_library_and_reports() {
    let t = TestApp::new().await;
    for name in ["a", "b", "c"] {
        t.add(
            &format!("Trips/{name}.jpg"),
            &jpeg(40, 30, &Exif::default()),
        );
    }
    let admin = t.admin().await;
    let reply = scan_now(&t, &admin).await;
    assert_eq!(reply.status, 303, "{}", reply.text());
    assert_eq!(reply.header("location"), Some("/admin/scan?done=started"));
    wait_for_scan(&t, &admin).await;
    assert_eq!(t.repo().catalog_files().await.unwrap().len(), 3);

    let page = html(&t.get("/admin/scan?done=started", Some(&admin)).await);
    assert!(page.contains("Scan started."), "{page}");
    assert!(page.contains("id=\"report-added\">3<"), "{page}");
    assert!(page.contains("id=\"report-photos\">3<"), "{page}");
    assert!(page.contains("No problems"), "{page}");
    assert!(page.contains("id=\"queue-queued\">"), "{page}");
}

#[tokio::test]
async fn the_event_stream_follows_a_scan_to_its_end() {
    let t = TestApp::new().await;
    // Enough files that the scan still runs when the stream starts, right after the form.
    for i in 0..100 {
        t.add(&format!("Trips/{i}.jpg"), &jpeg(32, 24, &Exif::default()));
    }
    let admin = t.admin().await;

    // Idle: one event, then the stream ends.
    let reply = t.get("/admin/scan/events", Some(&admin)).await;
    assert_eq!(reply.status, 200);
    let content_type = reply.header("content-type").unwrap();
    assert!(
        content_type.starts_with("text/event-stream"),
        "{content_type}"
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("content-encoding"), None);
    let idle = events(&reply.text());
    assert_eq!(idle.len(), 1, "{idle:?}");
    assert_eq!(idle[0].0, "idle");
    assert_eq!(idle[0].1["running"], false);

    // A running scan: progress, then done with the report.
    assert_eq!(scan_now(&t, &admin).await.status, 303);
    let reply = t.get("/admin/scan/events", Some(&admin)).await;
    let body = reply.text();
    assert!(body.contains("event:") && body.contains("data:"), "{body}");
    let seen = events(&body);
    let (last, data) = seen.last().unwrap();
    assert!(seen.len() >= 2, "progress, then done: {seen:?}");
    for (event, progress) in &seen[..seen.len() - 1] {
        assert_eq!(event, "progress", "{seen:?}");
        assert_eq!(progress["running"], true);
        assert!(progress["phase"].is_string() && progress["found"].is_u64());
    }
    assert_eq!(last, "done", "{seen:?}");
    assert_eq!(data["running"], false);
    assert_eq!(data["last_report"]["added"], 100, "{data}");
}

#[tokio::test]
async fn scan_problems_are_listed_with_their_reasons() {
    let t = TestApp::new().await;
    t.add("Trips/good.jpg", &jpeg(40, 30, &Exif::default()));
    t.add("Trips/broken.jpg", b"this is not a JPEG at all");
    let admin = t.admin().await;
    assert_eq!(scan_now(&t, &admin).await.status, 303);
    wait_for_scan(&t, &admin).await;
    let problems = t.repo().problems().await.unwrap();
    let problem = problems
        .iter()
        .find(|p| p.path.ends_with("broken.jpg"))
        .expect("a problem for the broken file");
    let page = html(&t.get("/admin/scan", Some(&admin)).await);
    assert!(page.contains("Trips/broken.jpg"), "{page}");
    let reason = problem
        .reason
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    assert!(page.contains(&reason), "{reason} in {page}");
    assert!(
        page.contains("<td data-label=\"Stage\">scan</td>"),
        "{page}"
    );
}

#[tokio::test]
async fn a_scanner_who_does_not_see_all_gets_the_count_of_problems_not_their_files() {
    let t = TestApp::new().await;
    t.add("Secret/broken.jpg", b"this is not a JPEG at all");
    t.scan().await;
    t.create_user(
        "scanner",
        Permissions {
            can_scan: true,
            ..Permissions::default()
        },
    )
    .await;
    let scanner = t.login("scanner").await;
    let page = html(&t.get("/admin/scan", Some(&scanner)).await);
    assert!(!page.contains("Secret"), "{page}");
    assert!(page.contains("1 file could not be read"), "{page}");
}
