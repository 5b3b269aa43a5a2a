//! The admin pages as an administrator uses them: a new account and a magic login link made in
//! the browser, the link copied from the page and opened after logging out; a share link made
//! on the links page.

use std::time::{Duration, Instant};

use axum::http::Method;
use serde_json::json;

use crate::harness::{Browser, World, browser_test};

/// Waits until the script returns a non-empty string, and returns it.
async fn wait_for_text(browser: &Browser, script: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(text) = browser.script(script, vec![]).await.as_str()
            && !text.is_empty()
        {
            return text.to_owned();
        }
        assert!(Instant::now() < deadline, "nothing came of `{script}`");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clicks the copy button next to `field` and returns what the page says it did: copied (and
/// then the clipboard holds the field's text), or, without a clipboard, selected the link for
/// the person to copy.
async fn copy(browser: &Browser, field: &str) -> String {
    browser.click(&format!("button[data-copy='{field}']")).await;
    let said = wait_for_text(
        browser,
        "return document.querySelector('.admin-copied').textContent",
    )
    .await;
    if said == "Copied." {
        browser.grant("clipboard-read").await;
        let held = browser
            .script("return navigator.clipboard.readText()", vec![])
            .await;
        let value = browser
            .script(
                "return document.querySelector(arguments[0]).value",
                vec![json!(field)],
            )
            .await;
        assert_eq!(held, value, "the clipboard holds the link");
    } else {
        let selected = browser
            .script(
                "const f = document.querySelector(arguments[0]); \
                 return document.activeElement === f && f.selectionStart === 0 \
                 && f.selectionEnd === f.value.length",
                vec![json!(field)],
            )
            .await;
        assert_eq!(selected, true, "the link is selected for copying by hand");
    }
    said
}

#[tokio::test]
async fn an_administrator_makes_an_account_and_a_login_link_that_works() {
    browser_test("admin_people", async |browser| {
        let world = World::new(&[("Grandma at 90", 2), ("Office Party", 1)]).await;
        // A link of each state for the links page.
        let party = world.album("Office Party");
        let old = world
            .api(
                Method::POST,
                "/api/v1/shares",
                json!({"album_id": party, "label": "Old link", "password": "swordfish", "allow_download": true}),
            )
            .await;
        let old_id = old["id"].as_i64().unwrap();
        world
            .api(Method::DELETE, &format!("/api/v1/shares/{old_id}"), json!(null))
            .await;

        // Logged out, the page asks to log in, and comes back.
        browser.goto(&world.url("/admin/people")).await;
        assert_eq!(browser.text("main h1").await, "401");
        browser.fill("form input[name=username]", "admin").await;
        browser
            .fill("form input[name=password]", world.password())
            .await;
        browser.click("form.login button[type=submit]").await;
        // The same address, now the page itself (the 401 page had no admin nav).
        browser.find("nav.admin-nav").await;
        assert_eq!(browser.path().await, "/admin/people");
        assert_eq!(browser.text("main h1").await, "People");
        assert_eq!(browser.text("header a[href='/admin']").await, "Admin");

        // A new account, through the form.
        browser.fill("#new-user input[name=username]", "ann").await;
        browser
            .fill("#new-user input[name=password]", world.password())
            .await;
        browser.click("#new-user input[name=can_scan]").await;
        browser.click("#new-user button[type=submit]").await;
        assert_eq!(browser.text(".admin-notice").await, "User created.");
        let row = browser
            .script(
                "return [...document.querySelectorAll('tr[id^=user-]')] \
                 .find(r => r.querySelector('th').textContent.trim() === 'ann').id",
                vec![],
            )
            .await;
        let row = row.as_str().expect("ann's row").to_owned();
        let text = browser.text(&format!("#{row}")).await;
        assert!(text.contains("can scan") && text.contains("active"), "{text}");

        // A single-use login link for ann, shown once with a copy button.
        browser.click(&format!("#{row} summary")).await;
        let form = format!("#{row} form[action$='/login-link']");
        browser
            .fill(&format!("{form} input[name=expires_in_days]"), "3")
            .await;
        browser
            .click(&format!("{form} input[name=single_use]"))
            .await;
        browser.click(&format!("{form} button")).await;
        assert_eq!(browser.text("#secret-title").await, "Login link for ann");
        let url = browser
            .script(
                "return document.querySelector('#login-link-url').value",
                vec![],
            )
            .await;
        let url = url.as_str().unwrap().to_owned();
        assert!(
            url.starts_with(&world.url("/login/link/")),
            "an absolute link: {url}"
        );
        let said = copy(browser, "#login-link-url").await;
        eprintln!("admin_people: the copy button said {said:?}");
        browser.screenshot("admin-people").await;

        // The links page: the revoked link, and a new one made with the form.
        browser.click("nav.admin-nav a[href='/admin/links']").await;
        browser.wait_for_path("/admin/links").await;
        let grandma = world.album("Grandma at 90");
        browser
            .script(
                "document.querySelector('#new-link select[name=album]').value = arguments[0]",
                vec![json!(grandma.to_string())],
            )
            .await;
        browser
            .fill("#new-link input[name=label]", "For the cousins")
            .await;
        browser
            .fill("#new-link input[name=expires_in_days]", "30")
            .await;
        browser.click("#new-link input[name=allow_zip]").await;
        browser.click("#new-link button[type=submit]").await;
        assert_eq!(browser.text("#secret-title").await, "New link");
        let share = browser
            .script(
                "return document.querySelector('#share-link-url').value",
                vec![],
            )
            .await;
        assert!(
            share.as_str().unwrap().starts_with(&world.url("/s/")),
            "{share}"
        );
        copy(browser, "#share-link-url").await;
        let table = browser.text("table.admin-links").await;
        assert!(table.contains("Grandma at 90") && table.contains("For the cousins"), "{table}");
        assert!(table.contains("live") && table.contains("revoked"), "{table}");
        browser.screenshot("admin-links").await;

        // A link to some photos of an album, ticked in the picker.
        browser
            .script(
                "document.querySelector('#pick-album select[name=album]').value = arguments[0]",
                vec![json!(grandma.to_string())],
            )
            .await;
        browser.click("#pick-album button[type=submit]").await;
        browser.find("ul.admin-pick").await;
        assert_eq!(browser.text("main h1").await, "Share photos of Grandma at 90");
        let thumbs = browser.loaded_images("ul.admin-pick img", 2).await;
        assert!(thumbs.iter().all(|(_, w)| *w > 0), "{thumbs:?}");
        browser.click("ul.admin-pick li:first-child input").await;
        browser.fill("#pick input[name=label]", "Just one").await;
        browser.screenshot("admin-pick").await;
        browser.click("#pick button[type=submit]").await;
        assert_eq!(browser.text("#secret-title").await, "New link");
        let table = browser.text("table.admin-links").await;
        assert!(table.contains("1 photo") && table.contains("Just one"), "{table}");

        // At a phone's width the tables scroll inside the page, which itself does not.
        browser.viewport(390, 844).await;
        browser.goto(&world.url("/admin/people")).await;
        let overflow = browser
            .script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                vec![],
            )
            .await;
        assert_eq!(overflow, 0, "the page scrolls sideways at a phone's width");
        browser.click(&format!("#{row} summary")).await;
        browser
            .script(
                "document.querySelector(arguments[0]).scrollIntoView()",
                vec![json!(format!("#{row}"))],
            )
            .await;
        browser.screenshot("admin-people-phone").await;
        browser.viewport(1280, 900).await;

        // Logged out, the link logs ann in.
        browser
            .click("header form[action='/logout'] button")
            .await;
        browser.wait_for_path("/").await;
        browser.goto(&url).await;
        assert_eq!(browser.text("main h1").await, "Welcome");
        browser.click("main button[type=submit]").await;
        browser.wait_for_path("/").await;
        assert_eq!(browser.text("header .who").await, "ann");
        assert!(
            browser.find_all("header a[href='/admin']").await.is_empty(),
            "ann is no administrator"
        );
        // The admin pages refuse her.
        browser.goto(&world.url("/admin/people")).await;
        assert_eq!(browser.text("main h1").await, "403");
    })
    .await;
}
