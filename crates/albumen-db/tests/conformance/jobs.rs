//! The preview job queue and leases (`Jobs`).

use albumen_core::access::AlbumPolicy;
use albumen_db::{Catalog, PhotoUpsert};

use crate::{album, on_each_backend, photo, public};

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

/// Photo ids by file name.
async fn photo_ids_by_name(repo: &dyn Catalog) -> std::collections::BTreeMap<String, i64> {
    repo.catalog_files()
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.path.rsplit('/').next().unwrap().to_owned(), f.id.get()))
        .collect()
}

fn targets(jobs: &[albumen_db::Job]) -> std::collections::BTreeSet<i64> {
    jobs.iter().map(|j| j.target).collect()
}

#[tokio::test]
async fn jobs_are_leased_retried_failed_and_queued_again() {
    on_each_backend(|repo| async move {
        let repo = repo.as_ref();
        const KIND: &str = albumen_db::PREVIEW_JOBS;
        let counts = |now| async move { repo.job_counts(KIND, now).await.unwrap() };
        repo.upsert_albums(&[album("Pub", "Pub", None), album("Priv", "Priv", None)], 1)
            .await
            .unwrap();
        repo.upsert_photos(
            &[
                photo("Pub", "old.jpg", Some("2010-01-01T00:00:00")),
                photo("Priv", "new.jpg", Some("2021-01-01T00:00:00")),
                photo("Priv", "mid.jpg", Some("2015-01-01T00:00:00")),
            ],
            10,
        )
        .await
        .unwrap();
        let albums = repo.catalog_albums().await.unwrap();
        let public_album = albums.iter().find(|a| a.path == "Pub").unwrap().id;
        let policy = AlbumPolicy {
            policy: public(),
            inherit: true,
        };
        repo.set_album_policy(public_album, &policy, 1)
            .await
            .unwrap();
        let ids = photo_ids_by_name(repo).await;
        let (old, new, mid) = (ids["old.jpg"], ids["new.jpg"], ids["mid.jpg"]);

        // Only photos updated since the given time are queued.
        assert_eq!(repo.queue_preview_jobs(11, 100).await.unwrap(), 0);
        assert_eq!(repo.queue_preview_jobs(10, 100).await.unwrap(), 3);
        assert_eq!(counts(100).await.queued, 3);
        // The public album first, then the newest photo; a second worker gets the rest.
        let a = repo.claim_jobs(KIND, "a", 100, 130, 2).await.unwrap();
        assert_eq!(targets(&a), [old, new].into());
        assert!(a.iter().all(|j| j.attempts == 1));
        let b = repo.claim_jobs(KIND, "b", 100, 130, 5).await.unwrap();
        assert_eq!(targets(&b), [mid].into());
        assert!(
            repo.claim_jobs(KIND, "c", 100, 130, 5)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            repo.claim_jobs("other", "c", 100, 130, 5)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            counts(100).await,
            albumen_db::JobCounts {
                queued: 0,
                running: 3,
                failed: 0
            }
        );

        let job = |target| a.iter().chain(&b).find(|j| j.target == target).unwrap();
        repo.finish_job(job(old)).await.unwrap();
        // A retry waits for its time.
        repo.retry_job(job(new), "busy", 200).await.unwrap();
        // (At 120 the other lease, until 130, still holds.)
        assert!(
            repo.claim_jobs(KIND, "c", 120, 150, 1)
                .await
                .unwrap()
                .is_empty()
        );
        let again = repo.claim_jobs(KIND, "c", 200, 230, 1).await.unwrap();
        assert_eq!(targets(&again), [new].into());
        assert_eq!(again[0].attempts, 2);
        // A lease that runs out (a crashed worker) hands the job to someone else.
        let taken_over = repo.claim_jobs(KIND, "d", 131, 160, 5).await.unwrap();
        assert_eq!(targets(&taken_over), [mid].into());
        assert_eq!(taken_over[0].attempts, 2);

        // Queued again while running: finishing the older generation keeps the new one.
        assert_eq!(repo.queue_preview_jobs(0, 300).await.unwrap(), 3);
        repo.finish_job(&taken_over[0]).await.unwrap();
        repo.fail_job(&again[0], "cannot decode", 300)
            .await
            .unwrap();
        assert_eq!(
            counts(300).await.queued,
            3,
            "stale finish or fail changed nothing"
        );
        let fresh = repo.claim_jobs(KIND, "e", 300, 330, 5).await.unwrap();
        assert_eq!(targets(&fresh), [old, new, mid].into());
        assert!(fresh.iter().all(|j| j.attempts == 1));

        // Failed jobs stay, with their error, and are never claimed.
        for job in &fresh {
            repo.fail_job(job, "poisoned", 301).await.unwrap();
        }
        assert_eq!(counts(301).await.failed, 3);
        assert!(
            repo.claim_jobs(KIND, "f", 1000, 1030, 5)
                .await
                .unwrap()
                .is_empty()
        );
        // Queueing again (the photo changed, or a forced run) gives them another chance.
        assert_eq!(repo.queue_preview_jobs(0, 1000).await.unwrap(), 3);
        assert_eq!(counts(1000).await.queued, 3);
    })
    .await;
}

#[tokio::test]
async fn concurrent_workers_never_claim_one_job_twice() {
    on_each_backend(|repo| async move {
        repo.upsert_albums(&[album("A", "A", None)], 1)
            .await
            .unwrap();
        let photos: Vec<PhotoUpsert> = (0..40)
            .map(|i| photo("A", &format!("{i}.jpg"), None))
            .collect();
        repo.upsert_photos(&photos, 1).await.unwrap();
        assert_eq!(repo.queue_preview_jobs(0, 10).await.unwrap(), 40);
        let workers = (0..6).map(|w| {
            let repo = repo.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let jobs = repo
                        .claim_jobs(albumen_db::PREVIEW_JOBS, &format!("w{w}"), 10, 100, 3)
                        .await
                        .unwrap();
                    if jobs.is_empty() {
                        return mine;
                    }
                    mine.extend(jobs.into_iter().map(|j| j.target));
                }
            })
        });
        let mut all = Vec::new();
        for worker in workers.collect::<Vec<_>>() {
            all.extend(worker.await.unwrap());
        }
        let distinct: std::collections::BTreeSet<i64> = all.iter().copied().collect();
        assert_eq!(all.len(), 40, "every job claimed once");
        assert_eq!(distinct.len(), 40);
    })
    .await;
}
