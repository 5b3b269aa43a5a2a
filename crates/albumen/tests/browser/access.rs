//! The access page as an administrator uses it: a policy set on a folder of the tree (and every
//! album below it) lets a second user in, and removing it shuts them out again.

use serde_json::json;

use crate::harness::{Browser, World, browser_test};

/// Ticks the folder at `path` in the tree, chooses "and every album below", `action` (`set` or
/// `remove`) and, for `set`, the user `user`; applies, and waits for the notice.
async fn apply(browser: &Browser, path: &str, action: &str, user: Option<i64>) -> String {
    browser
        .click(&format!(
            "li[data-path='{path}'] > details > summary input[name=albums]"
        ))
        .await;
    browser
        .click("#access-form input[name=scope][value=subtree]")
        .await;
    browser
        .click(&format!("#access-form input[name=action][value={action}]"))
        .await;
    if let Some(user) = user {
        browser
            .click(&format!("#access-form input[name=users][value='{user}']"))
            .await;
    }
    browser.click("#access-form button[type=submit]").await;
    browser.text(".admin-notice").await
}

/// Whether `session` gets the album page of `album`, with its name on it.
async fn sees(world: &World, session: &crate::common::Session, album: i64, name: &str) -> bool {
    let reply = world
        .app
        .get(&format!("/albums/{album}"), Some(session))
        .await;
    match reply.status.as_u16() {
        200 => {
            assert!(reply.text().contains(name));
            true
        }
        404 => {
            assert!(!reply.text().contains(name), "a 404 names the album");
            false
        }
        other => panic!("album {album}: {other}"),
    }
}

/// Opens the access page logged out and logs in as the administrator on the form it offers.
async fn log_in_to_access(browser: &Browser, world: &World) {
    browser.goto(&world.url("/admin/access")).await;
    browser.fill("form input[name=username]", "admin").await;
    browser
        .fill("form input[name=password]", world.password())
        .await;
    browser.click("form.login button[type=submit]").await;
    browser.find("#access-form").await;
}

#[tokio::test]
async fn a_policy_set_on_a_folder_lets_a_user_in_and_removing_it_shuts_them_out() {
    browser_test("access_tree", async |browser| {
        let world = World::new(&[("Trips/Alps", 3), ("Trips/Alps/Day 1", 2), ("Work", 1)]).await;
        let (alps, day1, work) = (
            world.album("Alps"),
            world.album("Day 1"),
            world.album("Work"),
        );
        let ann = world.app.api_user(&world.admin, "ann", json!([])).await;
        let ann_session = world.app.login("ann").await;
        for album in [alps, day1, work] {
            assert!(!sees(&world, &ann_session, album, "Alps").await);
        }

        // Logged in as the administrator, through the login form the page offers.
        log_in_to_access(browser, &world).await;
        browser.find("#access-form").await;
        assert_eq!(browser.text("main h1").await, "Access");
        assert_eq!(
            browser.text("nav.admin-nav a[aria-current=page]").await,
            "Access"
        );
        let alps_row = format!("#album-{alps} .access-row");
        assert!(browser.text(&alps_row).await.contains("private"));
        browser.screenshot("access-tree-before").await;

        // The folder "Trips" (no photos of its own) and everything below it, for ann.
        let said = apply(browser, "Trips", "set", Some(ann)).await;
        assert_eq!(said, "Policy set on the chosen albums.");
        let row = browser.text(&alps_row).await;
        assert!(row.contains("shared") && row.contains("Own policy: ann."), "{row}");
        assert!(!browser.text(&format!("#album-{work} .access-row")).await.contains("ann"));
        assert!(sees(&world, &ann_session, alps, "Alps").await);
        assert!(sees(&world, &ann_session, day1, "Day 1").await);
        assert!(!sees(&world, &ann_session, work, "Work").await);
        browser.screenshot("access-tree-desktop").await;
        browser.click("#theme-toggle").await;
        browser.screenshot("access-tree-desktop-dark").await;
        browser.viewport(390, 844).await;
        let overflow = browser
            .script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                vec![],
            )
            .await;
        assert_eq!(overflow, 0, "the page scrolls sideways at a phone's width");
        browser.screenshot("access-tree-phone-dark").await;
        browser.click("#theme-toggle").await;
        browser.screenshot("access-tree-phone").await;

        // One album's page: its photos, each following the album.
        browser
            .click(&format!("#album-{alps} a[href='/admin/access/albums/{alps}']"))
            .await;
        browser
            .wait_for_path(&format!("/admin/access/albums/{alps}"))
            .await;
        let thumbs = browser.loaded_images("ul.access-photos img", 3).await;
        assert!(thumbs.iter().all(|(_, w)| *w > 0), "{thumbs:?}");
        assert!(browser.text("ul.access-photos").await.contains("inherits"));
        browser.screenshot("access-album-phone").await;
        browser.viewport(1280, 900).await;
        browser.screenshot("access-album-desktop").await;
        browser
            .script(
                "document.querySelector('#photos-title').scrollIntoView()",
                vec![],
            )
            .await;
        browser.screenshot("access-album-photos").await;
        // Why can ann see it: the rule that decides, for the album and each photo.
        browser
            .goto(&world.url(&format!("/admin/access/albums/{alps}?why={ann}#why")))
            .await;
        let explained = browser.text(".access-explained").await;
        assert_eq!(explained, "ann: visible — album policy lists the user.");
        browser.screenshot("access-album-why").await;

        // Removed again from the whole sub-tree: ann gets the 404 of a nonexistent album.
        browser.goto(&world.url("/admin/access")).await;
        let said = apply(browser, "Trips", "remove", None).await;
        assert_eq!(said, "Policy removed: the chosen albums are private.");
        assert!(browser.text(&alps_row).await.contains("No policy: private"));
        for album in [alps, day1, work] {
            assert!(!sees(&world, &ann_session, album, "Alps").await);
        }

        // The filter box, as one types: Day 1 and the folders above it stay, Work goes.
        browser.fill("#access-q", "day").await;
        let hidden = browser
            .script(
                "return [...document.querySelectorAll('.access-tree li')] \
                 .filter(li => li.offsetParent === null).map(li => li.dataset.path)",
                vec![],
            )
            .await;
        assert_eq!(hidden, json!(["Work"]));
    })
    .await;
}

