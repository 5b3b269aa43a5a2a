//! Share links as a guest opens them: the password form, and what a photo page offers to
//! download.

use axum::http::Method;
use serde_json::json;

use fantoccini::elements::Element;

use crate::fixtures::{Exif, jpeg};
use crate::harness::{Browser, Followed, World, browser_test};

/// Makes a share link as the administrator; returns its absolute URL.
async fn share(world: &World, body: serde_json::Value) -> String {
    let link = world.api(Method::POST, "/api/v1/shares", body).await;
    world.url(link["url"].as_str().expect("link url"))
}

/// Waits for `count` thumbnails in the album grid and checks that every one really loaded.
async fn assert_thumbnails(browser: &Browser, count: usize) {
    let images = browser.loaded_images("ul.grid img", count).await;
    assert_eq!(images.len(), count, "{images:?}");
    for (src, width) in &images {
        assert!(*width > 0, "thumbnail {src} did not load");
    }
}

#[tokio::test]
async fn a_guest_unlocks_a_password_link_and_sees_the_album() {
    browser_test("password_share_link", async |browser| {
        let world = World::new(&[("Summer Picnic", 3), ("Tax Papers", 1)]).await;
        let album = world.album("Summer Picnic");
        let url = share(
            &world,
            json!({"album_id": album, "password": "blue heron", "label": "For the Smiths",
                   "allow_zip": true, "expires_at": "2031-03-01T12:00:00Z"}),
        )
        .await;

        browser.goto(&url).await;
        assert_eq!(browser.text("main h1").await, "This link is protected");
        assert!(!browser.body_text().await.contains("Summer Picnic"));

        // A wrong password: the form again, with the reason.
        browser.fill("input[name=password]", "green heron").await;
        browser.click("form.login button[type=submit]").await;
        assert_eq!(
            browser.text("p.error").await,
            "That is not the password of this link."
        );
        assert!(!browser.body_text().await.contains("Summer Picnic"));
        browser.screenshot("password_share_link-wrong").await;

        // The right one: the album, with its photos.
        browser.fill("input[name=password]", "blue heron").await;
        browser.click("form.login button[type=submit]").await;
        browser.wait_for_path(&format!("/albums/{album}")).await;
        assert_eq!(browser.text("main h1").await, "Summer Picnic");
        assert!(browser.text("p.meta").await.contains("3 photos"));
        assert_thumbnails(browser, 3).await;
        let text = browser.body_text().await;
        assert!(!text.contains("Tax Papers"), "{text}");
        browser.screenshot("password_share_link").await;

        // The guest's own page: the link's label where the brand was, who shared it and until
        // when, the ZIP button the link allows, and nothing that leads to a login or an index.
        assert_eq!(browser.text("header .brand").await, "For the Smiths");
        assert_eq!(
            browser.text("p.shared-by").await,
            "Shared by admin · until 1 March 2031"
        );
        assert!(text.contains("Download ZIP"), "{text}");
        assert!(
            !text.contains("Log in") && !text.contains("Albums"),
            "{text}"
        );
        for link in browser.find_all("a").await {
            let href = link.attr("href").await.unwrap().unwrap_or_default();
            assert!(href != "/" && href != "/login", "a guest is offered {href}");
        }
        browser.screenshot("guest-album").await;

        // The ZIP holds the album's three photos, and only them.
        let button = browser.find(".album-head a.button").await;
        match browser.follow(&button).await {
            Followed::File { name, bytes } => {
                assert!(name.ends_with(".zip"), "{name}");
                assert!(bytes.starts_with(b"PK"), "not a ZIP");
                let holds =
                    |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
                for photo in ["photo 0.jpg", "photo 1.jpg", "photo 2.jpg"] {
                    assert!(holds(photo), "{photo} not in {name}");
                }
                assert!(!holds("Tax Papers"), "another album in the ZIP");
            }
            other => panic!("the ZIP button gave {other:?}"),
        }
        browser.viewport(390, 844).await;
        assert_thumbnails(browser, 3).await;
        browser.screenshot("guest-album-phone").await;
    })
    .await;
}

/// The links on the current photo page that offer the original (by address or by label).
async fn download_links(browser: &Browser) -> Vec<Element> {
    let mut links = Vec::new();
    for link in browser.find_all("main a, .lightbox a").await {
        let href = link.attr("href").await.unwrap().unwrap_or_default();
        let label = link.text().await.unwrap().to_lowercase();
        if href.contains("/original") || label.contains("original") || label.contains("download") {
            links.push(link);
        }
    }
    links
}

/// The photo page of the album's first photo, reached by clicking its thumbnail.
async fn open_first_photo(browser: &Browser, album: i64) -> String {
    browser.wait_for_path(&format!("/albums/{album}")).await;
    assert_thumbnails(browser, 2).await;
    browser.click("ul.grid li:first-child a").await;
    let viewer = browser.find(".viewer .stage img").await;
    let path = browser.path().await;
    assert!(path.starts_with("/photos/"), "{path}");
    let shown = browser.loaded_images(".viewer .stage img", 1).await;
    assert!(shown[0].1 > 0, "the photo did not load: {shown:?}");
    assert_eq!(
        viewer.attr("alt").await.unwrap().as_deref(),
        Some("photo 0.jpg")
    );
    path
}

#[tokio::test]
async fn a_photo_offers_its_original_only_when_the_link_allows_downloads() {
    browser_test("download_links", async |browser| {
        let world = World::new(&[("Beach Day", 2)]).await;
        let album = world.album("Beach Day");
        // The first photo, as generated (see `World::new`).
        let original = jpeg(640, 480, &Exif::default());

        // Without `allow_download`: no link on the photo page may lead to an error page.
        let url = share(&world, json!({"album_id": album})).await;
        browser.goto(&url).await;
        let photo = open_first_photo(browser, album).await;
        browser.screenshot("no_download_link").await;
        let offered = download_links(browser).await.len();
        for i in 0..offered {
            browser.goto(&world.url(&photo)).await;
            browser.find(".viewer .stage img").await;
            let link = download_links(browser).await.swap_remove(i);
            let href = link.attr("href").await.unwrap().unwrap_or_default();
            match browser.follow(&link).await {
                Followed::Page { path, text } => panic!(
                    "the photo page of a link without downloads offers {href}, which leads to \
                     {path}:\n{text}"
                ),
                Followed::Image { .. } | Followed::File { .. } => {}
            }
        }

        // With `allow_download`: the link gives the original itself.
        let url = share(&world, json!({"album_id": album, "allow_download": true})).await;
        browser.goto(&url).await;
        assert_eq!(open_first_photo(browser, album).await, photo);
        let links = download_links(browser).await;
        assert_eq!(
            links.len(),
            1,
            "one link to the original with allow_download"
        );
        browser.screenshot("download_link").await;
        match browser.follow(&links[0]).await {
            Followed::File { name, bytes } => {
                assert_eq!(name, "photo 0.jpg");
                assert!(bytes == original, "the downloaded file is not the original");
            }
            Followed::Image {
                path,
                content_type,
                width,
            } => {
                assert_eq!(path, format!("/media{photo}/original"));
                assert_eq!(content_type, "image/jpeg");
                assert_eq!(width, 640, "the original's full width");
            }
            Followed::Page { path, text } => {
                panic!("the Original link leads to {path}:\n{text}")
            }
        }
    })
    .await;
}
