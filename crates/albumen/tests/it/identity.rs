//! The scanner never loses what a person configured: moved, renamed and modified files and
//! folders keep their ids; an unmounted disk changes nothing; missing things wait out a grace
//! period.

use albumen::config::PatternConfig;
use albumen::scan::{ScanError, ScanJob};
use albumen_core::access::VisibilityScope;

use crate::common::TestApp;
use crate::fixtures::{Exif, jpeg};

fn picture(seed: u32) -> Vec<u8> {
    jpeg(24 + seed, 16, &Exif::default())
}

async fn id_of(t: &TestApp, path: &str) -> i64 {
    let files = t.repo().catalog_files().await.unwrap();
    files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} catalogued"))
        .id
        .get()
}

#[tokio::test]
async fn a_renamed_or_moved_file_keeps_its_id() {
    let t = TestApp::new().await;
    t.add("A/1.jpg", &picture(1));
    t.add("A/2.jpg", &picture(2));
    t.add("B/3.jpg", &picture(3));
    t.scan().await;
    let one = id_of(&t, "A/1.jpg").await;
    let two = id_of(&t, "A/2.jpg").await;

    std::fs::rename(
        t.library().join("A/1.jpg"),
        t.library().join("A/renamed.jpg"),
    )
    .unwrap();
    std::fs::rename(t.library().join("A/2.jpg"), t.library().join("B/2.jpg")).unwrap();
    let report = t.scan().await;
    assert_eq!((report.moved, report.added, report.missing), (2, 0, 0));
    assert_eq!(id_of(&t, "A/renamed.jpg").await, one);
    assert_eq!(id_of(&t, "B/2.jpg").await, two);
    assert_eq!(
        t.repo().catalog_files().await.unwrap().len(),
        3,
        "nothing duplicated"
    );
}

#[tokio::test]
async fn a_renamed_folder_keeps_its_album_id() {
    let t = TestApp::new().await;
    for i in 0..3 {
        t.add(&format!("2013_01_19_Snow/{i}.jpg"), &picture(i));
    }
    t.scan().await;
    let before = t.repo().catalog_albums().await.unwrap();
    std::fs::rename(
        t.library().join("2013_01_19_Snow"),
        t.library().join("2013_01_19_Snow in Paris"),
    )
    .unwrap();
    let report = t.scan().await;
    assert_eq!((report.moved, report.missing), (3, 0));
    let after = t.repo().catalog_albums().await.unwrap();
    assert_eq!(after.len(), 1, "renamed, not recreated");
    assert_eq!(after[0].id, before[0].id);
    let listed = t
        .repo()
        .list_albums(&VisibilityScope::Everything)
        .await
        .unwrap();
    assert_eq!(listed[0].name, "Snow in Paris");
    assert_eq!(listed[0].photo_count, 3);
}

#[tokio::test]
async fn a_file_modified_in_place_keeps_its_id_and_gets_new_previews() {
    let t = TestApp::new().await;
    let path = t.add("A/p.jpg", &jpeg(300, 200, &Exif::default()));
    t.scan().await;
    let id = id_of(&t, "A/p.jpg").await;
    let admin = t.admin().await;
    let url = format!("/media/photos/{id}/preview/standard");
    let first = t.get(&url, Some(&admin)).await;
    assert_eq!(crate::common::image_size(&first.body), (300, 200));

    std::fs::write(&path, jpeg(200, 300, &Exif::default())).unwrap();
    let report = t.scan().await;
    assert_eq!((report.updated, report.added), (1, 0));
    assert_eq!(id_of(&t, "A/p.jpg").await, id);
    let second = t.get(&url, Some(&admin)).await;
    assert_ne!(second.header("etag"), first.header("etag"));
    assert_eq!(
        crate::common::image_size(&second.body),
        (200, 300),
        "not the stale preview"
    );
}

