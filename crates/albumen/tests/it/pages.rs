//! What a browser relies on beyond status codes: personal pages that no cache keeps, compressed
//! text, a way back in for logged-out visitors, and no link a viewer cannot follow.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;

use crate::common::{PASSWORD, TestApp};
use crate::fixtures::{Exif, jpeg};

/// A library with `Family` (shared with ann) and `Public` albums; returns their ids.
async fn library(t: &TestApp) -> (crate::common::Session, i64, i64) {
    t.add("Family/a.jpg", &jpeg(32, 32, &Exif::default()));
    t.add("Public/b.jpg", &jpeg(34, 34, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let ann = t.api_user(&admin, "ann", json!([])).await;
    let albums = t.get("/api/v1/albums", Some(&admin)).await.json();
    let id = |name: &str| {
        albums
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (family, public) = (id("Family"), id("Public"));
    t.put_ok(
        &admin,
        &format!("/api/v1/albums/{family}/policy"),
        json!({"users": [ann]}),
    )
    .await;
    t.put_ok(
        &admin,
        &format!("/api/v1/albums/{public}/policy"),
        json!({"public": true}),
    )
    .await;
    (admin, family, public)
}

#[tokio::test]
async fn pages_and_api_answers_are_kept_by_no_cache() {
    let t = TestApp::new().await;
    let (_, family, public) = library(&t).await;
    let ann = t.login("ann").await;
    for (path, session) in [
        ("/".to_owned(), Some(&ann)),
        (format!("/albums/{family}"), Some(&ann)),
        (format!("/albums/{family}"), None),
        ("/api/v1/session".to_owned(), Some(&ann)),
        ("/api/v1/albums".to_owned(), None),
        ("/login".to_owned(), None),
    ] {
        let reply = t.get(&path, session).await;
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{path}");
        let vary: Vec<_> = reply.headers.get_all("vary").iter().collect();
        assert!(
            vary.iter().any(|v| v.to_str().unwrap().contains("Cookie")),
            "{path}: {vary:?}"
        );
    }
    // Media set their own caching: a public preview stays cacheable.
    let album = t
        .get(&format!("/api/v1/albums/{public}"), None)
        .await
        .json();
    let photo = album["photos"][0]["id"].as_i64().unwrap();
    let preview = t
        .get(&format!("/media/photos/{photo}/preview/thumb"), None)
        .await;
    assert_eq!(preview.status, 200);
    assert!(
        preview
            .header("cache-control")
            .unwrap()
            .starts_with("public"),
        "{:?}",
        preview.header("cache-control")
    );
}

#[tokio::test]
async fn text_is_compressed_and_media_are_not() {
    let t = TestApp::new().await;
    let (admin, family, _) = library(&t).await;
    let get = |path: String| {
        Request::get(path)
            .header("cookie", &admin.cookie)
            .header("accept-encoding", "gzip")
            .body(Body::empty())
            .unwrap()
    };
    let page = t.send(get(format!("/albums/{family}"))).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-encoding"), Some("gzip"));
    assert_eq!(&page.body[..2], [0x1f, 0x8b], "a gzip stream");
    let api = t.send(get("/api/v1/albums".to_owned())).await;
    assert_eq!(api.header("content-encoding"), Some("gzip"));

    let album = t
        .get(&format!("/api/v1/albums/{family}"), Some(&admin))
        .await
        .json();
    let photo = album["photos"][0]["id"].as_i64().unwrap();
    for path in [
        format!("/media/photos/{photo}/original"),
        format!("/media/photos/{photo}/preview/thumb"),
        format!("/albums/{family}/export.zip"),
    ] {
        let reply = t.send(get(path.clone())).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-encoding"), None, "{path}");
    }
}

#[tokio::test]
async fn a_logged_out_visitor_of_a_private_album_logs_in_and_lands_on_it() {
    let t = TestApp::new().await;
    let (_, family, _) = library(&t).await;
    let path = format!("/albums/{family}");
    let navigate = |path: &str, cookie: Option<&str>| {
        let mut request = Request::get(path).header("accept", "text/html,*/*;q=0.8");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.body(Body::empty()).unwrap()
    };
    let page = t.send(navigate(&path, None)).await;
    assert_eq!(page.status, 404);
    let html = page.text();
    assert!(html.contains("action=\"/login\""), "{html}");
    assert!(!html.contains("Family"), "the 404 page names nothing");
    // The form brings the visitor back to where they were.
    let next = html
        .split("name=\"next\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a next field");
    assert_eq!(next.replace("&#x2f;", "/"), path);
    let form = format!(
        "username=ann&password={}&next={}",
        PASSWORD.replace(' ', "+"),
        path.replace('/', "%2F")
    );
    let login = t
        .send(
            Request::post("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap(),
        )
        .await;
    assert_eq!(login.status, 303, "{}", login.text());
    assert_eq!(login.header("location"), Some(path.as_str()));
    let cookie = login
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    let session = crate::common::Session {
        cookie: cookie.to_owned(),
        csrf: String::new(),
    };
    let album = t.get(&path, Some(&session)).await;
    assert_eq!(album.status, 200);
    assert!(album.text().contains("Family"));

    // A logged-in viewer's 404 offers no login form.
    let hidden = t.send(navigate("/albums/987654", Some(cookie))).await;
    assert_eq!(hidden.status, 404);
    assert!(!hidden.text().contains("action=\"/login\""));
}

#[tokio::test]
async fn the_photo_page_offers_the_original_only_to_who_may_download_it() {
    let t = TestApp::new().await;
    let (admin, family, _) = library(&t).await;
    let album = t
        .get(&format!("/api/v1/albums/{family}"), Some(&admin))
        .await
        .json();
    let photo = album["photos"][0]["id"].as_i64().unwrap();
    let page = format!("/photos/{photo}");
    let original = format!("/media/photos/{photo}/original");

    let shown = t.get(&page, Some(&admin)).await.text();
    assert!(shown.contains(&original), "{shown}");

    for allow_download in [false, true] {
        let link = t
            .call(
                Method::POST,
                "/api/v1/shares",
                Some(&admin),
                Some(json!({"album_id": family, "allow_download": allow_download})),
            )
            .await
            .json();
        let opened = t.get(link["url"].as_str().unwrap(), None).await;
        let cookie = opened
            .header("set-cookie")
            .unwrap()
            .split(';')
            .next()
            .unwrap();
        let guest = crate::common::Session {
            cookie: cookie.to_owned(),
            csrf: String::new(),
        };
        let html = t.get(&page, Some(&guest)).await.text();
        assert_eq!(html.contains(&original), allow_download, "{html}");
        let status = t.get(&original, Some(&guest)).await.status;
        assert_eq!(status, if allow_download { 200 } else { 404 });
    }
}
