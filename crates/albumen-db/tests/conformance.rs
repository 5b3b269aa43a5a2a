//! One behaviour, two databases: every test runs on SQLite, and on PostgreSQL when
//! `ALBUMEN_TEST_DATABASE_URL` names a server (each test gets a fresh database there).
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::sync::Arc;

use albumen_core::access::{Subject, VisibilityScope};
use albumen_core::model::{MediaKind, Permissions, PhotoMeta};
use albumen_core::{AlbumId, UserId};
use albumen_db::{
    AlbumUpsert, NewSession, NewUser, PhotoUpsert, Problem, ProblemStage, Repo, RepoError,
    ScanOutcome, ScanRecord,
};
use sqlx::{Connection, Executor};

async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(Arc<dyn Repo>) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = albumen_db::sqlite::url_for_path(&dir.path().join("catalog.db"));
    test(albumen_db::connect(&url, 4).await.unwrap()).await;

    let Ok(admin_url) = std::env::var("ALBUMEN_TEST_DATABASE_URL") else {
        eprintln!("note: PostgreSQL run skipped (ALBUMEN_TEST_DATABASE_URL is unset)");
        return;
    };
    let name = format!("albumen_t_{:016x}", rand_u64());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap();
    let base = admin_url.rsplit_once('/').unwrap().0;
    let repo = albumen_db::connect(&format!("{base}/{name}"), 4)
        .await
        .unwrap();
    test(repo).await;
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {name} WITH (FORCE)"
        )))
        .await
        .unwrap();
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

fn new_user(name: &str, permissions: Permissions) -> NewUser {
    NewUser {
        username: name.to_owned(),
        password_hash: format!("hash-of-{name}"),
        permissions,
        now: 1_700_000_000,
    }
}

fn album(path: &str, name: &str, name_date: Option<&str>) -> AlbumUpsert {
    AlbumUpsert {
        path: path.to_owned(),
        parent_path: None,
        category: String::new(),
        name: name.to_owned(),
        name_date: name_date.map(str::to_owned),
    }
}

fn photo(album_path: &str, filename: &str, taken_at: Option<&str>) -> PhotoUpsert {
    PhotoUpsert {
        id: None,
        album_path: album_path.to_owned(),
        path: format!("{album_path}/{filename}"),
        fs_path: None,
        filename: filename.to_owned(),
        kind: MediaKind::Image,
        size: 1000,
        mtime_ns: 5,
        fingerprint: format!("fp-{album_path}-{filename}"),
        taken_at: taken_at.map(str::to_owned),
        exif_taken_at: taken_at.map(str::to_owned),
        width: 600,
        height: 400,
        orientation: 6,
        meta: PhotoMeta {
            camera: Some("Canon EOS".to_owned()),
            ..PhotoMeta::default()
        },
    }
}

