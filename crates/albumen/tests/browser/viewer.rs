//! The photo viewer and the slideshow, as a person uses them: opened over the grid, stepped
//! with keys and swipes, zoomed with the wheel and two fingers, its information panel, full
//! screen, Back to the grid, a deep link, and a shuffled slideshow with pause and resume.

use std::collections::BTreeSet;
use std::time::Duration;

use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::fixtures::{Exif, jpeg, video};
use crate::gallery::{log_in_as_admin, rects, wait_until};
use crate::harness::{Browser, World, browser_test};

/// One album of five photos taken a minute apart: the first large, with a camera and a place.
async fn trip() -> (World, i64, Vec<i64>) {
    let mut files = vec![(
        "2019_07_14_Trip/a.jpg".to_owned(),
        jpeg(
            2400,
            1600,
            &Exif {
                taken: Some("2019:07:14 10:30:00"),
                camera: Some("Canon EOS R5"),
                gps: Some((48, 2)),
                ..Exif::default()
            },
        ),
    )];
    const LATER: [(&str, &str); 4] = [
        ("b", "2019:07:14 10:31:00"),
        ("c", "2019:07:14 10:32:00"),
        ("d", "2019:07:14 10:33:00"),
        ("e", "2019:07:14 10:34:00"),
    ];
    for (i, (name, taken)) in LATER.into_iter().enumerate() {
        let (w, h) = if i % 2 == 0 { (480, 640) } else { (640, 480) };
        let exif = Exif {
            taken: Some(taken),
            ..Exif::default()
        };
        files.push((format!("2019_07_14_Trip/{name}.jpg"), jpeg(w, h, &exif)));
    }
    let world = World::with_files(files).await;
    let album = world.album("Trip");
    let listed = world
        .app
        .get(&format!("/api/v1/albums/{album}"), Some(&world.admin))
        .await
        .json();
    let photos = listed["photos"]
        .as_array()
        .expect("photos")
        .iter()
        .map(|p| p["id"].as_i64().expect("id"))
        .collect();
    (world, album, photos)
}

/// The photo id in the address bar (`/photos/ID`).
async fn shown(browser: &Browser) -> i64 {
    let path = browser.path().await;
    path.strip_prefix("/photos/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not on a photo: {path}"))
}

async fn wait_for_photo(browser: &Browser, id: i64) {
    wait_until(browser, &format!("photo {id} shown"), || async {
        browser
            .script(
                "const v = document.querySelector('.viewer.enhanced');
                 const img = v && v.querySelector('.stage img');
                 return location.pathname === arguments[0] && v?.dataset.id === arguments[1]
                   && (!img || (img.complete && img.naturalWidth > 0));",
                vec![json!(format!("/photos/{id}")), json!(id.to_string())],
            )
            .await
            == json!(true)
    })
    .await;
}

/// The zoom scale of the shown image (1 when not zoomed).
async fn scale(browser: &Browser) -> f64 {
    let value = browser
        .script(
            "const t = getComputedStyle(document.querySelector('.viewer .stage img')).transform;
             return t === 'none' ? 1 : new DOMMatrix(t).a;",
            vec![],
        )
        .await;
    value.as_f64().expect("a scale")
}

/// The centre of the stage, in viewport pixels.
async fn stage_centre(browser: &Browser) -> (f64, f64) {
    let r = rects(browser, ".viewer .stage").await[0];
    (r[0] + r[2] / 2.0, r[1] + r[3] / 2.0)
}

