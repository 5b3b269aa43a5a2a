//! Albums, photos, scans and what the scan keeps (`Catalog`, its `Reader`).

use albumen_core::access::{AlbumPolicy, Policy, ShareGrant, Subject, VisibilityScope};
use albumen_core::model::{Permissions, PhotoMeta};
use albumen_core::{AlbumId, GroupId, UserId};
use albumen_db::{AlbumUpsert, Problem, ProblemStage, RepoError, ScanOutcome, ScanRecord};

use crate::{album, on_each_backend, photo, public, small_catalog};

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
        // List entries are the same photos, in the same order, with the same fields.
        let photos = repo.album_photos(&all, snow).await.unwrap();
        let entries = repo
            .reader()
            .await
            .unwrap()
            .album_entries(&all, snow)
            .await
            .unwrap();
        assert_eq!(entries.len(), photos.len());
        for (entry, photo) in entries.iter().zip(&photos) {
            assert_eq!(
                (
                    entry.id,
                    &entry.filename,
                    entry.kind,
                    &entry.fingerprint,
                    &entry.taken_at
                ),
                (
                    photo.id,
                    &photo.filename,
                    photo.kind,
                    &photo.fingerprint,
                    &photo.taken_at
                )
            );
            assert_eq!(entry.display_size(), photo.display_size());
        }
        let cover = albums[1].cover.unwrap();
        let cover_photo = repo.photo(cover).await.unwrap().unwrap();
        assert_eq!(cover_photo.filename, "early.jpg");
        assert_eq!(cover_photo.display_size(), (400, 600));
        assert_eq!(cover_photo.meta.camera.as_deref(), Some("Canon EOS"));

        let facts = repo.photo_facts(cover).await.unwrap().unwrap();
        assert_eq!(facts.album.id, snow);
        assert_eq!(
            repo.reader()
                .await
                .unwrap()
                .album(&all, snow)
                .await
                .unwrap()
                .unwrap(),
            albums[1]
        );
        assert!(
            repo.reader()
                .await
                .unwrap()
                .album(&all, AlbumId::new(999))
                .await
                .unwrap()
                .is_none()
        );
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
        let media = repo.media(a.id).await.unwrap().unwrap();
        assert_eq!(media.fs_path(), Some(&b"New/a2\xff.jpg"[..]));
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

#[tokio::test]
async fn sub_albums_and_parents_follow_the_tree() {
    on_each_backend(|repo| async move {
        let child = |path: &str, name: &str, date: &str| AlbumUpsert {
            parent_path: Some("2013".to_owned()),
            ..album(path, name, Some(date))
        };
        repo.upsert_albums(
            &[
                album("2013", "2013", None),
                child("2013/01_19_Snow", "Snow", "2013-01-19"),
                child("2013/02_14_Val", "Val", "2013-02-14"),
                child("2013/03_01_Empty", "Empty", "2013-03-01"),
            ],
            10,
        )
        .await
        .unwrap();
        repo.upsert_photos(
            &[
                photo("2013/01_19_Snow", "a.jpg", Some("2013-01-19T10:00:00")),
                photo("2013/01_19_Snow", "b.jpg", Some("2013-01-19T11:00:00")),
                photo("2013/02_14_Val", "c.jpg", Some("2013-02-14T10:00:00")),
            ],
            10,
        )
        .await
        .unwrap();
        repo.refresh_albums().await.unwrap();

        let ids: std::collections::HashMap<String, AlbumId> = repo
            .catalog_albums()
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.path, a.id))
            .collect();
        let year = ids["2013"];
        let snow = ids["2013/01_19_Snow"];

        let all = VisibilityScope::Everything;
        let subs = repo
            .reader()
            .await
            .unwrap()
            .sub_albums(&all, year)
            .await
            .unwrap();
        let summary: Vec<_> = subs
            .iter()
            .map(|a| (a.name.as_str(), a.photo_count, a.cover.is_some()))
            .collect();
        assert_eq!(summary, [("Val", 1, true), ("Snow", 2, true)]);
        assert!(
            repo.reader()
                .await
                .unwrap()
                .sub_albums(&all, snow)
                .await
                .unwrap()
                .is_empty()
        );

        assert_eq!(
            repo.reader()
                .await
                .unwrap()
                .album_parents(&all, snow)
                .await
                .unwrap(),
            [(year, "2013".to_owned())]
        );
        assert!(
            repo.reader()
                .await
                .unwrap()
                .album_parents(&all, year)
                .await
                .unwrap()
                .is_empty()
        );

        for subject in [
            Subject::anonymous(),
            Subject::user(UserId::new(1), [GroupId::new(1)], Permissions::default()),
        ] {
            let scope = VisibilityScope::of(&subject);
            assert!(
                repo.reader()
                    .await
                    .unwrap()
                    .sub_albums(&scope, year)
                    .await
                    .unwrap()
                    .is_empty()
            );
        }
    })
    .await;
}