#[tokio::test]
async fn users_are_unique_and_found_by_name() {
    on_each_backend(|repo| async move {
        let alice = repo
            .create_user(&new_user("alice", Permissions::ADMIN))
            .await
            .unwrap();
        repo.create_user(&new_user("bob", Permissions::default()))
            .await
            .unwrap();
        assert_eq!(
            repo.create_user(&new_user("alice", Permissions::default()))
                .await
                .unwrap_err(),
            RepoError::Conflict("user")
        );
        let (found, hash) = repo.user_credentials("alice").await.unwrap().unwrap();
        assert_eq!(found, alice);
        assert!(found.permissions.admin);
        assert_eq!(hash, "hash-of-alice");
        assert!(repo.user_credentials("Alice").await.unwrap().is_none());
        assert_eq!(repo.user(alice.id).await.unwrap(), Some(alice));
        assert_eq!(repo.user(UserId::new(999)).await.unwrap(), None);
        let names: Vec<_> = repo
            .list_users()
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert_eq!(names, ["alice", "bob"]);
        assert_eq!(repo.count_users().await.unwrap(), 2);
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_can_be_deleted() {
    on_each_backend(|repo| async move {
        let user = repo
            .create_user(&new_user("carol", Permissions::default()))
            .await
            .unwrap();
        let session = NewSession {
            token_hash: "t1".to_owned(),
            user_id: user.id,
            csrf_token: "csrf".to_owned(),
            created_at: 100,
            expires_at: 200,
        };
        repo.create_session(&session).await.unwrap();
        let live = repo.session("t1", 150).await.unwrap().unwrap();
        assert_eq!(live.user, user);
        assert_eq!(live.csrf_token, "csrf");
        assert!(repo.session("t1", 200).await.unwrap().is_none(), "expired");
        assert!(repo.session("t2", 150).await.unwrap().is_none());
        assert_eq!(repo.delete_expired_sessions(150).await.unwrap(), 0);
        repo.delete_session("t1").await.unwrap();
        assert!(repo.session("t1", 150).await.unwrap().is_none());
        repo.create_session(&session).await.unwrap();
        assert_eq!(repo.delete_expired_sessions(250).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn catalog_lists_newest_first_in_album_order() {
    on_each_backend(|repo| async move {
        repo.upsert_albums(
            &[
                album("2013_01_19_Snow", "Snow", Some("2013-01-19")),
                album("Holidays", "Holidays", None),
                album("Undated", "Undated", None),
            ],
            10,
        )
        .await
        .unwrap();
        repo.upsert_photos(
            &[
                photo("2013_01_19_Snow", "b.jpg", Some("2013-01-19T10:00:00")),
                photo("2013_01_19_Snow", "a.jpg", Some("2013-01-19T10:00:00")),
                photo("2013_01_19_Snow", "B.jpg", Some("2013-01-19T10:00:00")),
                photo("2013_01_19_Snow", "undated.jpg", None),
                photo("2013_01_19_Snow", "early.jpg", Some("2013-01-19T08:00:00")),
                photo("Holidays", "x.jpg", Some("2015-07-02T12:00:00")),
                photo("Holidays", "y.jpg", Some("2015-07-01T12:00:00")),
                photo("Undated", "z.png", None),
            ],
            10,
        )
        .await
        .unwrap();
        repo.refresh_albums().await.unwrap();

        let all = VisibilityScope::Everything;
        let albums = repo.list_albums(&all).await.unwrap();
        let summary: Vec<_> = albums
            .iter()
            .map(|a| (a.name.as_str(), a.date.as_deref(), a.photo_count))
            .collect();
        assert_eq!(
            summary,
            [
                ("Holidays", Some("2015-07-01"), 2),
                ("Snow", Some("2013-01-19"), 5),
                ("Undated", None, 1),
            ]
        );

        let snow = albums[1].id;
        let names: Vec<_> = repo
            .album_photos(&all, snow)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.filename)
            .collect();
        // Date order, then byte order of the name, undated last: identical on both databases.
        assert_eq!(
            names,
            ["early.jpg", "B.jpg", "a.jpg", "b.jpg", "undated.jpg"]
        );
        let cover = albums[1].cover.unwrap();
        let cover_photo = repo.photo(cover).await.unwrap().unwrap();
        assert_eq!(cover_photo.filename, "early.jpg");
        assert_eq!(cover_photo.display_size(), (400, 600));
        assert_eq!(cover_photo.meta.camera.as_deref(), Some("Canon EOS"));

        let facts = repo.photo_facts(cover).await.unwrap().unwrap();
        assert_eq!(facts.album.id, snow);
        assert_eq!(repo.album(&all, snow).await.unwrap().unwrap(), albums[1]);
        assert!(repo.album(&all, AlbumId::new(999)).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn restricted_scopes_see_nothing_without_policies() {
    on_each_backend(|repo| async move {
        repo.upsert_albums(&[album("A", "A", None)], 1)
            .await
            .unwrap();
        repo.upsert_photos(&[photo("A", "1.jpg", None)], 1)
            .await
            .unwrap();
        repo.refresh_albums().await.unwrap();
        for subject in [
            Subject::anonymous(),
            Subject::user(UserId::new(1), [], Permissions::default()),
        ] {
            let scope = VisibilityScope::of(&subject);
            assert!(repo.list_albums(&scope).await.unwrap().is_empty());
            let id = repo
                .list_albums(&VisibilityScope::Everything)
                .await
                .unwrap()[0]
                .id;
            assert!(repo.album_photos(&scope, id).await.unwrap().is_empty());
            assert_eq!(
                repo.album(&scope, id).await.unwrap().unwrap().photo_count,
                0
            );
        }
    })
    .await;
}

#[tokio::test]
async fn vanished_files_are_soft_deleted_and_come_back_with_their_ids() {
    on_each_backend(|repo| async move {
        repo.upsert_albums(&[album("A", "A", None), album("B", "B", None)], 1)
            .await
            .unwrap();
        repo.upsert_photos(
            &[
                photo("A", "1.jpg", Some("2020-01-01T00:00:00")),
                photo("A", "2.jpg", Some("2021-01-01T00:00:00")),
                photo("B", "3.jpg", None),
            ],
            1,
        )
        .await
        .unwrap();
        repo.refresh_albums().await.unwrap();
        let files = repo.catalog_files().await.unwrap();
        assert_eq!(files.len(), 3);
        let id_of = |path: &str| files.iter().find(|f| f.path == path).unwrap().id;
        let (one, three) = (id_of("A/1.jpg"), id_of("B/3.jpg"));

        repo.mark_missing(&[one, three], 2).await.unwrap();
        repo.refresh_albums().await.unwrap();
        let all = VisibilityScope::Everything;
        let albums = repo.list_albums(&all).await.unwrap();
        assert_eq!(albums.len(), 1, "album B has no present photo left");
        assert_eq!(albums[0].date.as_deref(), Some("2021-01-01"));
        assert_eq!(albums[0].photo_count, 1);
        assert!(repo.photo(one).await.unwrap().is_none());
        assert!(repo.photo_facts(one).await.unwrap().is_none());
        let missing: Vec<_> = repo
            .catalog_files()
            .await
            .unwrap()
            .into_iter()
            .filter(|f| f.missing)
            .map(|f| f.id)
            .collect();
        assert_eq!(missing.len(), 2);

        repo.upsert_photos(&[photo("B", "3.jpg", None)], 3)
            .await
            .unwrap();
        repo.refresh_albums().await.unwrap();
        assert_eq!(repo.photo(three).await.unwrap().unwrap().id, three);
        assert_eq!(repo.list_albums(&all).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn problems_are_kept_per_path_and_stage() {
    on_each_backend(|repo| async move {
        let problem = |reason: &str, stage| Problem {
            path: "A/bad.jpg".to_owned(),
            stage,
            reason: reason.to_owned(),
            seen_at: 7,
        };
        repo.record_problem(&problem("truncated", ProblemStage::Scan))
            .await
            .unwrap();
        repo.record_problem(&problem("still truncated", ProblemStage::Scan))
            .await
            .unwrap();
        repo.record_problem(&problem("cannot decode", ProblemStage::Preview))
            .await
            .unwrap();
        let reasons: Vec<_> = repo
            .problems()
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.reason)
            .collect();
        assert_eq!(reasons, ["cannot decode", "still truncated"]);
        repo.clear_problem("A/bad.jpg", ProblemStage::Scan)
            .await
            .unwrap();
        assert_eq!(repo.problems().await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn leases_have_one_holder_until_they_expire() {
    on_each_backend(|repo| async move {
        assert!(repo.acquire_lease("scan", "one", 100, 160).await.unwrap());
        assert!(!repo.acquire_lease("scan", "two", 120, 180).await.unwrap());
        assert!(
            repo.acquire_lease("scan", "one", 130, 190).await.unwrap(),
            "renewal"
        );
        assert!(
            repo.acquire_lease("scan", "two", 190, 250).await.unwrap(),
            "expired"
        );
        repo.release_lease("scan", "one").await.unwrap();
        assert!(!repo.acquire_lease("scan", "one", 200, 260).await.unwrap());
        repo.release_lease("scan", "two").await.unwrap();
        assert!(repo.acquire_lease("scan", "one", 200, 260).await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn the_last_scan_report_is_kept() {
    on_each_backend(|repo| async move {
        assert!(repo.last_scan().await.unwrap().is_none());
        let mut scan = ScanRecord {
            started_at: 1,
            finished_at: 2,
            outcome: ScanOutcome::Completed,
            files: 10,
            albums: 2,
            photos: 9,
            added: 9,
            updated: 0,
            missing: 0,
            problems: 1,
            error: None,
            config_hash: Some("abc".to_owned()),
            listing_digest: Some("def".to_owned()),
        };
        repo.record_scan(&scan).await.unwrap();
        scan.outcome = ScanOutcome::Failed;
        scan.error = Some("library root is missing".to_owned());
        repo.record_scan(&scan).await.unwrap();
        assert_eq!(repo.last_scan().await.unwrap(), Some(scan));
    })
    .await;
}

#[tokio::test]
async fn moved_files_and_renamed_folders_keep_their_ids() {
    on_each_backend(|repo| async move {
        repo.upsert_albums(&[album("Old", "Old", None)], 1)
            .await
            .unwrap();
        repo.upsert_photos(
            &[photo("Old", "a.jpg", None), photo("Old", "b.jpg", None)],
            1,
        )
        .await
        .unwrap();
        let albums = repo.catalog_albums().await.unwrap();
        let files = repo.catalog_files().await.unwrap();
        let a = files
            .iter()
            .find(|f| f.path == "Old/a.jpg")
            .unwrap()
            .clone();

        // The folder is renamed: the album keeps its id, the photo is moved by id.
        repo.rename_album(albums[0].id, "New", 2).await.unwrap();
        let mut moved = photo("New", "a2.jpg", Some("2021-05-05T05:05:05"));
        moved.id = Some(a.id);
        moved.fs_path = Some(b"New/a2\xff.jpg".to_vec());
        repo.upsert_photos(&[moved], 2).await.unwrap();

        let after = repo.catalog_files().await.unwrap();
        let a2 = after.iter().find(|f| f.id == a.id).unwrap();
        assert_eq!(
            (a2.path.as_str(), a2.album_id),
            ("New/a2.jpg", albums[0].id)
        );
        assert_eq!(after.len(), 2, "moved, not copied");
        let stored = repo.photo(a.id).await.unwrap().unwrap();
        assert_eq!(stored.fs_path.as_deref(), Some(&b"New/a2\xff.jpg"[..]));
        assert_eq!(stored.taken_at.as_deref(), Some("2021-05-05T05:05:05"));
        assert_eq!(
            repo.catalog_albums().await.unwrap()[0].path,
            "New",
            "same album row"
        );
        // Renaming onto an existing album path is a conflict, not a merge.
        repo.upsert_albums(&[album("Other", "Other", None)], 3)
            .await
            .unwrap();
        assert_eq!(
            repo.rename_album(albums[0].id, "Other", 3)
                .await
                .unwrap_err(),
            RepoError::Conflict("album path")
        );
    })
    .await;
}

#[tokio::test]
async fn metadata_round_trips() {
    on_each_backend(|repo| async move {
        repo.upsert_albums(&[album("A", "A", None)], 1)
            .await
            .unwrap();
        let mut p = photo("A", "m.jpg", Some("2020-01-01T00:00:00"));
        p.meta = PhotoMeta {
            camera: Some("Canon EOS R5".to_owned()),
            lens: Some("RF24-105mm F4 L IS USM".to_owned()),
            exposure_time: Some("1/250".to_owned()),
            f_number: Some(4.0),
            iso: Some(400),
            focal_length: Some(50.0),
            gps: Some((48.8582, -2.2945)),
            duration_ms: None,
        };
        let meta = p.meta.clone();
        repo.upsert_photos(&[p], 1).await.unwrap();
        let id = repo.catalog_files().await.unwrap()[0].id;
        assert_eq!(repo.photo(id).await.unwrap().unwrap().meta, meta);
    })
    .await;
}

#[tokio::test]
async fn album_trees_missing_albums_and_purges() {
    on_each_backend(|repo| async move {
        let mut child = album("2013/01_19_Snow", "Snow", Some("2013-01-19"));
        child.parent_path = Some("2013".to_owned());
        repo.upsert_albums(&[album("2013", "2013", None), child], 1)
            .await
            .unwrap();
        repo.upsert_photos(&[photo("2013/01_19_Snow", "a.jpg", None)], 1)
            .await
            .unwrap();
        repo.refresh_albums().await.unwrap();
        let all = VisibilityScope::Everything;
        let listed = repo.list_albums(&all).await.unwrap();
        assert_eq!(listed.len(), 1, "only albums holding photos are listed");
        assert_eq!(listed[0].date.as_deref(), Some("2013-01-19"));

        let albums = repo.catalog_albums().await.unwrap();
        let ids: Vec<_> = albums.iter().map(|a| a.id).collect();
        let photo_id = repo.catalog_files().await.unwrap()[0].id;
        repo.mark_missing(&[photo_id], 10).await.unwrap();
        repo.mark_albums_missing(&ids, 10).await.unwrap();
        assert!(
            repo.catalog_albums()
                .await
                .unwrap()
                .iter()
                .all(|a| a.missing)
        );

        assert_eq!(
            repo.purge_missing(10).await.unwrap(),
            (0, 0),
            "grace not over"
        );
        assert_eq!(repo.purge_missing(11).await.unwrap(), (1, 2));
        assert!(repo.catalog_albums().await.unwrap().is_empty());
        assert!(repo.catalog_files().await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn capture_dates_can_be_re_derived() {
    on_each_backend(|repo| async move {
        repo.upsert_albums(&[album("A", "A", None)], 1)
            .await
            .unwrap();
        repo.upsert_photos(&[photo("A", "x.jpg", Some("2020-01-01T00:00:00"))], 1)
            .await
            .unwrap();
        let id = repo.catalog_files().await.unwrap()[0].id;
        repo.set_taken_at(&[(id, Some("1999-12-31T23:59:59".to_owned()))])
            .await
            .unwrap();
        repo.refresh_albums().await.unwrap();
        let file = &repo.catalog_files().await.unwrap()[0];
        assert_eq!(file.taken_at.as_deref(), Some("1999-12-31T23:59:59"));
        assert_eq!(file.exif_taken_at.as_deref(), Some("2020-01-01T00:00:00"));
        let albums = repo
            .list_albums(&VisibilityScope::Everything)
            .await
            .unwrap();
        assert_eq!(albums[0].date.as_deref(), Some("1999-12-31"));
    })
    .await;
}
