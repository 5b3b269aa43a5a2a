use albumen_db::ProblemStage;
use axum::body::Body;
use axum::http::{Request, header};

use crate::common::{TestApp, files_under, image_size};
use crate::fixtures::{Exif, jpeg, jpeg_with_broken_body, png};

#[tokio::test]
async fn previews_have_the_preset_size_and_orientation_applied() {
    let t = TestApp::new().await;
    t.add("A/wide.jpg", &jpeg(2400, 1200, &Exif::default()));
    t.add("A/turned.jpg", &jpeg(2400, 1200, &Exif::oriented(6)));
    t.add("A/small.png", &png(300, 200));
    t.scan().await;
    let admin = t.admin().await;

    let cases = [
        ("wide.jpg", "thumb", (256, 256)),
        ("wide.jpg", "standard", (1600, 800)),
        ("turned.jpg", "standard", (800, 1600)),
        ("turned.jpg", "thumb", (256, 256)),
        ("small.png", "standard", (300, 200)),
        ("small.png", "thumb", (200, 200)),
    ];
    for (file, preset, size) in cases {
        let id = t.photo_id(file).await;
        let reply = t
            .get(
                &format!("/media/photos/{id}/preview/{preset}"),
                Some(&admin),
            )
            .await;
        assert_eq!(reply.status, 200, "{file} {preset}");
        assert_eq!(reply.header("content-type"), Some("image/jpeg"));
        assert_eq!(&reply.body[..2], [0xFF, 0xD8], "a JPEG");
        assert_eq!(image_size(&reply.body), size, "{file} {preset}");
    }
}

#[tokio::test]
async fn previews_are_cached_and_revalidated_by_etag() {
    let t = TestApp::new().await;
    t.add("A/p.jpg", &jpeg(800, 600, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let id = t.photo_id("p.jpg").await;
    let url = format!("/media/photos/{id}/preview/standard");
    let cache = t.state.config.cache_dir();
    assert_eq!(files_under(&cache), 0);

    let first = t.get(&url, Some(&admin)).await;
    assert_eq!(first.status, 200);
    assert_eq!(
        files_under(&cache),
        3,
        "the preview was stored, with the grid's and the thumbnail from the same decode"
    );
    assert!(first.header("cache-control").unwrap().contains("private"));
    let etag = first.header("etag").unwrap().to_owned();

    let second = t.get(&url, Some(&admin)).await;
    assert_eq!(second.body, first.body);
    assert_eq!(files_under(&cache), 3);

    let conditional = t
        .send(
            Request::builder()
                .uri(&url)
                .header(header::COOKIE, &admin.cookie)
                .header(header::IF_NONE_MATCH, &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(conditional.status, 304);
    assert!(conditional.body.is_empty());

    // A wiped cache is rebuilt transparently.
    std::fs::remove_dir_all(&cache).unwrap();
    let again = t.get(&url, Some(&admin)).await;
    assert_eq!(again.status, 200);
    assert_eq!(image_size(&again.body), (800, 600));
}

#[tokio::test]
async fn concurrent_requests_for_one_preview_all_succeed_with_one_result() {
    let t = TestApp::new().await;
    t.add("A/p.jpg", &jpeg(3000, 2000, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let id = t.photo_id("p.jpg").await;
    let url = format!("/media/photos/{id}/preview/standard");
    let replies = futures::future::join_all((0..8).map(|_| t.get(&url, Some(&admin)))).await;
    for reply in &replies {
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, replies[0].body);
    }
    // The standard preview and the grid's and the thumbnail made with it.
    assert_eq!(files_under(&t.state.config.cache_dir()), 3);
}

#[tokio::test]
async fn an_original_that_cannot_be_decoded_gets_a_placeholder_and_a_problem() {
    let t = TestApp::new().await;
    t.add("A/broken.jpg", &jpeg_with_broken_body(640, 480));
    let report = t.scan().await;
    assert_eq!(
        report.photos, 1,
        "the header is fine, so the scan catalogues it"
    );
    let admin = t.admin().await;
    let id = t.photo_id("broken.jpg").await;
    let reply = t
        .get(&format!("/media/photos/{id}/preview/thumb"), Some(&admin))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(image_size(&reply.body), (256, 256));
    let problems = t.repo().problems().await.unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(
        (problems[0].path.as_str(), problems[0].stage),
        ("A/broken.jpg", ProblemStage::Preview)
    );
    assert_eq!(
        t.get("/healthz", None).await.status,
        200,
        "the server keeps serving"
    );
}

#[tokio::test]
async fn unknown_presets_are_not_found() {
    let t = TestApp::new().await;
    t.add("A/p.jpg", &jpeg(64, 64, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let id = t.photo_id("p.jpg").await;
    for preset in ["huge", "THUMB", "..", "thumb%2F..%2F.."] {
        assert_eq!(
            t.get(
                &format!("/media/photos/{id}/preview/{preset}"),
                Some(&admin)
            )
            .await
            .status,
            404,
            "{preset}"
        );
    }
}

#[tokio::test]
async fn originals_are_the_exact_bytes_with_their_name() {
    let t = TestApp::new().await;
    let bytes = jpeg(100, 50, &Exif::taken("2001:02:03 04:05:06"));
    t.add("A/Été à Paris.jpg", &bytes);
    t.scan().await;
    let admin = t.admin().await;
    let id = t.photo_id("Paris.jpg").await;
    let reply = t
        .get(&format!("/media/photos/{id}/original"), Some(&admin))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, bytes);
    assert_eq!(reply.header("content-type"), Some("image/jpeg"));
    assert_eq!(
        reply.header("content-length"),
        Some(bytes.len().to_string().as_str())
    );
    assert_eq!(
        reply.header("content-disposition"),
        Some(
            "inline; filename=\"_t_ _ Paris.jpg\"; filename*=UTF-8''%C3%89t%C3%A9%20%C3%A0%20Paris.jpg"
        )
    );
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
}
