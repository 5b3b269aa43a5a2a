//! Share links beyond the matrix: the password flow and its limits, one unlock never opening
//! another link, revocation and expiry on the next request, sub-albums, unlisted albums, the
//! admin API's shape and who may use it.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};

use crate::common::{Session, TestApp};
use crate::fixtures::{Exif, jpeg};

/// A library of `Trips` with two sub-albums and a `Private` album, scanned; returns the admin
/// session and the album ids by name (album names are folder names here).
async fn library() -> (TestApp, Session, std::collections::HashMap<String, i64>) {
    let t = TestApp::new().await;
    t.add("Trips/Rome/a.jpg", &jpeg(40, 30, &Exif::default()));
    t.add("Trips/Oslo/b.jpg", &jpeg(42, 30, &Exif::default()));
    t.add("Trips/c.jpg", &jpeg(44, 30, &Exif::default()));
    t.add("Private/d.jpg", &jpeg(46, 30, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let albums = t.get("/api/v1/albums", Some(&admin)).await.json();
    let mut ids = std::collections::HashMap::new();
    for album in albums.as_array().unwrap() {
        ids.insert(
            album["name"].as_str().unwrap().to_owned(),
            album["id"].as_i64().unwrap(),
        );
    }
    (t, admin, ids)
}

async fn make(t: &TestApp, admin: &Session, body: Value) -> (i64, String) {
    let reply = t
        .call(Method::POST, "/api/v1/shares", Some(admin), Some(body))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let json = reply.json();
    let url = json["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("/s/{}", json["token"].as_str().unwrap()));
    assert_eq!(json["token"].as_str().unwrap().len(), 64, "256 random bits");
    (json["id"].as_i64().unwrap(), url)
}

fn browser(cookie: &str) -> Session {
    Session {
        cookie: cookie.to_owned(),
        csrf: String::new(),
    }
}

fn cookie_of(reply: &crate::common::Reply) -> String {
    reply
        .header("set-cookie")
        .expect("a cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// The password form's post as a browser sends it from the link's page, whose
/// `Referrer-Policy: no-referrer` makes it say `Origin: null`.
fn unlock(url: &str, password: &str) -> Request<Body> {
    Request::post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("host", "photos.example")
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(format!("password={password}")))
        .unwrap()
}

#[tokio::test]
async fn a_link_with_sub_albums_opens_the_tree_and_nothing_else() {
    let (t, admin, ids) = library().await;
    let (_, url) = make(
        &t,
        &admin,
        json!({"album_id": ids["Trips"], "include_sub_albums": true}),
    )
    .await;
    let opened = t.get(&url, None).await;
    assert_eq!(opened.status, 303);
    assert_eq!(
        opened.header("location"),
        Some(format!("/albums/{}", ids["Trips"]).as_str())
    );
    let holder = browser(&cookie_of(&opened));
    let page = t
        .get(&format!("/albums/{}", ids["Trips"]), Some(&holder))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Rome") && page.text().contains("Oslo"));
    for sub in ["Rome", "Oslo"] {
        let reply = t.get(&format!("/albums/{}", ids[sub]), Some(&holder)).await;
        assert_eq!(reply.status, 200, "{sub}");
    }
    let private = t
        .get(&format!("/albums/{}", ids["Private"]), Some(&holder))
        .await;
    assert_eq!(private.status, 404);

    // Without sub-albums, only the album itself.
    let (_, url) = make(&t, &admin, json!({"album_id": ids["Trips"]})).await;
    let only = browser(&cookie_of(&t.get(&url, None).await));
    let sub = t
        .get(&format!("/albums/{}", ids["Rome"]), Some(&only))
        .await;
    assert_eq!(sub.status, 404);
}

#[tokio::test]
async fn passwords_are_checked_limited_and_bound_to_their_link() {
    let (t, admin, ids) = library().await;
    let (first, url) = make(
        &t,
        &admin,
        json!({"album_id": ids["Private"], "password": "first secret"}),
    )
    .await;
    let (_, other_url) = make(
        &t,
        &admin,
        json!({"album_id": ids["Trips"], "password": "first secret"}),
    )
    .await;

    let wrong = t.send(unlock(&url, "guess")).await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.header("set-cookie").is_none());
    let right = t.send(unlock(&url, "first+secret")).await;
    assert_eq!(right.status, 303, "{}", right.text());
    let cookie = cookie_of(&right);
    assert!(cookie.starts_with(&format!("albumen_share_{first}=")));
    let holder = browser(&cookie);
    let album = format!("/albums/{}", ids["Private"]);
    assert_eq!(t.get(&album, Some(&holder)).await.status, 200);
    // Reopening the link with the unlocked cookie goes straight to the album.
    assert_eq!(t.get(&url, Some(&holder)).await.status, 303);

    // The same password on another link unlocks nothing there (Lychee CVE-2026-22784).
    let trips = format!("/albums/{}", ids["Trips"]);
    assert_eq!(t.get(&trips, Some(&holder)).await.status, 404);
    assert_eq!(
        t.get(&other_url, Some(&holder)).await.status,
        200,
        "form again"
    );
    // A cookie naming the other link with this link's MAC is worthless too.
    let other_token = other_url.trim_start_matches("/s/");
    let mac = cookie.split_once('.').unwrap().1;
    let forged = browser(&format!("albumen_share_{first}={other_token}.{mac}"));
    assert_eq!(t.get(&trips, Some(&forged)).await.status, 404);

    // Guessing is limited per link (the limiter's default allows a handful of attempts).
    let mut limited = false;
    for _ in 0..20 {
        let reply = t.send(unlock(&other_url, "guess")).await;
        if reply.status == 429 {
            assert!(reply.header("retry-after").is_some());
            limited = true;
            break;
        }
        assert_eq!(reply.status, 401);
    }
    assert!(limited, "password guesses were never limited");
    // The password never travels in a URL, and the page holding the token sends no referrer.
    let form = t.get(&other_url, None).await;
    assert_eq!(form.header("referrer-policy"), Some("no-referrer"));
    assert!(form.text().contains("method=\"post\""));
}

#[tokio::test]
async fn revoked_and_expiring_links_stop_on_the_next_request() {
    let (t, admin, ids) = library().await;
    let (id, url) = make(&t, &admin, json!({"album_id": ids["Private"]})).await;
    let holder = browser(&cookie_of(&t.get(&url, None).await));
    let album = format!("/albums/{}", ids["Private"]);
    assert_eq!(t.get(&album, Some(&holder)).await.status, 200);
    let listed = t.get("/api/v1/shares", Some(&admin)).await.json();
    let link = &listed.as_array().unwrap()[0];
    assert_eq!(link["view_count"], 1);
    assert!(link["last_used_at"].as_i64().is_some());
    assert!(link.get("token").is_none() && link.get("password_hash").is_none());
    let reply = t
        .call(
            Method::DELETE,
            &format!("/api/v1/shares/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(t.get(&album, Some(&holder)).await.status, 404);
    assert_eq!(t.get(&url, None).await.status, 404);
    let listed = t.get("/api/v1/shares", Some(&admin)).await.json();
    assert_eq!(listed[0]["live"], false);

    let soon = chrono::Utc::now() + chrono::Duration::seconds(2);
    let (_, url) = make(
        &t,
        &admin,
        json!({"album_id": ids["Private"], "expires_at": soon.to_rfc3339()}),
    )
    .await;
    let holder = browser(&cookie_of(&t.get(&url, None).await));
    assert_eq!(t.get(&album, Some(&holder)).await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    assert_eq!(t.get(&album, Some(&holder)).await.status, 404);

    let past = t
        .call(
            Method::POST,
            "/api/v1/shares",
            Some(&admin),
            Some(json!({"album_id": ids["Private"], "expires_at": "2001-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(past.status, 400, "{}", past.text());
}

#[tokio::test]
async fn only_administrators_manage_links_and_bad_requests_say_why() {
    let (t, admin, ids) = library().await;
    t.api_user(&admin, "ann", json!([])).await;
    let ann = t.login("ann").await;
    let body = json!({"album_id": ids["Private"]});
    let reply = t
        .call(
            Method::POST,
            "/api/v1/shares",
            Some(&ann),
            Some(body.clone()),
        )
        .await;
    assert_eq!(reply.status, 403);
    let reply = t
        .call(Method::POST, "/api/v1/shares", None, Some(body))
        .await;
    assert_eq!(reply.status, 401);
    for bad in [
        json!({}),
        json!({"album_id": ids["Private"], "photo_ids": [1]}),
        json!({"photo_ids": []}),
        json!({"album_id": ids["Private"], "password": ""}),
        json!({"album_id": ids["Private"], "expires_at": "tomorrow"}),
        json!({"album_id": ids["Private"], "owner": "ann"}),
    ] {
        let reply = t
            .call(
                Method::POST,
                "/api/v1/shares",
                Some(&admin),
                Some(bad.clone()),
            )
            .await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text());
    }
    let unknown = t
        .call(
            Method::POST,
            "/api/v1/shares",
            Some(&admin),
            Some(json!({"album_id": 987_654})),
        )
        .await;
    assert_eq!(unknown.status, 404);
    assert!(
        t.get("/api/v1/shares", Some(&admin))
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn unlisted_albums_are_reached_only_through_their_links() {
    let (t, admin, ids) = library().await;
    let private = ids["Private"];
    t.put_ok(
        &admin,
        &format!("/api/v1/albums/{private}/policy"),
        json!({"public": true}),
    )
    .await;
    let reply = t
        .call(
            Method::PATCH,
            &format!("/api/v1/albums/{private}"),
            Some(&admin),
            Some(json!({"unlisted": true})),
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text());
    let (_, url) = make(&t, &admin, json!({"album_id": private})).await;
    let holder = browser(&cookie_of(&t.get(&url, None).await));
    for session in [None, Some(&holder)] {
        let listed = t.get("/api/v1/albums", session).await.json();
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["id"] != private),
            "unlisted album listed: {listed}"
        );
        assert!(!t.get("/", session).await.text().contains("Private"));
    }
    assert_eq!(
        t.get(&format!("/albums/{private}"), Some(&holder))
            .await
            .status,
        200
    );
    // Administrators still find it.
    let all = t.get("/api/v1/albums", Some(&admin)).await.json();
    assert!(all.as_array().unwrap().iter().any(|a| a["id"] == private));
}

#[tokio::test]
async fn archives_follow_the_links_zip_option() {
    let (t, admin, ids) = library().await;
    let export = format!("/albums/{}/export.zip", ids["Private"]);
    let (_, plain) = make(&t, &admin, json!({"album_id": ids["Private"]})).await;
    let viewer = browser(&cookie_of(&t.get(&plain, None).await));
    assert_eq!(t.get(&export, Some(&viewer)).await.status, 404);
    let (_, zip) = make(
        &t,
        &admin,
        json!({"album_id": ids["Private"], "allow_zip": true}),
    )
    .await;
    let exporter = browser(&cookie_of(&t.get(&zip, None).await));
    let archive = t.get(&export, Some(&exporter)).await;
    assert_eq!(archive.status, 200);
    assert!(archive.body.starts_with(b"PK\x03\x04"), "a ZIP archive");
    // ZIP without download: the archive, but not the originals one by one.
    let photo = t
        .get(&format!("/api/v1/albums/{}", ids["Private"]), Some(&admin))
        .await
        .json()["photos"][0]["id"]
        .as_i64()
        .unwrap();
    let original = format!("/media/photos/{photo}/original");
    assert_eq!(t.get(&original, Some(&exporter)).await.status, 404);
}

#[tokio::test]
async fn a_photo_link_shows_its_photos_and_says_so_when_cookies_are_refused() {
    let (t, admin, ids) = library().await;
    let album = t
        .get(&format!("/api/v1/albums/{}", ids["Private"]), Some(&admin))
        .await
        .json();
    let photo = album["photos"][0]["id"].as_i64().unwrap();
    let (_, url) = make(&t, &admin, json!({"photo_ids": [photo]})).await;

    let opened = t.get(&url, None).await;
    assert_eq!(opened.status, 303);
    let again = opened.header("location").unwrap().to_owned();
    let holder = browser(&cookie_of(&opened));
    let page = t.get(&again, Some(&holder)).await;
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(html.contains(&format!("/photos/{photo}")), "{html}");
    assert!(html.contains("1 photo"), "{html}");
    // The photo opens with the cookie; its album stays hidden.
    assert_eq!(
        t.get(&format!("/photos/{photo}"), Some(&holder))
            .await
            .status,
        200
    );
    let hidden = format!("/albums/{}", ids["Private"]);
    assert_eq!(t.get(&hidden, Some(&holder)).await.status, 404);

    // A browser that keeps no cookie is told why, instead of being sent round in circles.
    let refused = t.get(&again, None).await;
    assert_eq!(refused.status, 200);
    assert!(
        refused.text().contains("Cookies needed"),
        "{}",
        refused.text()
    );
    assert!(refused.header("set-cookie").is_none());
}
