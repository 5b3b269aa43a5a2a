//! The guest's share page: what a visitor without a session sees through a link — the link's
//! title, who shared it and until when, no chrome that leads nowhere, `noindex`, and an Open
//! Graph card whose values are escaped and whose image is one the link may show.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};

use crate::common::{Reply, Session, TestApp};
use crate::fixtures::{Exif, jpeg};

const HOST: &str = "gallery.example";

async fn album_ids(t: &TestApp, admin: &Session) -> std::collections::HashMap<String, i64> {
    let albums = t.get("/api/v1/albums", Some(admin)).await.json();
    albums
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_owned(),
                a["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// Makes a link; returns its URL (`/s/{token}`).
async fn make(t: &TestApp, admin: &Session, body: Value) -> String {
    let reply = t
        .call(Method::POST, "/api/v1/shares", Some(admin), Some(body))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()["url"].as_str().unwrap().to_owned()
}

/// The cookie a link's URL leaves (`name=value`).
async fn open(t: &TestApp, url: &str) -> String {
    let reply = t.get(url, None).await;
    assert_eq!(reply.status, 303, "{}", reply.text());
    reply
        .header("set-cookie")
        .expect("a cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// A page as a browser asks for it, with its `Host` and these cookies.
async fn page(t: &TestApp, path: &str, cookie: &str) -> Reply {
    let mut request = Request::builder()
        .uri(path)
        .header("host", HOST)
        .header("accept", "text/html");
    if !cookie.is_empty() {
        request = request.header("cookie", cookie);
    }
    t.send(request.body(Body::empty()).unwrap()).await
}

/// What minijinja's HTML auto-escaping makes of `text`.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// The value of an Open Graph `<meta>`, its entities decoded as a browser would.
fn meta(html: &str, property: &str) -> Option<String> {
    let start = format!("<meta property=\"{property}\" content=\"");
    let at = html.find(&start)? + start.len();
    let raw = &html[at..at + html[at..].find('"')?];
    Some(
        raw.replace("&#x2f;", "/")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

#[tokio::test]
async fn a_guest_sees_the_links_page_without_the_gallerys_chrome() {
    let t = TestApp::new().await;
    t.add("Trips/a.jpg", &jpeg(40, 30, &Exif::default()));
    t.add("Trips/b.jpg", &jpeg(42, 30, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let trips = album_ids(&t, &admin).await["Trips"];
    let url = make(
        &t,
        &admin,
        json!({"album_id": trips, "label": "Holiday snaps", "expires_at": "2031-03-01T12:00:00Z",
               "allow_zip": true}),
    )
    .await;
    let token = url.trim_start_matches("/s/").to_owned();
    let cookie = open(&t, &url).await;

    let reply = page(&t, &format!("/albums/{trips}"), &cookie).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let html = reply.text();
    assert!(
        html.contains("<meta name=\"robots\" content=\"noindex\">"),
        "{html}"
    );
    assert!(
        !html.contains("Log in") && !html.contains("href=\"/login\""),
        "{html}"
    );
    assert!(
        !html.contains("href=\"/\""),
        "no link to an index the guest cannot see\n{html}"
    );
    assert!(!html.contains("class=\"crumbs\""), "{html}");
    assert!(
        html.contains("<span class=\"brand guest-brand\">Holiday snaps</span>"),
        "{html}"
    );
    assert!(
        html.contains("Shared by admin · until <time datetime=\"2031-03-01\">1 March 2031</time>"),
        "{html}"
    );
    assert!(
        html.contains(&format!("/albums/{trips}/export.zip")),
        "ZIP allowed\n{html}"
    );
    assert!(!html.contains(&token), "the token stays out of the page");
    assert_eq!(meta(&html, "og:type").as_deref(), Some("website"));
    assert_eq!(meta(&html, "og:title").as_deref(), Some("Holiday snaps"));
    assert_eq!(
        meta(&html, "og:url"),
        Some(format!("http://{HOST}/albums/{trips}"))
    );
    let image = meta(&html, "og:image").expect("a card image");
    let prefix = format!("http://{HOST}/media/photos/");
    assert!(
        image.starts_with(&prefix) && image.contains("/preview/standard?v="),
        "{image}"
    );
    // The card's image opens with the link's cookie.
    let image_path = image.trim_start_matches(&format!("http://{HOST}"));
    assert_eq!(page(&t, image_path, &cookie).await.status, 200);

    // The password page of a protected link is not for search engines either.
    let locked = make(&t, &admin, json!({"album_id": trips, "password": "sesame"})).await;
    let form = page(&t, &locked, "").await.text();
    assert!(
        form.contains("<meta name=\"robots\" content=\"noindex\">"),
        "{form}"
    );

    // A link without ZIP: no ZIP button, and no label: the album's name is the title.
    let plain = make(&t, &admin, json!({"album_id": trips})).await;
    let plain_cookie = open(&t, &plain).await;
    let html = page(&t, &format!("/albums/{trips}"), &plain_cookie)
        .await
        .text();
    assert!(!html.contains("export.zip"), "{html}");
    assert_eq!(meta(&html, "og:title").as_deref(), Some("Trips"));
    assert!(
        html.contains("Shared by admin</p>"),
        "no expiry, none shown\n{html}"
    );

    // Someone logged in who opens the same link keeps their own chrome.
    let both = format!("{}; {cookie}", admin.cookie);
    let html = page(&t, &format!("/albums/{trips}"), &both).await.text();
    assert!(
        html.contains("<a class=\"brand\" href=\"/\">Albumen</a>"),
        "{html}"
    );
    assert!(html.contains("Log out"), "{html}");
    assert!(html.contains("<a href=\"/\">Albums</a>"), "{html}");
    assert!(
        !html.contains("noindex") && !html.contains("og:title"),
        "{html}"
    );
    assert!(!html.contains("Shared by"), "{html}");

    // An anonymous visitor without the link still gets the ordinary chrome.
    let html = page(&t, "/", "").await.text();
    assert!(html.contains("href=\"/login\""), "{html}");
}

#[tokio::test]
async fn an_album_name_cannot_inject_markup_into_the_card() {
    // Every character but `/`, which no folder name can hold.
    let name = "\"><script>alert(1)<\\script><meta http-equiv=\"refresh\" content=\"0;url=https:evil.example\">";
    let t = TestApp::new().await;
    t.add(&format!("{name}/a.jpg"), &jpeg(40, 30, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let ids = album_ids(&t, &admin).await;
    let album = ids[name];
    let cookie = open(&t, &make(&t, &admin, json!({"album_id": album})).await).await;
    let html = page(&t, &format!("/albums/{album}"), &cookie).await.text();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<meta http-equiv"), "{html}");
    assert_eq!(meta(&html, "og:title").as_deref(), Some(name));
    assert!(
        html.contains(&format!(
            "<meta property=\"og:title\" content=\"{}\">",
            escaped(name)
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "<span class=\"brand guest-brand\">{}</span>",
            escaped(name)
        )),
        "{html}"
    );
}

#[tokio::test]
async fn the_card_shows_only_a_preview_the_link_may_show() {
    let t = TestApp::new().await;
    t.add("Mixed/a.jpg", &jpeg(40, 30, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let mixed = album_ids(&t, &admin).await["Mixed"];
    let photo = t.photo_id("Mixed/a.jpg").await;
    // The only photo has a policy of its own that admits no one: the album link does not
    // reach it; a second link to the photo itself does.
    t.put_ok(&admin, &format!("/api/v1/photos/{photo}/policy"), json!({}))
        .await;
    let album_cookie = open(&t, &make(&t, &admin, json!({"album_id": mixed})).await).await;
    let photo_link = make(&t, &admin, json!({"photo_ids": [photo], "label": "One"})).await;
    let photo_cookie = open(&t, &photo_link).await;

    // Holding both, the guest sees the photo in the album, but the album link's card does not
    // show it: whoever has only that link could not open the image.
    let both = format!("{album_cookie}; {photo_cookie}");
    let html = page(&t, &format!("/albums/{mixed}"), &both).await.text();
    assert!(html.contains(&format!("/photos/{photo}")), "{html}");
    assert_eq!(meta(&html, "og:title").as_deref(), Some("Mixed"));
    assert_eq!(meta(&html, "og:image"), None, "{html}");
    let html = page(&t, &format!("/albums/{mixed}"), &album_cookie)
        .await
        .text();
    assert_eq!(meta(&html, "og:image"), None, "{html}");

    // The photo link's own page shows it, with no page URL (that would be the token's).
    let html = page(&t, &format!("{photo_link}?opened"), &photo_cookie)
        .await
        .text();
    assert_eq!(meta(&html, "og:title").as_deref(), Some("One"));
    let image = meta(&html, "og:image").expect("the photo's preview");
    assert!(
        image.starts_with(&format!(
            "http://{HOST}/media/photos/{photo}/preview/standard?v="
        )),
        "{image}"
    );
    assert_eq!(meta(&html, "og:url"), None);
    assert!(
        html.contains("<meta name=\"robots\" content=\"noindex\">"),
        "{html}"
    );
    assert!(!html.contains("Log in"), "{html}");
}

#[tokio::test]
async fn a_guests_photo_page_keeps_the_links_chrome_and_card() {
    let t = TestApp::new().await;
    t.add("Trips/a.jpg", &jpeg(40, 30, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let trips = album_ids(&t, &admin).await["Trips"];
    let photo = t.photo_id("Trips/a.jpg").await;
    let cookie = open(
        &t,
        &make(&t, &admin, json!({"album_id": trips, "label": "Holiday"})).await,
    )
    .await;
    let html = page(&t, &format!("/photos/{photo}"), &cookie).await.text();
    assert!(
        html.contains("<meta name=\"robots\" content=\"noindex\">"),
        "{html}"
    );
    assert!(
        !html.contains("href=\"/\"") && !html.contains("Log in"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"brand guest-brand\">Holiday</span>"),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"/albums/{trips}\"")),
        "back to the album\n{html}"
    );
    assert_eq!(meta(&html, "og:title").as_deref(), Some("Holiday"));
    assert_eq!(
        meta(&html, "og:url"),
        Some(format!("http://{HOST}/photos/{photo}"))
    );
    assert!(
        meta(&html, "og:image").is_some_and(|image| image.starts_with(&format!(
            "http://{HOST}/media/photos/{photo}/preview/standard?v="
        ))),
        "{html}"
    );
    // A page the guest cannot see: no way back to an index they have none of.
    let missing = page(&t, "/albums/999", &cookie).await;
    assert_eq!(missing.status, 404);
    let html = missing.text();
    assert!(!html.contains("Back to the albums"), "{html}");
    assert!(
        html.contains("<meta name=\"robots\" content=\"noindex\">"),
        "{html}"
    );
}

/// A photo's location and its original's size and address are on its page only for viewers who
/// may download the original (which carries them anyway); the rest of its information is
/// there for every viewer.
#[tokio::test]
async fn a_photos_location_shows_only_to_who_may_download_it() {
    let t = TestApp::new().await;
    let exif = Exif {
        taken: Some("2019:07:14 10:30:00"),
        camera: Some("Canon EOS R5"),
        gps: Some((48, 2)),
        ..Exif::default()
    };
    t.add("Trips/a.jpg", &jpeg(60, 40, &exif));
    t.scan().await;
    let admin = t.admin().await;
    let album = album_ids(&t, &admin).await["Trips"];
    let listed = t
        .get(&format!("/api/v1/albums/{album}"), Some(&admin))
        .await
        .json();
    let photo = listed["photos"][0]["id"].as_i64().unwrap();
    let path = format!("/photos/{photo}");

    for (allow_download, shown) in [(false, false), (true, true)] {
        let url = make(
            &t,
            &admin,
            json!({"album_id": album, "allow_download": allow_download}),
        )
        .await;
        let cookie = open(&t, &url).await;
        let html = page(&t, &path, &cookie).await.text();
        assert!(html.contains("Canon EOS R5"), "{html}");
        assert!(html.contains("14 July 2019, 10:30"), "{html}");
        assert!(html.contains("60 × 40"), "{html}");
        for private in [
            "48.00000",
            "Location",
            "data-original=",
            "/original?download=1",
        ] {
            assert_eq!(
                html.contains(private),
                shown,
                "{private} with allow_download={allow_download}"
            );
        }
    }
}
