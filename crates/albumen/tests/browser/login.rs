//! Logging in and out as a person does: a magic link from an e-mail, the login offered on a
//! private album's address, and the Back button after logging out.

use axum::http::Method;
use serde_json::json;

use crate::harness::{Browser, World, browser_test};

/// Fills and sends the login form on the current page.
async fn log_in(browser: &Browser, world: &World, username: &str) {
    browser.fill("form input[name=username]", username).await;
    browser
        .fill("form input[name=password]", world.password())
        .await;
    browser
        .click("form:has(input[name=password]) button[type=submit]")
        .await;
}

/// Waits for the album page of `album` (named `name`) with its `count` photos loaded.
async fn assert_album_page(browser: &Browser, album: i64, name: &str, count: usize) {
    browser.wait_for_path(&format!("/albums/{album}")).await;
    assert_eq!(browser.text("main h1").await, name);
    let images = browser.loaded_images("ul.grid img", count).await;
    assert_eq!(images.len(), count, "{images:?}");
    for (src, width) in &images {
        assert!(*width > 0, "thumbnail {src} did not load");
    }
}

#[tokio::test]
async fn a_magic_link_logs_a_relative_in() {
    browser_test("magic_login_link", async |browser| {
        let world = World::new(&[("Grandma at 90", 2), ("Office Party", 1)]).await;
        let ann = world.user_seeing("ann", &["Grandma at 90"]).await;
        let link = world
            .api(
                Method::POST,
                &format!("/api/v1/users/{ann}/login-link"),
                json!({}),
            )
            .await;
        let url = world.url(link["url"].as_str().expect("link url"));

        browser.goto(&url).await;
        assert_eq!(browser.text("main h1").await, "Welcome");
        assert!(browser.find_all("header .who").await.is_empty());
        browser.click("main button[type=submit]").await;

        browser.wait_for_path("/").await;
        assert_eq!(browser.text("header .who").await, "ann");
        assert_eq!(browser.text("ul.albums .name").await, "Grandma at 90");
        let text = browser.body_text().await;
        assert!(!text.contains("Office Party"), "{text}");
        let covers = browser.loaded_images("ul.albums img", 1).await;
        assert!(covers.iter().all(|(_, w)| *w > 0), "{covers:?}");
        browser.screenshot("magic_login_link").await;
    })
    .await;
}

#[tokio::test]
async fn logging_in_from_a_private_album_lands_back_on_it() {
    browser_test("login_from_private_album", async |browser| {
        let world = World::new(&[("Ann's Garden", 2)]).await;
        world.user_seeing("ann", &["Ann's Garden"]).await;
        let album = world.album("Ann's Garden");
        let path = format!("/albums/{album}");

        browser.goto(&world.url(&path)).await;
        let text = browser.body_text().await;
        assert!(!text.contains("Ann's Garden"), "{text}");

        // The page's own way to log in: a form on it, else its login link (one that brings
        // the visitor back, in preference), else the header's.
        let has_form = !browser
            .find_all("main form input[name=password]")
            .await
            .is_empty();
        if !has_form {
            let mut links = Vec::new();
            for css in ["main a[href^='/login']", "header a[href^='/login']"] {
                for link in browser.find_all(css).await {
                    links.push(link.attr("href").await.unwrap().unwrap_or_default());
                }
            }
            let href = links
                .iter()
                .find(|href| href.contains("next="))
                .or(links.first())
                .unwrap_or_else(|| panic!("the page offers no way to log in:\n{text}"));
            browser.goto(&world.url(href)).await;
        }
        log_in(browser, &world, "ann").await;

        assert_album_page(browser, album, "Ann's Garden", 2).await;
        assert_eq!(browser.text("header .who").await, "ann");
        browser.screenshot("login_from_private_album").await;
    })
    .await;
}

#[tokio::test]
async fn after_logging_out_back_shows_nothing_private() {
    browser_test("logout_then_back", async |browser| {
        let world = World::new(&[("Ann's Diary", 2)]).await;
        world.user_seeing("ann", &["Ann's Diary"]).await;
        let album = world.album("Ann's Diary");

        browser
            .goto(&world.url(&format!("/login?next=/albums/{album}")))
            .await;
        log_in(browser, &world, "ann").await;
        assert_album_page(browser, album, "Ann's Diary", 2).await;

        // Marks this document, to tell a page kept in memory from one fetched again.
        browser
            .script("window.albumenBeforeLogout = true", vec![])
            .await;
        browser.click("header form[action='/logout'] button").await;
        browser.wait_for_path("/").await;
        browser.find("header a[href^='/login']").await;

        browser.back().await;
        browser.wait_for_path(&format!("/albums/{album}")).await;
        browser.find("main").await;
        let text = browser.body_text().await;
        let kept = browser
            .script("return window.albumenBeforeLogout === true", vec![])
            .await;
        let how = if kept == true {
            "the page kept in memory (back/forward cache)"
        } else {
            "a page from the HTTP cache or the server"
        };
        assert!(
            !text.contains("Ann's Diary"),
            "Back after logging out shows the private album, {how}:\n{text}"
        );
        assert!(
            browser.find_all("header .who").await.is_empty(),
            "still shown as logged in:\n{text}"
        );
        let photos = browser
            .script(
                "return [...document.images].filter(i => i.src.includes('/media/photos/')).length",
                vec![],
            )
            .await;
        assert_eq!(photos, 0, "Back after logging out shows the album's photos");
        browser.screenshot("logout_then_back").await;
    })
    .await;
}
