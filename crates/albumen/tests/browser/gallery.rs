//! Browsing the gallery as a person does, at laptop and phone widths: the index's cards,
//! year jump and search, an album's justified rows, a photo, and the light and dark themes.

use serde_json::{Value, json};

use crate::harness::{Browser, World, browser_test};

/// Albums over three years, one with a sub-album, so the index has rows, years and a tree.
const ALBUMS: &[(&str, u32)] = &[
    ("2013_07_14_Beach Day", 5),
    ("2013_05_01_May Walk", 2),
    ("2013_03_09_Snow in the Alps", 3),
    ("2013_02_02_Birthday", 2),
    ("2013_01_19_Paris", 4),
    ("2012_09_30_Harvest", 2),
    ("2012_06_21_Solstice", 3),
    ("2011_12_24_Christmas Eve", 2),
    ("Family", 2),
    ("Family/Garden", 3),
];

/// The bounding boxes `[left, top, width, height]` of the elements matching `css`, in order,
/// skipping those not displayed.
pub(crate) async fn rects(browser: &Browser, css: &str) -> Vec<[f64; 4]> {
    let found = browser
        .script(
            "return [...document.querySelectorAll(arguments[0])]
               .filter(e => e.checkVisibility())
               .map(e => { const r = e.getBoundingClientRect();
                           return [r.left, r.top, r.width, r.height]; });",
            vec![json!(css)],
        )
        .await;
    serde_json::from_value(found).expect("rectangles")
}

/// How many cards share the first row of 2013's albums (there are five).
async fn cards_in_first_row(browser: &Browser) -> usize {
    let cards = rects(browser, "#y2013 .card").await;
    let top = cards.first().expect("a card")[1];
    cards.iter().filter(|r| (r[1] - top).abs() < 1.0).count()
}

pub(crate) async fn log_in_as_admin(browser: &Browser, world: &World) {
    browser.goto(&world.url("/login")).await;
    browser.fill("form input[name=username]", "admin").await;
    browser
        .fill("form input[name=password]", world.password())
        .await;
    browser
        .click("form:has(input[name=password]) button[type=submit]")
        .await;
    browser.wait_for_path("/").await;
}

/// Waits for every cover on the index to be loaded, and checks that each one really is.
async fn assert_covers(browser: &Browser) {
    let covers = browser.loaded_images(".card > a img", 9).await;
    for (src, width) in &covers {
        assert!(*width > 0, "cover {src} did not load");
    }
}

async fn theme(browser: &Browser) -> (Value, String) {
    let found = browser
        .script(
            "return [document.documentElement.dataset.theme || null,
                     getComputedStyle(document.body).backgroundColor]",
            vec![],
        )
        .await;
    serde_json::from_value(found).expect("theme and background")
}