#[tokio::test]
async fn the_viewer_steps_zooms_informs_and_returns_to_the_grid() {
    browser_test("viewer", async |browser| {
        let (world, album, photos) = trip().await;
        browser.viewport(1280, 800).await;
        log_in_as_admin(browser, &world).await;
        browser.goto(&world.url(&format!("/albums/{album}"))).await;
        browser.loaded_images("ul.grid img", 5).await;

        // A photo opens over the grid, at its own address.
        browser.click("ul.grid li:first-child a").await;
        wait_for_photo(browser, photos[0]).await;
        browser.find(".lightbox .viewer").await;
        assert_eq!(browser.text(".lightbox .position").await, "1 / 5");
        browser.screenshot("viewer-desktop").await;

        // Every control is a touch target of 44 px or more.
        for r in rects(browser, ".lightbox .tools .tool, .lightbox .step").await {
            assert!(r[2] >= 44.0 && r[3] >= 44.0, "small touch target: {r:?}");
        }
        // The original is offered, as an attachment.
        let download = browser.find(".lightbox a[download]").await;
        assert_eq!(
            download.attr("href").await.unwrap().as_deref(),
            Some(format!("/media/photos/{}/original?download=1", photos[0]).as_str())
        );

        // I: the information panel, with what the camera recorded.
        browser.press(&['i']).await;
        let info = browser.text(".lightbox .info").await;
        for expected in [
            "14 July 2019, 10:30",
            "Canon EOS R5",
            "2400 × 1600 · 3.8 MP",
            "48.00000, 2.00000",
        ] {
            assert!(info.contains(expected), "{expected} not in {info:?}");
        }
        browser.screenshot("viewer-info-desktop").await;
        browser.press(&['i']).await;
        assert!(rects(browser, ".lightbox .info").await.is_empty());

        // The wheel zooms in, up to the original's resolution, and a sharper preview follows.
        let centre = stage_centre(browser).await;
        let at = (centre.0 as i64, centre.1 as i64);
        browser.wheel(at, -400).await;
        wait_until(browser, "zoomed in", || async {
            scale(browser).await > 1.2
        })
        .await;
        for _ in 0..6 {
            browser.wheel(at, -400).await;
        }
        let max = browser
            .script(
                "const img = document.querySelector('.viewer .stage img');
                 return 2400 / (img.offsetWidth * devicePixelRatio);",
                vec![],
            )
            .await
            .as_f64()
            .unwrap();
        wait_until(browser, "zoomed to the original's resolution", || async {
            (scale(browser).await - max).abs() < 0.01
        })
        .await;
        wait_until(browser, "a sharper image", || async {
            let src = browser
                .script(
                    "return document.querySelector('.viewer .stage img').currentSrc",
                    vec![],
                )
                .await;
            src.as_str().is_some_and(|s| s.contains("/preview/large"))
        })
        .await;
        browser.screenshot("viewer-zoomed").await;
        // Esc first leaves the zoom, not the viewer.
        browser.press(&[Key::Escape.into()]).await;
        assert_eq!(scale(browser).await, 1.0);
        assert_eq!(shown(browser).await, photos[0]);

        // Two fingers spreading zoom in too.
        browser.pinch(centre, 80.0, 320.0).await;
        wait_until(browser, "pinched in", || async {
            scale(browser).await > 1.5
        })
        .await;
        browser.press(&[Key::Escape.into()]).await;

        // → and ← step through the album; so do swipes.
        browser.press(&[Key::Right.into()]).await;
        wait_for_photo(browser, photos[1]).await;
        assert_eq!(browser.text(".lightbox .position").await, "2 / 5");
        browser.press(&[Key::Left.into()]).await;
        wait_for_photo(browser, photos[0]).await;
        browser
            .swipe((centre.0 + 200.0, centre.1), (centre.0 - 200.0, centre.1))
            .await;
        wait_for_photo(browser, photos[1]).await;
        browser
            .swipe((centre.0 - 200.0, centre.1), (centre.0 + 200.0, centre.1))
            .await;
        wait_for_photo(browser, photos[0]).await;

        // F: full screen, and out again.
        browser.press(&['f']).await;
        wait_until(browser, "full screen", || async {
            browser
                .script("return document.fullscreenElement?.className", vec![])
                .await
                == json!("lightbox")
        })
        .await;
        browser.press(&['f']).await;
        wait_until(browser, "out of full screen", || async {
            browser
                .script("return document.fullscreenElement", vec![])
                .await
                == Value::Null
        })
        .await;

        // Esc closes onto the grid, with the photo last shown focused.
        browser.press(&[Key::Right.into(), Key::Right.into()]).await;
        wait_for_photo(browser, photos[2]).await;
        browser.press(&[Key::Escape.into()]).await;
        browser.wait_for_path(&format!("/albums/{album}")).await;
        assert!(browser.find_all(".lightbox").await.is_empty());
        let focused = browser
            .script("return document.activeElement.getAttribute('href')", vec![])
            .await;
        assert_eq!(focused, json!(format!("/photos/{}", photos[2])));

        // Back closes it too, whatever was stepped through, and leaves the grid where it was.
        browser.script("window.kept = true", vec![]).await;
        browser.click("ul.grid li:nth-child(4) a").await;
        wait_for_photo(browser, photos[3]).await;
        browser.press(&[Key::Right.into()]).await;
        wait_for_photo(browser, photos[4]).await;
        browser.back().await;
        browser.wait_for_path(&format!("/albums/{album}")).await;
        assert!(browser.find_all(".lightbox").await.is_empty());
        assert_eq!(
            browser.script("return window.kept", vec![]).await,
            json!(true),
            "the album page was not reloaded"
        );

        // A deep link opens the photo's own page, with the same viewer.
        browser
            .goto(&world.url(&format!("/photos/{}", photos[2])))
            .await;
        wait_for_photo(browser, photos[2]).await;
        browser.script("window.kept = true", vec![]).await;
        browser.press(&[Key::Right.into()]).await;
        wait_for_photo(browser, photos[3]).await;
        assert_eq!(
            browser.script("return window.kept", vec![]).await,
            json!(true)
        );
        browser.screenshot("viewer-page-desktop").await;
        browser.press(&[Key::Escape.into()]).await;
        browser.wait_for_path(&format!("/albums/{album}")).await;

        // A phone: a swipe steps, the information is a sheet under the photo.
        browser.viewport(390, 844).await;
        browser.loaded_images("ul.grid img", 5).await;
        browser.click("ul.grid li:first-child a").await;
        wait_for_photo(browser, photos[0]).await;
        browser.screenshot("viewer-phone").await;
        let centre = stage_centre(browser).await;
        browser
            .swipe((centre.0 + 120.0, centre.1), (centre.0 - 120.0, centre.1))
            .await;
        wait_for_photo(browser, photos[1]).await;
        browser.press(&['i']).await;
        browser.find(".lightbox .info dl").await;
        browser.screenshot("viewer-phone-info").await;
        for r in rects(browser, ".lightbox .tools .tool, .lightbox .step").await {
            assert!(r[2] >= 44.0 && r[3] >= 44.0, "small touch target: {r:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_shuffled_slideshow_shows_every_photo_once_pauses_and_resumes() {
    browser_test("slideshow", async |browser| {
        let (world, album, photos) = trip().await;
        browser.viewport(1280, 800).await;
        log_in_as_admin(browser, &world).await;
        browser.goto(&world.url(&format!("/albums/{album}"))).await;

        browser.click("[data-slideshow]").await;
        browser.find(".lightbox .slideshow-bar").await;
        // Shuffled, three seconds a photo.
        browser.click(".slideshow-bar button:nth-of-type(2)").await;
        assert_eq!(
            browser.text(".slideshow-bar [aria-pressed='true']").await,
            "Shuffle"
        );
        browser
            .script(
                "const s = document.querySelector('.slideshow-bar select');
                 s.value = '3'; s.dispatchEvent(new Event('change'));",
                vec![],
            )
            .await;
        let first = shown(browser).await;
        wait_for_photo(browser, first).await;
        // (The controls fade while it plays; a movement brings them back.)
        browser
            .script(
                "document.querySelector('.lightbox').dispatchEvent(new PointerEvent('pointermove'))",
                vec![],
            )
            .await;
        browser.screenshot("slideshow-desktop").await;

        // Stepping by hand through a round: every photo once.
        let mut seen = vec![first];
        for _ in 1..photos.len() {
            let before = shown(browser).await;
            browser.press(&[Key::Right.into()]).await;
            wait_until(browser, "the next photo", || async {
                shown(browser).await != before
            })
            .await;
            seen.push(shown(browser).await);
        }
        let distinct: BTreeSet<i64> = seen.iter().copied().collect();
        assert_eq!(
            distinct,
            photos.iter().copied().collect::<BTreeSet<_>>(),
            "{seen:?}"
        );

        // It goes on by itself…
        let at = shown(browser).await;
        wait_until(browser, "the slideshow moving on", || async {
            shown(browser).await != at
        })
        .await;
        // …until Space pauses it.
        browser.press(&[' ']).await;
        assert_eq!(
            browser.text(".slideshow-bar [data-show='pause']").await,
            "Pause"
        );
        let paused = browser
            .find(".slideshow-bar [data-show='pause']")
            .await
            .attr("aria-pressed")
            .await
            .unwrap();
        assert_eq!(paused.as_deref(), Some("true"));
        let still = shown(browser).await;
        tokio::time::sleep(Duration::from_secs(4)).await;
        assert_eq!(shown(browser).await, still, "paused");

        // Closed and started again, it resumes where it was.
        browser.press(&[Key::Escape.into()]).await;
        browser.wait_for_path(&format!("/albums/{album}")).await;
        browser.click("[data-slideshow]").await;
        browser.find(".lightbox .slideshow-bar").await;
        wait_until(browser, "the slideshow resumed", || async {
            browser.path().await.starts_with("/photos/")
        })
        .await;
        assert_eq!(shown(browser).await, still);

        // From the index: the albums it shows.
        browser.goto(&world.url("/")).await;
        browser.click("#index-slideshow").await;
        browser.find(".lightbox .slideshow-bar").await;
        wait_until(browser, "the index's slideshow", || async {
            browser.path().await.starts_with("/photos/")
        })
        .await;
        assert!(photos.contains(&shown(browser).await));
    })
    .await;
}

#[tokio::test]
async fn a_video_plays_in_the_viewer_with_its_poster_and_seeks() {
    browser_test("video", async |browser| {
        let world = World::with_files(vec![
            ("Clips/a.jpg".to_owned(), jpeg(640, 480, &Exif::default())),
            ("Clips/b.mp4".to_owned(), video("4", "320x240", "mp4")),
        ])
        .await;
        let album = world.album("Clips");
        browser.viewport(1280, 800).await;
        log_in_as_admin(browser, &world).await;
        browser.goto(&world.url(&format!("/albums/{album}"))).await;
        // The video's tile is its poster frame.
        browser.loaded_images("ul.grid img", 2).await;
        browser.click("ul.grid li:nth-child(2) a").await;
        let player = browser.find(".lightbox .stage video").await;
        let poster = player.attr("poster").await.unwrap().unwrap_or_default();
        assert!(poster.contains("/preview/standard"), "{poster}");

        // Space plays it (muted: no person clicked, so the browser would refuse sound).
        browser
            .script(
                "document.querySelector('.lightbox video').muted = true",
                vec![],
            )
            .await;
        browser.press(&[' ']).await;
        wait_until(browser, "the video playing", || async {
            browser
                .script(
                    "const v = document.querySelector('.lightbox video');
                     return !v.paused && v.currentTime > 0.3 && !v.error;",
                    vec![],
                )
                .await
                == json!(true)
        })
        .await;
        browser.screenshot("video-playing").await;
        // Seeking near the end plays from there: the server answers byte ranges.
        browser
            .script(
                "const v = document.querySelector('.lightbox video'); v.currentTime = 3.2;",
                vec![],
            )
            .await;
        wait_until(browser, "the video seeked", || async {
            browser
                .script(
                    "const v = document.querySelector('.lightbox video');
                     return !v.seeking && v.currentTime >= 3.2 && v.readyState >= 2 && !v.error;",
                    vec![],
                )
                .await
                == json!(true)
        })
        .await;
        // Space pauses it; ← goes back to the photo.
        browser.press(&[' ']).await;
        wait_until(browser, "the video paused", || async {
            browser
                .script(
                    "return document.querySelector('.lightbox video').paused",
                    vec![],
                )
                .await
                == json!(true)
        })
        .await;
        browser.press(&[Key::Left.into()]).await;
        browser.find(".lightbox .stage img").await;
    })
    .await;
}
