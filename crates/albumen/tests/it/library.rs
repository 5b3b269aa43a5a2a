//! The library rule: Albumen reads only files inside the library. A symbolic link below the
//! root is reported by the scan and never followed, so nothing outside is catalogued and the
//! scan never lists what storage would refuse to open.

use std::os::unix::fs::symlink;

use crate::common::TestApp;
use crate::fixtures::{Exif, jpeg};

const NOT_FOLLOWED: &str = "symbolic link, not followed";

/// Finding 6: a linked folder and a linked file pointing outside the library, whose JPEG
/// carries a date, a camera and a position. None of it may reach the catalog; each link is a
/// problem naming it.
#[tokio::test]
async fn symlinks_below_the_root_are_reported_and_not_followed() {
    let t = TestApp::new().await;
    let secret = jpeg(
        90,
        60,
        &Exif {
            taken: Some("2001:02:03 04:05:06"),
            camera: Some("Outside Camera"),
            gps: Some((48, 2)),
            ..Exif::default()
        },
    );
    // The fixture really carries what must not leak.
    let probe = albumen_media::probe(&secret).unwrap();
    assert_eq!(
        (probe.gps, probe.camera.as_deref()),
        (Some((48.0, 2.0)), Some("Outside Camera"))
    );
    let outside = t.dir.path().join("outside");
    std::fs::create_dir_all(outside.join("Trip")).unwrap();
    std::fs::write(outside.join("secret.jpg"), &secret).unwrap();
    std::fs::write(outside.join("Trip/far.jpg"), &secret).unwrap();
    t.add("A/inside.jpg", &jpeg(64, 48, &Exif::default()));
    symlink(outside.join("secret.jpg"), t.library().join("A/linked.jpg")).unwrap();
    symlink(outside.join("Trip"), t.library().join("Linked trip")).unwrap();

    let report = t.scan().await;
    assert_eq!((report.photos, report.problems), (1, 2), "{report:?}");
    let files = t.repo().catalog_files().await.unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["A/inside.jpg"]);
    for file in &files {
        let photo = t.repo().photo(file.id).await.unwrap().unwrap();
        assert_eq!((photo.meta.camera, photo.meta.gps), (None, None));
    }
    let albums = t.repo().catalog_albums().await.unwrap();
    assert!(
        albums.iter().all(|a| !a.path.contains("Linked")),
        "{albums:?}"
    );

    let mut problems = t.repo().problems().await.unwrap();
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    let named: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(named, ["A/linked.jpg", "Linked trip"]);
    for problem in &problems {
        assert!(problem.reason.contains(NOT_FOLLOWED), "{problem:?}");
    }
}

/// A folder linked to one of its ancestors is one more link not followed: no loop to detect,
/// no hang.
#[tokio::test]
async fn a_link_to_an_ancestor_is_a_problem_not_a_hang() {
    let t = TestApp::new().await;
    t.add("A/a.jpg", &jpeg(32, 32, &Exif::default()));
    symlink(t.library().join("A"), t.library().join("A/loop")).unwrap();
    let report = t.scan().await;
    assert_eq!(report.photos, 1);
    let problems = t.repo().problems().await.unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "A/loop");
    assert!(problems[0].reason.contains(NOT_FOLLOWED), "{problems:?}");
}