#[tokio::test]
async fn browsing_the_index_an_album_and_a_photo() {
    browser_test("gallery", async |browser| {
        let world = World::new(ALBUMS).await;
        browser.viewport(1280, 800).await;
        log_in_as_admin(browser, &world).await;

        // The index: one heading per year, newest first, cards several to a row.
        assert_covers(browser).await;
        let years: Vec<String> = serde_json::from_value(
            browser
                .script(
                    "return [...document.querySelectorAll('.year > h2')].map(h => h.textContent)",
                    vec![],
                )
                .await,
        )
        .unwrap();
        // (Family's photos carry no date: the files' time, today, dates it.)
        let mut unique = years.clone();
        unique.dedup();
        assert_eq!(unique, years, "one heading per year");
        let dated: Vec<&String> = years.iter().filter(|y| y.starts_with("201")).collect();
        assert_eq!(dated, ["2013", "2012", "2011"], "{years:?}");
        let per_row = cards_in_first_row(browser).await;
        assert!(per_row >= 4, "{per_row} cards in a row at 1280 px");
        // The sub-album is reached from its parent's card, not as a card of its own.
        assert_eq!(browser.find_all(".card").await.len(), 9);
        assert_eq!(browser.text(".card .subs summary").await, "+1 album inside");
        browser.screenshot("gallery-index-desktop").await;

        // The year jump scrolls to that year.
        browser.click(".years a[href='#y2011']").await;
        // (2011 is the last year: the page scrolls as far as it can.) Its heading shows, below
        // the sticky header.
        wait_until(browser, "2011 scrolled into view", || async {
            browser
                .script(
                    "const h = document.querySelector('#y2011 h2').getBoundingClientRect();
                     const bar = document.querySelector('header.bar').getBoundingClientRect();
                     return scrollY > 0 && h.top >= bar.bottom && h.bottom <= innerHeight;",
                    vec![],
                )
                .await
                == json!(true)
        })
        .await;
        assert_eq!(
            browser.script("return location.hash", vec![]).await,
            json!("#y2011")
        );

        // Search keeps the matching cards only, and their years.
        browser.script("scrollTo(0, 0)", vec![]).await;
        browser.fill("#album-search", "beach").await;
        wait_until(browser, "one card left", || async {
            rects(browser, ".card").await.len() == 1
        })
        .await;
        assert_eq!(browser.text(".card:not([hidden]) .name").await, "Beach Day");
        assert_eq!(rects(browser, ".year").await.len(), 1, "empty years hide");
        browser.fill("#album-search", "2012").await;
        wait_until(browser, "the cards of 2012", || async {
            rects(browser, ".card").await.len() == 2
        })
        .await;
        browser.screenshot("gallery-index-search").await;
        browser.fill("#album-search", "nothing like this").await;
        wait_until(browser, "no card", || async {
            rects(browser, ".card").await.is_empty()
        })
        .await;
        assert_eq!(
            browser.text(".no-match").await,
            "No album matches your search."
        );
        browser.goto(&world.url("/")).await;

        // The keyboard reaches the year links from the search box, with a visible focus ring.
        let search = browser.find("#album-search").await;
        search.send_keys("\u{e004}").await.expect("a Tab");
        let focused = browser
            .script(
                "const a = document.activeElement;
                 const style = getComputedStyle(a);
                 return [a.matches('.years a'), style.outlineStyle, parseFloat(style.outlineWidth)];",
                vec![],
            )
            .await;
        assert_eq!(focused, json!([true, "solid", 3]), "focus ring");

        // The dark theme, chosen with the toggle, stays chosen.
        let (chosen, light_bg) = theme(browser).await;
        assert_eq!(
            chosen,
            Value::Null,
            "the system's theme until one is chosen"
        );
        browser.click("#theme-toggle").await;
        let (chosen, dark_bg) = theme(browser).await;
        assert_eq!(chosen, json!("dark"));
        assert_ne!(light_bg, dark_bg);
        assert_eq!(dark_bg, "rgb(18, 18, 17)");
        browser.goto(&world.url("/")).await;
        assert_covers(browser).await;
        assert_eq!(theme(browser).await, (json!("dark"), dark_bg.clone()));
        browser.screenshot("gallery-index-dark").await;

        // The album: justified rows keep each photo's shape; the ZIP is offered.
        let beach = world.album("Beach Day");
        browser
            .click(&format!(".card > a[href='/albums/{beach}']"))
            .await;
        browser.wait_for_path(&format!("/albums/{beach}")).await;
        assert_eq!(browser.text("main h1").await, "Beach Day");
        // Rows load the grid previews, sized for them, not the standard ones.
        let images = browser.loaded_images("ul.grid img", 5).await;
        assert!(
            images
                .iter()
                .all(|(src, w)| src.contains("/preview/grid?v=") && *w > 0),
            "{images:?}"
        );
        assert_justified(browser).await;
        assert_eq!(browser.text(".album-head a.button").await, "Download ZIP");
        browser.screenshot("gallery-album-dark").await;
        // Chromium lays the rows out from the markup's data-r, before any script: without
        // app.js's --r, the same rows.
        browser
            .script(
                "for (const li of document.querySelectorAll('ul.grid li')) li.style.removeProperty('--r')",
                vec![],
            )
            .await;
        assert_justified(browser).await;
        // Its previews made, each tile is painted its photo's colour until its image loads.
        browser.goto(&world.url(&format!("/albums/{beach}"))).await;
        let painted = browser
            .script(
                "return [...document.querySelectorAll('ul.grid li')].map(li => {
                   const hex = li.dataset.c || '';
                   const rgb = hex.match(/[0-9a-f]{2}/g) || [];
                   return [`rgb(${rgb.map(h => parseInt(h, 16)).join(', ')})`,
                           getComputedStyle(li).backgroundColor]; });",
                vec![],
            )
            .await;
        let painted: Vec<(String, String)> = serde_json::from_value(painted).expect("tiles");
        assert!(!painted.is_empty());
        for (want, got) in &painted {
            assert_eq!(want, got, "{painted:?}");
        }
        // The album's neighbours in the index, at the end of the page.
        let href = browser
            .script(
                "return document.querySelector('.album-nav a').getAttribute('href')",
                vec![],
            )
            .await;
        let label = browser.text(".album-nav a").await;
        browser.click(".album-nav a").await;
        browser.wait_for_path(href.as_str().expect("a link")).await;
        let name = browser.text("main h1").await;
        assert!(label.ends_with(&name), "{label:?} leads to {name:?}");
        browser.back().await;
        browser.wait_for_path(&format!("/albums/{beach}")).await;

        // Square tiles, as an option: thumbnails in a grid of squares, and back to rows.
        browser.click("#layout-toggle").await;
        let tiles = browser.loaded_images("ul.grid.square img", 5).await;
        for (src, width) in &tiles {
            assert!(src.contains("/preview/thumb") && *width > 0, "{tiles:?}");
        }
        for cell in rects(browser, "ul.grid li").await {
            assert!((cell[2] - cell[3]).abs() < 1.0, "square tiles: {cell:?}");
        }
        browser.screenshot("gallery-album-square").await;
        browser.click("#layout-toggle").await;
        let rows = browser.loaded_images("ul.grid:not(.square) img", 5).await;
        assert!(
            rows.iter().all(|(src, _)| src.contains("/preview/grid?v=")),
            "{rows:?}"
        );
        assert_justified(browser).await;
        browser.click("#theme-toggle").await;
        assert_eq!(theme(browser).await, (Value::Null, light_bg.clone()));
        browser.screenshot("gallery-album-desktop").await;

        // A photo.
        browser.click("ul.grid li:first-child a").await;
        let shown = browser.loaded_images(".viewer .stage img", 1).await;
        assert!(shown[0].1 > 0, "{shown:?}");
        browser.screenshot("gallery-photo-desktop").await;

        // The sub-album, from the index: opened from its parent's card.
        let family = world.album("Family");
        let garden = world.album("Garden");
        browser.goto(&world.url("/")).await;
        let inside = format!(".card .subs a[href='/albums/{garden}']");
        assert!(rects(browser, &inside).await.is_empty(), "folded at first");
        browser.click(".card .subs summary").await;
        assert_eq!(rects(browser, &inside).await.len(), 1);
        browser.screenshot("gallery-index-sub-albums").await;
        browser.click(&inside).await;
        browser.wait_for_path(&format!("/albums/{garden}")).await;
        assert_eq!(browser.text("main h1").await, "Garden");
        assert!(browser.text("nav.crumbs").await.contains("Family"));

        // The parent album lists its sub-album as a card.
        browser.goto(&world.url(&format!("/albums/{family}"))).await;
        browser
            .find(&format!(".sub-albums a[href='/albums/{garden}']"))
            .await;
        browser.screenshot("gallery-album-with-sub-albums").await;

        // A phone: two cards to a row, rows of photos still justified.
        browser.viewport(390, 844).await;
        browser.goto(&world.url("/")).await;
        assert_covers(browser).await;
        assert_eq!(cards_in_first_row(browser).await, 2);
        browser.screenshot("gallery-index-phone").await;
        browser.goto(&world.url(&format!("/albums/{beach}"))).await;
        browser.loaded_images("ul.grid img", 5).await;
        assert_justified(browser).await;
        browser.screenshot("gallery-album-phone").await;
        browser.click("#theme-toggle").await;
        browser.goto(&world.url("/")).await;
        assert_covers(browser).await;
        browser.screenshot("gallery-index-phone-dark").await;
    })
    .await;
}