#[tokio::test]
async fn an_administrator_views_the_gallery_as_a_user_and_stops() {
    browser_test("view_as", async |browser| {
        let world = World::new(&[("Garden", 2), ("Taxes", 1)]).await;
        let ann = world.user_seeing("ann", &["Garden"]).await;
        let (garden, taxes) = (world.album("Garden"), world.album("Taxes"));

        log_in_to_access(browser, &world).await;
        browser
            .script(
                "document.querySelector('#view-as').scrollIntoView()",
                vec![],
            )
            .await;
        browser.screenshot("view-as-form").await;
        browser
            .script(
                "document.querySelector('#view-as select[name=target]').value = arguments[0]",
                vec![json!(format!("u{ann}"))],
            )
            .await;
        browser.click("#view-as button[type=submit]").await;
        browser.wait_for_path("/").await;

        // ann's gallery, under the banner: Garden, not Taxes, and no admin link.
        assert!(browser.text(".view-as").await.contains("Viewing as ann"));
        assert_eq!(browser.text("header .who").await, "ann");
        assert!(browser.find_all("header a[href='/admin']").await.is_empty());
        let text = browser.body_text().await;
        assert!(text.contains("Garden") && !text.contains("Taxes"), "{text}");
        browser.click(&format!("a[href='/albums/{garden}']")).await;
        browser.wait_for_path(&format!("/albums/{garden}")).await;
        let thumbs = browser.loaded_images("ul.grid img", 2).await;
        assert!(thumbs.iter().all(|(_, w)| *w > 0), "{thumbs:?}");
        assert!(browser.text(".view-as").await.contains("Viewing as ann"));
        browser.screenshot("view-as-desktop").await;
        browser.viewport(390, 844).await;
        browser.screenshot("view-as-phone").await;
        browser.viewport(1280, 900).await;
        // What ann may not see is the 404 of a nonexistent album; the admin pages are closed.
        browser.goto(&world.url(&format!("/albums/{taxes}"))).await;
        assert_eq!(browser.text("main h1").await, "404");
        browser.goto(&world.url("/admin/access")).await;
        assert_eq!(browser.text("main h1").await, "403");
        assert!(
            browser
                .body_text()
                .await
                .contains("Stop viewing as them first.")
        );
        browser.screenshot("view-as-refused").await;

        // Stop: back on the access page as the administrator, who sees everything again.
        browser.click(".view-as button[type=submit]").await;
        browser.wait_for_path("/admin/access").await;
        assert!(browser.find_all(".view-as").await.is_empty());
        assert_eq!(browser.text("main h1").await, "Access");
        browser.goto(&world.url(&format!("/albums/{taxes}"))).await;
        assert_eq!(browser.text("main h1").await, "Taxes");
    })
    .await;
}
