//! HEIC and AVIF photos: catalogued with their size and previewed with the `heif` feature; a
//! recorded reason, and a placeholder rather than an error, without it.

use crate::common::TestApp;

const HEIC: &[u8] = include_bytes!("../../../albumen-media/tests/fixtures/red_blue_64x48.heic");
const AVIF: &[u8] = include_bytes!("../../../albumen-media/tests/fixtures/red_blue_64x48.avif");

async fn photo_id(t: &TestApp, filename: &str) -> i64 {
    let files = t.repo().catalog_files().await.unwrap();
    files
        .iter()
        .find(|f| f.path.ends_with(filename))
        .unwrap_or_else(|| panic!("{filename} is catalogued"))
        .id
        .get()
}

#[cfg(feature = "heif")]
#[tokio::test]
async fn heic_and_avif_are_catalogued_with_their_size_and_previewed() {
    let t = TestApp::new().await;
    t.add("A/red_blue.heic", HEIC);
    t.add("A/red_blue.avif", AVIF);
    let report = t.scan().await;
    assert_eq!((report.photos, report.problems), (2, 0));
    let admin = t.admin().await;
    let albums = t.get("/api/v1/albums", Some(&admin)).await.json();
    let album = albums[0]["id"].as_i64().unwrap();
    let album = t
        .get(&format!("/api/v1/albums/{album}"), Some(&admin))
        .await
        .json();
    for photo in album["photos"].as_array().unwrap() {
        assert_eq!(
            (&photo["width"], &photo["height"]),
            (&64.into(), &48.into())
        );
    }
    for name in ["red_blue.heic", "red_blue.avif"] {
        let id = photo_id(&t, name).await;
        let reply = t
            .get(
                &format!("/media/photos/{id}/preview/standard"),
                Some(&admin),
            )
            .await;
        assert_eq!(reply.status, 200, "{name}");
        assert_eq!(reply.header("content-type"), Some("image/jpeg"), "{name}");
        let img = image::load_from_memory(&reply.body).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (64, 48), "{name}");
        // The fixtures were encoded from (220, 30, 30) and (30, 30, 220).
        let near = |[r, g, b]: [u8; 3], want: [u8; 3]| {
            r.abs_diff(want[0]) <= 20 && g.abs_diff(want[1]) <= 20 && b.abs_diff(want[2]) <= 20
        };
        assert!(near(img.get_pixel(16, 24).0, [220, 30, 30]), "{name}");
        assert!(near(img.get_pixel(48, 24).0, [30, 30, 220]), "{name}");
    }
    assert!(t.repo().problems().await.unwrap().is_empty());
}

#[cfg(not(feature = "heif"))]
#[tokio::test]
async fn without_the_feature_heic_is_a_problem_and_its_preview_a_placeholder() {
    use albumen_db::ProblemStage;

    const REASON: &str = "HEIC/AVIF support is not built in (cargo feature `heif`)";
    let t = TestApp::new().await;
    t.add("A/red_blue.avif", AVIF);
    // Catalogued while it was a JPEG, as a build with the feature would have done.
    let jpeg = t.add(
        "A/red_blue.heic",
        &crate::fixtures::jpeg(64, 48, &crate::fixtures::Exif::default()),
    );
    let report = t.scan().await;
    assert_eq!((report.photos, report.problems), (1, 1));
    let problems = t.repo().problems().await.unwrap();
    assert_eq!(
        (problems[0].path.as_str(), problems[0].stage),
        ("A/red_blue.avif", ProblemStage::Scan)
    );
    assert!(
        problems[0].reason.contains(REASON),
        "{}",
        problems[0].reason
    );

    std::fs::write(jpeg, HEIC).unwrap();
    let admin = t.admin().await;
    let id = photo_id(&t, "red_blue.heic").await;
    let reply = t
        .get(
            &format!("/media/photos/{id}/preview/standard"),
            Some(&admin),
        )
        .await;
    assert!(reply.is_placeholder(), "a placeholder");
    let problems = t.repo().problems().await.unwrap();
    let preview = problems
        .iter()
        .find(|p| p.stage == ProblemStage::Preview)
        .unwrap();
    assert_eq!(preview.path, "A/red_blue.heic");
    assert!(preview.reason.contains(REASON), "{}", preview.reason);
}