#[tokio::test]
async fn an_unmounted_disk_or_a_mass_deletion_changes_nothing() {
    let t = TestApp::new().await;
    for i in 0..10 {
        t.add(&format!("A/{i}.jpg"), &picture(i));
    }
    t.scan().await;
    for i in 0..6 {
        std::fs::remove_file(t.library().join(format!("A/{i}.jpg"))).unwrap();
    }
    let err = t.try_scan().await.unwrap_err();
    assert!(
        matches!(
            err,
            ScanError::TooManyVanished {
                vanished: 6,
                known: 10,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        t.repo()
            .catalog_files()
            .await
            .unwrap()
            .iter()
            .all(|f| !f.missing)
    );

    let mut job = ScanJob::new(&t.library(), &t.state.config.scan);
    job.accept_vanished = true;
    let report = t.scan_job(&job).await.unwrap();
    assert_eq!(report.missing, 6);
}

#[tokio::test]
async fn missing_photos_are_purged_after_the_grace_period() {
    let t = TestApp::with_config(|c| c.scan.missing_grace_days = 0).await;
    t.add("A/1.jpg", &picture(1));
    t.add("A/2.jpg", &picture(2));
    t.add("A/3.jpg", &picture(3));
    t.scan().await;
    std::fs::remove_file(t.library().join("A/3.jpg")).unwrap();
    assert_eq!(t.scan().await.missing, 1);
    assert_eq!(
        t.repo().catalog_files().await.unwrap().len(),
        3,
        "kept while missing"
    );
    // Next second: the zero-day grace period is over.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(t.scan().await.purged, 1);
    assert_eq!(t.repo().catalog_files().await.unwrap().len(), 2);
}

#[tokio::test]
async fn nested_folders_form_an_album_tree() {
    let t = TestApp::new().await;
    t.add("2013/01_19_Snow in Paris/a.jpg", &picture(1));
    t.add("2013/02_14_Valentine/b.jpg", &picture(2));
    t.scan().await;
    let albums = t.repo().catalog_albums().await.unwrap();
    let paths: Vec<_> = albums.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert!(paths.contains(&"2013"));
    let listed = t
        .repo()
        .list_albums(&VisibilityScope::Everything)
        .await
        .unwrap();
    let names: Vec<_> = listed
        .iter()
        .map(|a| (a.name.as_str(), a.date.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("Valentine", Some("2013-02-14")),
            ("Snow in Paris", Some("2013-01-19"))
        ]
    );
}

#[tokio::test]
async fn changed_patterns_re_derive_names_and_dates() {
    let t = TestApp::new().await;
    t.add(
        "trips/Rome/IMG_20190501_120000.jpg",
        &jpeg(16, 16, &Exif::taken("2019:05:01 12:00:00")),
    );
    t.add("misc.jpg", &picture(1));
    t.scan().await;
    assert_eq!(
        t.repo()
            .list_albums(&VisibilityScope::Everything)
            .await
            .unwrap()
            .len(),
        2
    );

    let t = TestApp::with_config(|c| {
        c.library.path = t.library();
        c.data.dir = t.dir.path().join("data");
        c.scan.patterns = vec![PatternConfig {
            category: "trips".to_owned(),
            regex: r"trips/(?P<a_name>[^/]+)/IMG_(?P<p_year>\d{4})(?P<p_month>\d{2})(?P<p_day>\d{2})_\d{6}\.jpg".to_owned(),
        }];
    })
    .await;
    let report = t.scan().await;
    assert_eq!(report.problems, 1, "misc.jpg matches no pattern");
    let problems = t.repo().problems().await.unwrap();
    assert_eq!(problems[0].path, "misc.jpg");
    assert!(problems[0].reason.contains("no album pattern"));
    let listed = t
        .repo()
        .list_albums(&VisibilityScope::Everything)
        .await
        .unwrap();
    assert_eq!(
        (listed[0].name.as_str(), listed[0].category.as_str()),
        ("Rome", "trips")
    );
    let photo = t
        .repo()
        .album_photos(&VisibilityScope::Everything, listed[0].id)
        .await
        .unwrap();
    assert_eq!(
        photo[0].taken_at.as_deref(),
        Some("2019-05-01T00:00:00"),
        "the path's date wins"
    );
}

#[tokio::test]
async fn decomposed_and_non_utf8_names_are_catalogued_and_served() {
    let t = TestApp::new().await;
    let nfd = "Cafe\u{301}/e\u{301}te\u{301}.jpg"; // as macOS writes "Café/été.jpg"
    let bytes = picture(5);
    t.add(nfd, &bytes);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let raw = std::ffi::OsStr::from_bytes(b"Latin1/caf\xe9.jpg");
        std::fs::create_dir_all(t.library().join("Latin1")).unwrap();
        std::fs::write(t.library().join(raw), &bytes).unwrap();
    }
    let report = t.scan().await;
    assert_eq!(report.problems, 0);
    let admin = t.admin().await;
    let composed = id_of(&t, "Café/été.jpg").await;
    let reply = t
        .get(&format!("/media/photos/{composed}/original"), Some(&admin))
        .await;
    assert_eq!(reply.body, bytes);
    #[cfg(unix)]
    {
        let latin = id_of(&t, "Latin1/caf\u{fffd}.jpg").await;
        let reply = t
            .get(&format!("/media/photos/{latin}/original"), Some(&admin))
            .await;
        assert_eq!(reply.body, bytes);
    }
    // A rescan sees the same files, not new ones.
    let report = t.scan().await;
    assert_eq!((report.added, report.unchanged), (0, report.files));
}

#[tokio::test]
async fn videos_are_catalogued() {
    let t = TestApp::new().await;
    let clip = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom not really a movie";
    t.add("Trip/clip.MP4", clip);
    t.add("Trip/a.jpg", &picture(1));
    let report = t.scan().await;
    assert_eq!((report.photos, report.problems), (2, 0));
    let id = id_of(&t, "Trip/clip.MP4").await;
    let photo = t
        .repo()
        .photo(albumen_core::PhotoId::new(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(photo.kind, albumen_core::model::MediaKind::Video);
    assert_eq!(photo.size, clip.len() as i64);
    let admin = t.admin().await;
    let original = t
        .get(&format!("/media/photos/{id}/original"), Some(&admin))
        .await;
    assert_eq!(original.header("content-type"), Some("video/mp4"));
    assert_eq!(original.body, clip);
    // Not a movie ffmpeg can read: the generic poster, and the problem on record.
    let poster = t
        .get(&format!("/media/photos/{id}/preview/thumb"), Some(&admin))
        .await;
    assert_eq!(poster.status, 200);
    assert_eq!(poster.header("cache-control"), Some("no-store"));
    let problems = t.repo().problems().await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].reason.contains("ffmpeg"), "{problems:?}");
}
