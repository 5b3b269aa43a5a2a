//! A big album in the browser: the grid shows its first chunk, scrolling to the end appends
//! every other photo once and in order (fetched from the JSON API), rows stay justified across
//! chunks, months get headings, and the months rail jumps; at desktop and phone widths.

use serde_json::{Value, json};

use crate::fixtures::{Exif, jpeg};
use crate::gallery::log_in_as_admin;
use crate::harness::{Browser, World, browser_test};

/// 300 photos over three months, 100 a month (two and a half chunks of 120).
const PHOTOS: usize = 300;

async fn big_world() -> (World, i64) {
    let world = World::new(&[]).await;
    for i in 0..PHOTOS {
        let taken = [
            "2021:03:14 10:00:00",
            "2021:04:14 10:00:00",
            "2021:05:14 10:00:00",
        ][i / 100];
        // Landscape, portrait and panorama, so rows hold different numbers of photos.
        let (w, h) = [(64, 48), (48, 64), (96, 32)][i % 3];
        world.app.add(
            &format!("Big/p{i:03}.jpg"),
            &jpeg(w, h, &Exif::taken(taken)),
        );
    }
    world.app.scan().await;
    let albums = world
        .app
        .get("/api/v1/albums", Some(&world.admin))
        .await
        .json();
    let id = albums[0]["id"].as_i64().expect("the album");
    (world, id)
}

/// The first tiles of the page (others load lazily, as they near the view).
const FIRST_TILES: &str = ".photos > ul:first-of-type li:nth-child(-n+4) img";

/// The photo ids of the grid, in page order.
async fn grid_ids(browser: &Browser) -> Vec<i64> {
    serde_json::from_value(
        browser
            .script(
                "return [...document.querySelectorAll('.grid a[href^=\"/photos/\"]')]
                   .map(a => Number(a.getAttribute('href').slice(8)));",
                vec![],
            )
            .await,
    )
    .expect("ids")
}

/// Scrolls to the bottom until the grid holds `count` photos and "More photos" is gone.
async fn scroll_to_the_end(browser: &Browser, count: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let state = browser
            .script(
                "scrollTo(0, document.documentElement.scrollHeight);
                 return [document.querySelectorAll('.grid li').length,
                         !!document.getElementById('more-photos')];",
                vec![],
            )
            .await;
        if state == json!([count, false]) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{}: still {state} after scrolling",
            browser.path().await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Rows that should be justified and are not: in every list, every row but the last of a
/// month ends at the list's right edge, and a row's cells share one height. (The CSSOM sets
/// `content-visibility` for the look; the CSP forbids style attributes, not this.)
async fn ragged_rows(browser: &Browser) -> Value {
    browser
        .script(
            "const bad = [];
             // Lists far from view skip layout (content-visibility); lay them all out to look.
             const lists = [...document.querySelectorAll('.photos > ul.grid')];
             for (const ul of lists) ul.style.contentVisibility = 'visible';
             for (const [u, ul] of [...document.querySelectorAll('.photos > ul.grid')].entries()) {
               const right = ul.getBoundingClientRect().right;
               const rows = new Map();
               for (const li of ul.children) {
                 const r = li.getBoundingClientRect();
                 const row = rows.get(Math.round(r.top)) || [];
                 row.push(r);
                 rows.set(Math.round(r.top), row);
               }
               const list = [...rows.values()];
               list.forEach((row, i) => {
                 if (row.some(r => Math.abs(r.height - row[0].height) > 1)) bad.push(['height', row.length]);
                 const endsMonth = i === list.length - 1 && !ul.classList.contains('continued');
                 const end = row[row.length - 1].right;
                 if (!endsMonth && Math.abs(end - right) > 1.5) bad.push(['short', u, i, end, right, row.map(r => [r.left, r.width])]);
               });
             }
             for (const ul of lists) ul.style.contentVisibility = '';
             return bad;",
            vec![],
        )
        .await
}

async fn headings(browser: &Browser) -> Vec<String> {
    serde_json::from_value(
        browser
            .script(
                "return [...document.querySelectorAll('.month-heading')].map(h => h.textContent)",
                vec![],
            )
            .await,
    )
    .expect("headings")
}

#[tokio::test]
async fn scrolling_a_big_album_appends_every_photo_once_in_order() {
    browser_test("big-album", async |browser| {
        let (world, album) = big_world().await;
        let everything: Vec<i64> = world
            .app
            .get(&format!("/api/v1/albums/{album}"), Some(&world.admin))
            .await
            .json()["photos"]
            .as_array()
            .expect("photos")
            .iter()
            .map(|p| p["id"].as_i64().expect("id"))
            .collect();
        assert_eq!(everything.len(), PHOTOS);
        log_in_as_admin(browser, &world).await;
        for (width, height, name) in [(1280, 800, "desktop"), (390, 844, "phone")] {
            browser.viewport(width, height).await;
            browser.goto(&world.url(&format!("/albums/{album}"))).await;
            browser.loaded_images(FIRST_TILES, 4).await;
            assert_eq!(grid_ids(browser).await, everything[..120]);
            assert_eq!(ragged_rows(browser).await, json!([]), "{name}: first chunk");
            assert_eq!(
                browser
                    .text(".scrubber")
                    .await
                    .split_whitespace()
                    .collect::<Vec<_>>(),
                ["2021", "Mar100", "Apr100", "May100"]
            );
            browser.screenshot(&format!("big-album-top-{name}")).await;

            scroll_to_the_end(browser, PHOTOS).await;
            assert_eq!(
                grid_ids(browser).await,
                everything,
                "{name}: each photo once, in order"
            );
            assert_eq!(
                headings(browser).await,
                ["March 2021", "April 2021", "May 2021"]
            );
            assert_eq!(
                ragged_rows(browser).await,
                json!([]),
                "{name}: after appending"
            );
            // Appended tiles are the server's: same previews by width, `sizes` and shape.
            let tiles = browser
                .script(
                    "const li = [...document.querySelectorAll('.grid li')];
                     return [li[0], li[li.length - 1]].map(c => {
                       const img = c.querySelector('img');
                       return [img.getAttribute('srcset').split(', ').length,
                               img.getAttribute('sizes').split(', ').length,
                               c.style.getPropertyValue('--r') !== '',
                               img.dataset.square.includes('/preview/thumb?v=')];
                     });",
                    vec![],
                )
                .await;
            assert_eq!(tiles[0], tiles[1], "{name}: {tiles}");
            assert_eq!(tiles[1][2], json!(true));
            browser
                .loaded_images(".photos > ul:last-of-type li:last-child img", 1)
                .await;
            browser.screenshot(&format!("big-album-end-{name}")).await;

            // The months rail jumps to April's first photo, under its heading.
            browser.script("scrollTo(0, 0)", vec![]).await;
            browser.click(".scrubber a[href='?from=2021-04']").await;
            // Only April's page marks April as the current month.
            browser
                .find(".scrubber a[aria-current][href='?from=2021-04']")
                .await;
            assert_eq!(grid_ids(browser).await[0], everything[100]);
            assert_eq!(headings(browser).await[0], "April 2021");
            assert_eq!(
                browser
                    .text(".scrubber a[aria-current]")
                    .await
                    .split_whitespace()
                    .collect::<String>(),
                "Apr100"
            );
            browser.loaded_images(FIRST_TILES, 4).await;
            browser.screenshot(&format!("big-album-april-{name}")).await;
            scroll_to_the_end(browser, PHOTOS - 100).await;
            assert_eq!(grid_ids(browser).await, everything[100..]);
        }
    })
    .await;
}