#[tokio::test]
async fn unlisted_albums_leave_lists_and_open_only_by_name_or_link() {
    on_each_backend(|repo| async move {
        let (albums, _, users, _) = small_catalog(repo.as_ref()).await;
        repo.set_album_policies(
            &albums,
            &AlbumPolicy {
                policy: public(),
                inherit: true,
            },
            2,
        )
        .await
        .unwrap();
        repo.set_albums_unlisted(&albums[..1], true).await.unwrap();
        let anonymous = VisibilityScope::of(&Subject::anonymous());
        let listed: Vec<_> = repo
            .list_albums(&anonymous)
            .await
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(listed, [albums[1]]);
        // Its public flag lets nobody in: counting ids finds nothing.
        let unlisted = albums[0];
        let count = |scope: VisibilityScope| {
            let repo = repo.clone();
            async move {
                let mut read = repo.reader().await.unwrap();
                let album = read.album(&scope, unlisted).await.unwrap().unwrap();
                let (_, facts) = read
                    .album_with_facts(&scope, unlisted)
                    .await
                    .unwrap()
                    .unwrap();
                assert!(album.unlisted && facts.unlisted);
                album.photo_count
            }
        };
        assert_eq!(count(anonymous.clone()).await, 0);
        // A link to it, or a policy naming the user, opens it (still unlisted).
        let holder = Subject::anonymous().with_share(ShareGrant::new(
            None,
            [albums[0]].into(),
            std::collections::BTreeSet::new(),
            false,
            false,
        ));
        assert_eq!(count(VisibilityScope::of(&holder)).await, 2);
        assert!(
            repo.list_albums(&VisibilityScope::of(&holder))
                .await
                .unwrap()
                .iter()
                .all(|a| a.id != albums[0])
        );
        let ann = users[0];
        let named = Policy {
            public: true,
            users: [ann].into(),
            ..Policy::default()
        };
        repo.set_album_policy(
            albums[0],
            &AlbumPolicy {
                policy: named,
                inherit: true,
            },
            3,
        )
        .await
        .unwrap();
        let ann_scope = VisibilityScope::of(&Subject::user(ann, [], Permissions::default()));
        assert_eq!(count(ann_scope).await, 2);
        let other = VisibilityScope::of(&Subject::user(users[1], [], Permissions::default()));
        assert_eq!(count(other).await, 0);
        let all = repo
            .list_albums(&VisibilityScope::Everything)
            .await
            .unwrap();
        assert_eq!(
            all.len(),
            2,
            "those who see everything see unlisted albums too"
        );
        assert_eq!(
            repo.set_albums_unlisted(&[albums[1], AlbumId::new(999)], true)
                .await
                .unwrap_err(),
            RepoError::NotFound("album")
        );
        let still: Vec<_> = repo.list_albums(&anonymous).await.unwrap();
        assert_eq!(still.len(), 1, "a failed bulk change changes nothing");
        repo.set_albums_unlisted(&albums[..1], false).await.unwrap();
        assert_eq!(repo.list_albums(&anonymous).await.unwrap().len(), 2);
    })
    .await;
}
