use std::time::{Duration, SystemTime};

use albumen::scan::ScanError;
use albumen_db::ProblemStage;

use crate::common::TestApp;
use crate::fixtures::{Exif, jpeg, png};

fn titles(albums: &serde_json::Value) -> Vec<(String, Option<String>, i64)> {
    albums
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_owned(),
                a["date"].as_str().map(str::to_owned),
                a["photo_count"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn folders_become_albums_with_dates_from_names_exif_and_mtime() {
    let t = TestApp::new().await;
    t.add(
        "2013_01_19_Snow in Paris/2013-01-19_19-12-43.jpg",
        &jpeg(64, 48, &Exif::default()),
    );
    t.add(
        "2013_01_19_Snow in Paris/b.jpg",
        &jpeg(
            80,
            40,
            &Exif {
                orientation: Some(6),
                taken: Some("2013:01:19 21:00:05"),
                ..Exif::default()
            },
        ),
    );
    t.add(
        "Holidays/x.jpg",
        &jpeg(32, 32, &Exif::taken("2015:07:01 10:00:00")),
    );
    let undated = t.add("Holidays/y.png", &png(20, 10));
    let mtime = SystemTime::UNIX_EPOCH + Duration::from_secs(1_500_000_000);
    crate::common::set_modified(&undated, mtime);
    // Not media: ignored.
    t.add("Holidays/notes.txt", b"hello");
    t.add(".hidden/z.jpg", &jpeg(8, 8, &Exif::default()));

    let report = t.scan().await;
    assert_eq!(
        (report.albums, report.photos, report.added, report.problems),
        (2, 4, 4, 0)
    );

    let admin = t.admin().await;
    let albums = t.get("/api/v1/albums", Some(&admin)).await.json();
    assert_eq!(
        titles(&albums),
        [
            ("Holidays".to_owned(), Some("2015-07-01".to_owned()), 2),
            ("Snow in Paris".to_owned(), Some("2013-01-19".to_owned()), 2),
        ]
    );

    let snow = albums[1]["id"].as_i64().unwrap();
    let detail = t
        .get(&format!("/api/v1/albums/{snow}"), Some(&admin))
        .await
        .json();
    let photos = detail["photos"].as_array().unwrap();
    assert_eq!(photos[0]["filename"], "2013-01-19_19-12-43.jpg");
    assert_eq!(
        photos[0]["date"], "2013-01-19T19:12:43",
        "date from the file name"
    );
    assert_eq!(
        (photos[0]["width"].as_i64(), photos[0]["height"].as_i64()),
        (Some(64), Some(48))
    );
    assert_eq!(photos[1]["date"], "2013-01-19T21:00:05", "date from EXIF");
    assert_eq!(
        (photos[1]["width"].as_i64(), photos[1]["height"].as_i64()),
        (Some(40), Some(80)),
        "orientation 6 turns 80x40 upright"
    );

    let holidays = albums[0]["id"].as_i64().unwrap();
    let detail = t
        .get(&format!("/api/v1/albums/{holidays}"), Some(&admin))
        .await
        .json();
    let png_date = detail["photos"][1]["date"].as_str().unwrap();
    let expected = chrono::DateTime::from_timestamp(1_500_000_000, 0)
        .unwrap()
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    assert_eq!(png_date, expected, "date from the modification time");
}

#[tokio::test]
async fn rescans_add_new_files_and_mark_vanished_ones_missing() {
    let t = TestApp::new().await;
    t.add(
        "A/1.jpg",
        &jpeg(16, 16, &Exif::taken("2020:01:01 00:00:00")),
    );
    let gone = t.add(
        "A/2.jpg",
        &jpeg(16, 16, &Exif::taken("2020:01:02 00:00:00")),
    );
    t.add("B/3.jpg", &jpeg(16, 16, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let albums = t.get("/api/v1/albums", Some(&admin)).await.json();
    let a = albums
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "A")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let detail = t
        .get(&format!("/api/v1/albums/{a}"), Some(&admin))
        .await
        .json();
    let gone_id = detail["photos"][1]["id"].as_i64().unwrap();

    std::fs::remove_file(gone).unwrap();
    t.add(
        "A/4.jpg",
        &jpeg(16, 16, &Exif::taken("2020:01:03 00:00:00")),
    );
    let report = t.scan().await;
    assert_eq!((report.added, report.missing, report.unchanged), (1, 1, 2));

    let detail = t
        .get(&format!("/api/v1/albums/{a}"), Some(&admin))
        .await
        .json();
    let names: Vec<_> = detail["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["filename"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["1.jpg", "4.jpg"]);
    assert_eq!(
        t.get(&format!("/media/photos/{gone_id}/original"), Some(&admin))
            .await
            .status,
        404
    );
    assert_eq!(
        t.get(&format!("/photos/{gone_id}"), Some(&admin))
            .await
            .status,
        404
    );

    // Nothing changed: nothing is read again.
    let report = t.scan().await;
    assert_eq!(
        (
            report.added,
            report.updated,
            report.missing,
            report.unchanged
        ),
        (0, 0, 0, 3)
    );
}

#[tokio::test]
async fn a_file_that_comes_back_keeps_its_id() {
    let t = TestApp::new().await;
    let bytes = jpeg(16, 16, &Exif::default());
    let path = t.add("A/1.jpg", &bytes);
    t.add("A/2.jpg", &bytes);
    t.scan().await;
    let before = t.repo().catalog_files().await.unwrap();
    std::fs::remove_file(&path).unwrap();
    t.scan().await;
    t.add("A/1.jpg", &bytes);
    t.scan().await;
    let after = t.repo().catalog_files().await.unwrap();
    let id =
        |files: &[albumen_db::CatalogFile]| files.iter().find(|f| f.path == "A/1.jpg").unwrap().id;
    assert_eq!(id(&before), id(&after));
    assert!(after.iter().all(|f| !f.missing));
}

#[tokio::test]
async fn unreadable_files_are_recorded_and_the_scan_goes_on() {
    let t = TestApp::new().await;
    t.add("A/good.jpg", &jpeg(16, 16, &Exif::default()));
    t.add("A/empty.jpg", b"");
    t.add("A/garbage.jpg", b"this is not an image at all");
    t.add("A/cut.png", &png(40, 40)[..20]);
    let report = t.scan().await;
    assert_eq!((report.photos, report.problems), (1, 3));
    let problems = t.repo().problems().await.unwrap();
    let by_path: Vec<_> = problems
        .iter()
        .map(|p| (p.path.as_str(), p.stage))
        .collect();
    assert_eq!(
        by_path,
        [
            ("A/cut.png", ProblemStage::Scan),
            ("A/empty.jpg", ProblemStage::Scan),
            ("A/garbage.jpg", ProblemStage::Scan)
        ]
    );
    assert!(
        problems[1].reason.contains("empty"),
        "{}",
        problems[1].reason
    );
    assert!(problems.iter().all(|p| !p.reason.is_empty()));

    // Repaired files are picked up and their problem is forgotten.
    t.add("A/empty.jpg", &jpeg(16, 16, &Exif::default()));
    let report = t.scan().await;
    assert_eq!(report.photos, 2);
    assert_eq!(t.repo().problems().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_missing_or_emptied_library_changes_nothing() {
    let t = TestApp::new().await;
    t.add("A/1.jpg", &jpeg(16, 16, &Exif::default()));
    t.scan().await;

    let moved = t.dir.path().join("elsewhere");
    std::fs::rename(t.library(), &moved).unwrap();
    assert!(matches!(
        t.try_scan().await,
        Err(ScanError::LibraryUnavailable { .. })
    ));

    std::fs::create_dir(t.library()).unwrap();
    assert!(matches!(
        t.try_scan().await,
        Err(ScanError::LibraryEmpty { known: 1, .. })
    ));

    let files = t.repo().catalog_files().await.unwrap();
    assert_eq!(files.len(), 1);
    assert!(!files[0].missing, "the photo was not marked missing");
    let last = t.repo().last_scan().await.unwrap().unwrap();
    assert!(last.error.unwrap().contains("is the disk mounted"));
}

#[tokio::test]
async fn only_one_scan_runs_at_a_time() {
    let t = TestApp::new().await;
    t.add("A/1.jpg", &jpeg(16, 16, &Exif::default()));
    // Another instance holds the lease.
    assert!(
        t.repo()
            .acquire_lease("scan", "other-instance", 0, i64::MAX)
            .await
            .unwrap()
    );
    assert!(matches!(t.try_scan().await, Err(ScanError::AlreadyRunning)));
    t.repo()
        .release_lease("scan", "other-instance")
        .await
        .unwrap();
    assert_eq!(t.scan().await.photos, 1);
}

#[tokio::test]
async fn odd_file_names_are_catalogued_and_served() {
    let t = TestApp::new().await;
    let names = [
        "Ünïcödé/日本語 ファイル.jpg",
        "Ünïcödé/100% #1 & <tag> 'quote'.jpg",
        "Ünïcödé/emoji 📷.JPG",
    ];
    for name in names {
        t.add(name, &jpeg(16, 16, &Exif::default()));
    }
    assert_eq!(t.scan().await.photos, 3);
    let admin = t.admin().await;
    let albums = t.get("/api/v1/albums", Some(&admin)).await.json();
    let id = albums[0]["id"].as_i64().unwrap();
    let detail = t
        .get(&format!("/api/v1/albums/{id}"), Some(&admin))
        .await
        .json();
    for photo in detail["photos"].as_array().unwrap() {
        let id = photo["id"].as_i64().unwrap();
        let original = t
            .get(&format!("/media/photos/{id}/original"), Some(&admin))
            .await;
        assert_eq!(original.status, 200, "{}", photo["filename"]);
        assert_eq!(original.body, jpeg(16, 16, &Exif::default()));
    }
}

#[tokio::test]
async fn admins_and_scanners_start_scans_through_the_api_and_watch_them() {
    use albumen_core::model::Permissions;
    use axum::http::Method;
    let t = TestApp::new().await;
    t.add("A/1.jpg", &jpeg(16, 16, &Exif::default()));
    t.create_user("plain", Permissions::default()).await;
    t.create_user(
        "scanner",
        Permissions {
            can_scan: true,
            ..Permissions::default()
        },
    )
    .await;
    let plain = t.login("plain").await;
    let scanner = t.login("scanner").await;

    assert_eq!(
        t.call(Method::POST, "/api/v1/scan", None, None)
            .await
            .status,
        401
    );
    assert_eq!(
        t.call(Method::POST, "/api/v1/scan", Some(&plain), None)
            .await
            .status,
        403
    );
    assert_eq!(t.get("/api/v1/scan", Some(&plain)).await.status, 403);
    let started = t
        .call(Method::POST, "/api/v1/scan", Some(&scanner), None)
        .await;
    assert_eq!(started.status, 202);

    let mut status = serde_json::Value::Null;
    for _ in 0..200 {
        status = t.get("/api/v1/scan", Some(&scanner)).await.json();
        if status["running"] == false && !status["last_report"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status["last_report"]["photos"], 1, "{status}");
    assert_eq!(status["last_error"], serde_json::Value::Null);
}
