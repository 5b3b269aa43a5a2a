//! Videos go to ffprobe and ffmpeg as files already opened inside the library, read with a
//! demuxer chosen from their own bytes: whatever a file says, the tools read nothing else.

use albumen_core::PhotoId;
use albumen_core::model::Photo;

use crate::common::{TestApp, image_size};
use crate::fixtures::video;

const NOT_A_VIDEO: &str = "not a video container Albumen reads";

async fn photo(t: &TestApp, suffix: &str) -> Photo {
    let id = t.photo_id(suffix).await;
    t.repo().photo(PhotoId::new(id)).await.unwrap().unwrap()
}

/// Finding 5: a `.mp4` that is an HLS playlist naming a video elsewhere on disk. ffmpeg left
/// to guess the format follows the playlist; the scan must catalogue none of the outside
/// video's facts, and its preview must not be a frame of it.
#[tokio::test]
async fn a_playlist_posing_as_a_video_reads_nothing_outside_the_library() {
    let t = TestApp::new().await;
    let outside = t.dir.path().join("outside.ts");
    std::fs::write(&outside, video("3", "320x240", "ts")).unwrap();
    let playlist = format!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:3,\n{}\n#EXT-X-ENDLIST\n",
        outside.display()
    );
    t.add("Trip/clip.mp4", playlist.as_bytes());
    t.add("Trip/real.mp4", &video("2", "160x120", "mp4"));
    let report = t.scan().await;
    assert_eq!(report.photos, 2, "{report:?}");

    let fake = photo(&t, "clip.mp4").await;
    assert_eq!(
        (fake.width, fake.height, fake.meta.duration_ms),
        (0, 0, None),
        "no facts of the outside video"
    );
    let real = photo(&t, "real.mp4").await;
    assert_eq!(
        (real.width, real.height, real.meta.duration_ms),
        (160, 120, Some(2000))
    );

    let admin = t.admin().await;
    let preview = t
        .get(
            &format!("/media/photos/{}/preview/standard", fake.id.get()),
            Some(&admin),
        )
        .await;
    assert!(
        preview.is_placeholder(),
        "the placeholder, not a frame of the outside video"
    );
    assert_ne!(image_size(&preview.body), (320, 240));
    let problems = t.repo().problems().await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "Trip/clip.mp4");
    assert!(problems[0].reason.contains(NOT_A_VIDEO), "{problems:?}");

    let poster = t
        .get(
            &format!("/media/photos/{}/preview/standard", real.id.get()),
            Some(&admin),
        )
        .await;
    assert_ne!(poster.header("cache-control"), Some("no-store"));
    assert_eq!(image_size(&poster.body), (160, 120));
}

/// Every container Albumen catalogues as a video gets its facts and a poster frame.
#[tokio::test]
async fn every_video_container_gets_facts_and_a_poster() {
    let t = TestApp::new().await;
    for extension in ["mp4", "mov", "mkv", "webm", "avi", "m2ts", "mts"] {
        t.add(
            &format!("Trip/clip.{extension}"),
            &video("1.5", "96x64", extension),
        );
    }
    assert_eq!(t.scan().await.photos, 7);
    let admin = t.admin().await;
    for extension in ["mp4", "mov", "mkv", "webm", "avi", "m2ts", "mts"] {
        let clip = photo(&t, &format!("clip.{extension}")).await;
        assert_eq!((clip.width, clip.height), (96, 64), "{extension}");
        assert!(
            clip.meta.duration_ms.is_some_and(|ms| ms >= 1000),
            "{extension}: {:?}",
            clip.meta.duration_ms
        );
        let poster = t
            .get(
                &format!("/media/photos/{}/preview/standard", clip.id.get()),
                Some(&admin),
            )
            .await;
        assert_ne!(
            poster.header("cache-control"),
            Some("no-store"),
            "{extension}"
        );
        assert_eq!(image_size(&poster.body), (96, 64), "{extension}");
    }
    assert!(t.repo().problems().await.unwrap().is_empty());
}

/// A video's page plays it inline, with its poster, for viewers who may download the original
/// (the player streams it, with ranges); a view-only link holder sees the poster and no player.
#[tokio::test]
async fn a_video_plays_on_its_page_for_who_may_have_its_bytes() {
    let t = TestApp::new().await;
    t.add("Trip/clip.mp4", &video("1", "160x120", "mp4"));
    t.scan().await;
    let admin = t.admin().await;
    let id = t.photo_id("clip.mp4").await;
    let page = t.get(&format!("/photos/{id}"), Some(&admin)).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    let player = html
        .split("<video")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("a video element");
    assert!(
        player.contains(&format!("src=\"/media/photos/{id}/original\"")),
        "{player}"
    );
    assert!(player.contains(&format!("poster=\"/media/photos/{id}/preview/standard?v=")));
    assert!(player.contains("controls"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("media-src 'self'"), "{csp}");

    // A view-only link: the poster as an image, no player, no original.
    let album = t
        .repo()
        .photo(PhotoId::new(id))
        .await
        .unwrap()
        .unwrap()
        .album_id;
    let link = t
        .call(
            axum::http::Method::POST,
            "/api/v1/shares",
            Some(&admin),
            Some(serde_json::json!({"album_id": album.get()})),
        )
        .await;
    assert_eq!(link.status, 201, "{}", link.text());
    let opened = t.get(link.json()["url"].as_str().unwrap(), None).await;
    let cookie = opened
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    let guest = crate::common::Session {
        cookie: cookie.to_owned(),
        csrf: String::new(),
    };
    let page = t.get(&format!("/photos/{id}"), Some(&guest)).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        !html.contains("<video"),
        "no player without the download right"
    );
    assert!(!html.contains("/original"));
    assert!(html.contains(&format!("/media/photos/{id}/preview/standard?v=")));
}
