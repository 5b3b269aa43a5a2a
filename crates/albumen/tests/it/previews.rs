//! Preview negotiation, versioned URLs, one decode for several presets, and the background
//! queue that makes previews before anyone asks.

use albumen::preview_jobs::{Tally, work_batch};
use albumen_db::{PREVIEW_JOBS, ProblemStage};
use axum::body::Body;
use axum::http::{Request, header};
use serde_json::json;

use crate::common::{Session, TestApp, files_under, image_size};
use crate::fixtures::{Exif, jpeg, jpeg_with_broken_body, video};

const CHROMIUM_ACCEPT: &str = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
/// A browser that shows WebP but not AVIF (Chromium before 85, Safari 14 and 15).
const WEBP_ACCEPT: &str = "image/webp,image/apng,image/*,*/*;q=0.8";

async fn get_accepting(
    t: &TestApp,
    url: &str,
    session: Option<&Session>,
    accept: &str,
) -> crate::common::Reply {
    let mut request = Request::builder().uri(url).header(header::ACCEPT, accept);
    if let Some(session) = session {
        request = request.header(header::COOKIE, &session.cookie);
    }
    t.send(request.body(Body::empty()).unwrap()).await
}

fn is_webp(bytes: &[u8]) -> bool {
    bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP"
}

fn is_avif(bytes: &[u8]) -> bool {
    bytes.len() > 12 && &bytes[4..8] == b"ftyp" && &bytes[8..12] == b"avif"
}