/// Cells of a row share one height, and each one's width over height follows its photo's
/// aspect ratio (landscape photos get wider cells than portrait ones), up to the row's stretch.
async fn assert_justified(browser: &Browser) {
    let cells: Vec<(f64, f64, f64, f64)> = serde_json::from_value(
        browser
            .script(
                "return [...document.querySelectorAll('ul.grid li')].map(li => {
                   const r = li.getBoundingClientRect();
                   return [r.top, r.width, r.height, li.dataset.w / li.dataset.h]; });",
                vec![],
            )
            .await,
    )
    .expect("cells");
    let row: Vec<_> = cells
        .iter()
        .filter(|c| (c.0 - cells[0].0).abs() < 1.0)
        .collect();
    assert!(row.len() >= 2, "{cells:?}");
    let stretch = |c: &(f64, f64, f64, f64)| (c.1 / c.2) / c.3;
    for cell in &row {
        assert!(
            (cell.2 - row[0].2).abs() < 1.0,
            "one height per row: {cells:?}"
        );
        assert!(
            (stretch(cell) / stretch(row[0]) - 1.0).abs() < 0.02,
            "aspect ratios kept: {cells:?}"
        );
    }
}

/// Polls `condition` until it holds; fails after the harness's wait.
pub(crate) async fn wait_until<F: std::future::Future<Output = bool>>(
    browser: &Browser,
    what: &str,
    condition: impl Fn() -> F,
) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !condition().await {
        assert!(
            std::time::Instant::now() < deadline,
            "{}: waited in vain for {what}",
            browser.path().await
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