#[tokio::test]
async fn webp_goes_to_clients_that_accept_it_and_jpeg_to_the_rest() {
    let t = TestApp::new().await;
    t.add("A/p.jpg", &jpeg(1200, 800, &Exif::oriented(6)));
    t.scan().await;
    let admin = t.admin().await;
    let id = t.photo_id("p.jpg").await;
    let url = format!("/media/photos/{id}/preview/standard");

    let webp = get_accepting(&t, &url, Some(&admin), WEBP_ACCEPT).await;
    assert_eq!(webp.status, 200);
    assert_eq!(webp.header("content-type"), Some("image/webp"));
    assert!(is_webp(&webp.body));
    assert_eq!(
        image_size(&webp.body),
        (800, 1200),
        "oriented like the JPEG"
    );
    assert_eq!(webp.header("vary"), Some("Cookie, Accept"));
    assert!(
        webp.header("content-disposition")
            .unwrap()
            .contains("p.webp")
    );

    let plain = t.get(&url, Some(&admin)).await;
    assert_eq!(plain.header("content-type"), Some("image/jpeg"));
    assert_eq!(&plain.body[..2], [0xFF, 0xD8]);
    assert_eq!(image_size(&plain.body), (800, 1200));
    let (webp_tag, jpeg_tag) = (webp.header("etag").unwrap(), plain.header("etag").unwrap());
    assert_ne!(webp_tag, jpeg_tag, "one ETag per representation");
    // A client holding the JPEG is sent the WebP when it starts accepting WebP, not a 304.
    let switched = t
        .send(
            Request::builder()
                .uri(&url)
                .header(header::COOKIE, &admin.cookie)
                .header(header::ACCEPT, WEBP_ACCEPT)
                .header(header::IF_NONE_MATCH, jpeg_tag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(switched.status, 200);
    assert!(is_webp(&switched.body));

    // Cached now: served from the cache with the encoding's type.
    let again = get_accepting(&t, &url, Some(&admin), "image/webp").await;
    assert_eq!(again.body, webp.body);
    assert_eq!(again.header("content-type"), Some("image/webp"));

    // WebP can be turned off.
    let off = thumb_type(|c| c.previews.webp = false, WEBP_ACCEPT).await;
    assert_eq!(off.as_deref(), Some("image/jpeg"));
}

/// The type of a thumbnail served to `accept` by a gallery configured by `configure`.
async fn thumb_type(
    configure: impl FnOnce(&mut albumen::config::Config),
    accept: &str,
) -> Option<String> {
    let t = TestApp::with_config(configure).await;
    t.add("A/p.jpg", &jpeg(640, 480, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let id = t.photo_id("p.jpg").await;
    let url = format!("/media/photos/{id}/preview/thumb");
    let reply = get_accepting(&t, &url, Some(&admin), accept).await;
    reply.header("content-type").map(str::to_owned)
}

/// AVIF needs the `heif` feature and an AV1 encoder in libheif (CI builds with both); a build
/// without either answers the same browsers with WebP.
#[tokio::test]
async fn avif_goes_first_to_clients_that_accept_it_when_built() {
    let t = TestApp::new().await;
    t.add("A/p.jpg", &jpeg(1200, 800, &Exif::oriented(6)));
    t.scan().await;
    let admin = t.admin().await;
    let id = t.photo_id("p.jpg").await;
    let url = format!("/media/photos/{id}/preview/standard");

    let reply = get_accepting(&t, &url, Some(&admin), CHROMIUM_ACCEPT).await;
    assert_eq!(reply.status, 200);
    if !albumen_media::Encoding::Avif.available() {
        assert_eq!(reply.header("content-type"), Some("image/webp"));
        return;
    }
    assert_eq!(reply.header("content-type"), Some("image/avif"));
    assert!(is_avif(&reply.body));
    let probe = albumen_media::probe(&reply.body).expect("a readable AVIF");
    assert_eq!(
        (probe.width, probe.height),
        (800, 1200),
        "oriented like the JPEG"
    );
    assert_eq!(reply.header("vary"), Some("Cookie, Accept"));
    assert!(
        reply
            .header("content-disposition")
            .unwrap()
            .contains("p.avif")
    );
    // Each encoding has its own ETag and cache entry; refusing AVIF gets WebP.
    let webp = get_accepting(&t, &url, Some(&admin), "image/avif;q=0,image/webp").await;
    assert!(is_webp(&webp.body));
    assert_ne!(webp.header("etag"), reply.header("etag"));
    let again = get_accepting(&t, &url, Some(&admin), CHROMIUM_ACCEPT).await;
    assert_eq!(again.body, reply.body, "served from the cache");

    // AVIF can be turned off: the same browser then gets WebP.
    let off = thumb_type(|c| c.previews.avif = false, CHROMIUM_ACCEPT).await;
    assert_eq!(off.as_deref(), Some("image/webp"));
}

#[tokio::test]
async fn one_decode_makes_the_requested_preset_and_the_smaller_ones() {
    // Renders are counted by the files they leave; the memory cache would answer first.
    let t = TestApp::with_config(|c| c.previews.memory_cache_mb = 0).await;
    t.add("A/p.jpg", &jpeg(3000, 2000, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let id = t.photo_id("p.jpg").await;
    let cache = t.state.config.cache_dir();

    let thumb = t
        .get(&format!("/media/photos/{id}/preview/thumb"), Some(&admin))
        .await;
    assert_eq!(image_size(&thumb.body), (256, 256));
    assert_eq!(files_under(&cache), 1, "a thumbnail needs nothing bigger");
    let grid = t
        .get(&format!("/media/photos/{id}/preview/grid"), Some(&admin))
        .await;
    assert_eq!(image_size(&grid.body), (800, 533), "uncropped");
    assert_eq!(files_under(&cache), 2);
    let standard = t
        .get(
            &format!("/media/photos/{id}/preview/standard"),
            Some(&admin),
        )
        .await;
    assert_eq!(image_size(&standard.body), (1600, 1067));
    assert_eq!(
        files_under(&cache),
        3,
        "the cached thumbnail and grid preview are not made again"
    );
    let large = t
        .get(&format!("/media/photos/{id}/preview/large"), Some(&admin))
        .await;
    assert_eq!(image_size(&large.body), (2560, 1707));
    assert_eq!(files_under(&cache), 4);

    // On a fresh cache, the large preview brings the three others with it.
    std::fs::remove_dir_all(&cache).unwrap();
    t.get(&format!("/media/photos/{id}/preview/large"), Some(&admin))
        .await;
    assert_eq!(files_under(&cache), 4);
    let thumb_again = t
        .get(&format!("/media/photos/{id}/preview/thumb"), Some(&admin))
        .await;
    assert_eq!(image_size(&thumb_again.body), (256, 256));
    assert_eq!(
        files_under(&cache),
        4,
        "served from what the large one made"
    );
}

/// The `src` of the first `<img>` whose `src` contains `needle`.
fn img_src(html: &str, needle: &str) -> String {
    html.split("src=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().replace("&amp;", "&"))
        .find(|src| src.contains(needle))
        .unwrap_or_else(|| panic!("no image with {needle} in {html}"))
}

#[tokio::test]
async fn pages_link_versioned_previews_that_public_caches_may_keep() {
    let t = TestApp::new().await;
    t.add("Pub/p.jpg", &jpeg(3000, 2000, &Exif::default()));
    t.add("Pub/small.jpg", &jpeg(800, 600, &Exif::default()));
    t.add("Priv/q.jpg", &jpeg(640, 480, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let albums = t.get("/api/v1/albums", Some(&admin)).await.json();
    let album = |name: &str| {
        albums
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let public = album("Pub");
    t.put_ok(
        &admin,
        &format!("/api/v1/albums/{public}/policy"),
        json!({"public": true}),
    )
    .await;

    let page = t.get(&format!("/albums/{public}"), None).await.text();
    let id = t.photo_id("p.jpg").await;
    // The album's justified rows show each photo's grid preview, uncropped.
    let grid = img_src(&page, &format!("/media/photos/{id}/preview/grid?v="));
    let versioned = t.get(&grid, None).await;
    assert_eq!(versioned.status, 200);
    assert_eq!(
        versioned.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(versioned.header("vary"), Some("Accept"));
    let unversioned = t
        .get(&format!("/media/photos/{id}/preview/thumb"), None)
        .await;
    assert_eq!(
        unversioned.header("cache-control"),
        Some("public, max-age=3600")
    );
    let stale = t
        .get(
            &format!("/media/photos/{id}/preview/thumb?v=000000000000"),
            None,
        )
        .await;
    assert_eq!(stale.header("cache-control"), Some("public, max-age=3600"));

    // The photo page offers the grid (phones), standard and large previews by width.
    let photo_page = t.get(&format!("/photos/{id}"), None).await.text();
    let srcset = photo_page
        .split("srcset=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let entries: Vec<&str> = srcset.split(", ").collect();
    assert_eq!(entries.len(), 3, "{srcset}");
    assert!(entries[0].contains("/preview/grid?v=") && entries[0].ends_with(" 800w"));
    assert!(entries[1].contains("/preview/standard?v=") && entries[1].ends_with(" 1600w"));
    assert!(entries[2].contains("/preview/large?v=") && entries[2].ends_with(" 2560w"));
    // A photo smaller than the standard box: one size only.
    let small = t.photo_id("small.jpg").await;
    let small_page = t.get(&format!("/photos/{small}"), None).await.text();
    assert!(small_page.contains(" 800w\""), "{small_page}");

    // A private photo's preview never goes to shared caches, versioned or not.
    let private = t.photo_id("q.jpg").await;
    let page = t
        .get(&format!("/albums/{}", album("Priv")), Some(&admin))
        .await
        .text();
    let private_grid = img_src(&page, &format!("/media/photos/{private}/preview/grid?v="));
    let reply = t.get(&private_grid, Some(&admin)).await;
    assert_eq!(reply.header("cache-control"), Some("private, max-age=3600"));
    assert_eq!(reply.header("vary"), Some("Cookie, Accept"));

    // A changed photo gets a new version.
    t.add("Pub/p.jpg", &jpeg(2000, 3000, &Exif::default()));
    t.scan().await;
    let page = t.get(&format!("/albums/{public}"), None).await.text();
    let new_grid = img_src(&page, &format!("/media/photos/{id}/preview/grid?v="));
    assert_ne!(new_grid, grid);
}

#[tokio::test]
async fn scans_queue_previews_and_workers_make_them_before_anyone_asks() {
    let t = TestApp::new().await;
    t.add("A/one.jpg", &jpeg(3000, 2000, &Exif::default()));
    t.add("A/two.jpg", &jpeg(1200, 1600, &Exif::oriented(8)));
    t.add("A/broken.jpg", &jpeg_with_broken_body(640, 480));
    let report = t.scan().await;
    assert_eq!(report.previews_queued, 3);
    let repo = t.repo().as_ref();
    let now = albumen::clock::unix_now();
    assert_eq!(repo.job_counts(PREVIEW_JOBS, now).await.unwrap().queued, 3);

    let tally = Tally::default();
    let claimed = work_batch(&t.state, "test-worker", 8, &tally)
        .await
        .unwrap();
    assert_eq!(claimed, 3);
    assert_eq!(
        work_batch(&t.state, "test-worker", 8, &tally)
            .await
            .unwrap(),
        0
    );
    let counts = repo.job_counts(PREVIEW_JOBS, now).await.unwrap();
    assert_eq!((counts.queued, counts.running, counts.failed), (0, 0, 1));
    // Every preset of the two good photos, in the encoding browsers ask for, from one decode
    // each; the broken one is a recorded problem, not a retry loop.
    let cache = t.state.config.cache_dir();
    assert_eq!(files_under(&cache), 8);
    assert_eq!(tally.made.load(std::sync::atomic::Ordering::Relaxed), 8);
    let problems = repo.problems().await.unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].stage, ProblemStage::Preview);

    let admin = t.admin().await;
    let id = t.photo_id("two.jpg").await;
    let large = get_accepting(
        &t,
        &format!("/media/photos/{id}/preview/large"),
        Some(&admin),
        CHROMIUM_ACCEPT,
    )
    .await;
    // The queue made the encoding this browser is served: AVIF when built, else WebP.
    let preferred = if albumen_media::Encoding::Avif.available() {
        "image/avif"
    } else {
        "image/webp"
    };
    assert_eq!(large.header("content-type"), Some(preferred));
    let probe = albumen_media::probe(&large.body).expect("a readable preview");
    assert_eq!((probe.width, probe.height), (1600, 1200));
    assert_eq!(files_under(&cache), 8, "served from the cache");

    // A rescan with nothing changed queues nothing; a changed file is queued again.
    assert_eq!(t.scan().await.previews_queued, 0);
    t.add("A/one.jpg", &jpeg(2000, 2000, &Exif::default()));
    assert_eq!(t.scan().await.previews_queued, 1);
}

#[tokio::test]
async fn videos_get_a_poster_frame() {
    let t = TestApp::new().await;
    t.add("Trip/clip.mp4", &video("2", "640x360", "mp4"));
    t.add("Trip/blink.mp4", &video("0.3", "320x240", "mp4"));
    t.scan().await;
    let admin = t.admin().await;
    for (file, thumb, standard) in [
        ("clip.mp4", (256, 256), (640, 360)),
        ("blink.mp4", (240, 240), (320, 240)),
    ] {
        let id = t.photo_id(file).await;
        for (preset, size) in [("thumb", thumb), ("standard", standard)] {
            let reply = t
                .get(
                    &format!("/media/photos/{id}/preview/{preset}"),
                    Some(&admin),
                )
                .await;
            assert_eq!(reply.status, 200, "{file} {preset}");
            assert_eq!(reply.header("content-type"), Some("image/jpeg"));
            assert_eq!(image_size(&reply.body), size, "{file} {preset}");
            // A real frame, cached like a photo's preview (placeholders are `no-store`).
            assert!(reply.header("etag").is_some(), "{file} {preset}");
            assert_ne!(reply.header("cache-control"), Some("no-store"));
        }
    }
    assert!(t.repo().problems().await.unwrap().is_empty());
    // The background queue makes posters too.
    let tally = Tally::default();
    std::fs::remove_dir_all(t.state.config.cache_dir()).unwrap();
    assert_eq!(work_batch(&t.state, "w", 4, &tally).await.unwrap(), 2);
    assert_eq!(files_under(&t.state.config.cache_dir()), 8);
}

#[tokio::test]
async fn photos_above_the_file_size_limit_are_not_read() {
    let t = TestApp::with_config(|c| c.previews.max_file_mb = 1).await;
    let small = jpeg(640, 480, &Exif::default());
    // The same picture with 1.5 MB of trailing bytes, which decoders ignore.
    let mut padded = small.clone();
    padded.extend(std::iter::repeat_n(0u8, 1_500_000));
    t.add("A/small.jpg", &small);
    t.add("A/padded.jpg", &padded);
    t.scan().await;
    let admin = t.admin().await;
    let fine = t
        .get(
            &format!(
                "/media/photos/{}/preview/thumb",
                t.photo_id("small.jpg").await
            ),
            Some(&admin),
        )
        .await;
    assert_ne!(fine.header("cache-control"), Some("no-store"));
    let refused = t
        .get(
            &format!(
                "/media/photos/{}/preview/thumb",
                t.photo_id("padded.jpg").await
            ),
            Some(&admin),
        )
        .await;
    assert!(refused.is_placeholder(), "the placeholder");
    let problems = t.repo().problems().await.unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "A/padded.jpg");
    assert!(
        problems[0].reason.contains("previews.max_file_mb"),
        "{problems:?}"
    );
}
