//! Share links and what they reach (`Shares`).

use albumen_core::{AlbumId, PhotoId, ShareId};
use albumen_db::{AlbumUpsert, NewShare, RepoError, ShareTarget};

use crate::{album, on_each_backend, small_catalog};

fn new_share(token_hash: &str, target: ShareTarget) -> NewShare {
    NewShare {
        token_hash: token_hash.to_owned(),
        label: "for grandma".to_owned(),
        target,
        password_hash: None,
        allow_download: true,
        allow_zip: false,
        created_by: None,
        created_at: 10,
        expires_at: Some(100),
    }
}

#[tokio::test]
async fn share_links_are_stored_found_by_token_and_revoked() {
    on_each_backend(|repo| async move {
        let (albums, photos, users, _) = small_catalog(repo.as_ref()).await;
        let album_link = NewShare {
            created_by: Some(users[0]),
            password_hash: Some("$argon2id$stand-in".to_owned()),
            ..new_share(
                "hash-a",
                ShareTarget::Album {
                    id: albums[0],
                    include_sub_albums: true,
                },
            )
        };
        let a = repo.create_share(&album_link).await.unwrap();
        let p = repo
            .create_share(&new_share(
                "hash-p",
                ShareTarget::Photos(vec![photos[3], photos[0], photos[3]]),
            ))
            .await
            .unwrap();

        let found = repo.share_by_token("hash-a").await.unwrap().unwrap();
        assert_eq!(found.id, a);
        assert_eq!(found.created_by, Some(users[0]));
        assert_eq!(found.password_hash.as_deref(), Some("$argon2id$stand-in"));
        assert!(found.allow_download && !found.allow_zip && found.is_live(99));
        assert!(!found.is_live(100), "expired at its expiry time");
        let by_id = repo.share(p).await.unwrap().unwrap();
        assert_eq!(
            by_id.target,
            ShareTarget::Photos(vec![photos[0], photos[3]])
        );
        assert!(repo.share_by_token("hash-x").await.unwrap().is_none());
        let listed: Vec<_> = repo
            .list_shares()
            .await
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(listed, [p, a], "newest first");

        repo.record_share_use(a, 50, true).await.unwrap();
        repo.record_share_use(a, 60, false).await.unwrap();
        let used = repo.share(a).await.unwrap().unwrap();
        assert_eq!((used.last_used_at, used.view_count), (Some(60), 1));

        repo.revoke_share(a, 70).await.unwrap();
        repo.revoke_share(a, 80).await.unwrap();
        let revoked = repo.share(a).await.unwrap().unwrap();
        assert_eq!(revoked.revoked_at, Some(70), "the first revocation counts");
        assert!(!revoked.is_live(71));
        assert_eq!(
            repo.revoke_share(ShareId::new(999), 1).await.unwrap_err(),
            RepoError::NotFound("share")
        );

        // All or nothing: one unknown photo stores no link at all.
        let before = repo.list_shares().await.unwrap().len();
        let err = repo
            .create_share(&new_share(
                "hash-bad",
                ShareTarget::Photos(vec![photos[1], PhotoId::new(999)]),
            ))
            .await
            .unwrap_err();
        assert_eq!(err, RepoError::NotFound("photo"));
        let err = repo
            .create_share(&new_share(
                "hash-bad",
                ShareTarget::Album {
                    id: AlbumId::new(999),
                    include_sub_albums: false,
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(err, RepoError::NotFound("album"));
        assert_eq!(repo.list_shares().await.unwrap().len(), before);
    })
    .await;
}

#[tokio::test]
async fn subtrees_and_secrets() {
    on_each_backend(|repo| async move {
        let child = |path: &str| AlbumUpsert {
            parent_path: Some("2013".to_owned()),
            ..album(path, path, None)
        };
        repo.upsert_albums(
            &[
                album("2013", "2013", None),
                child("2013/a"),
                child("2013/b"),
            ],
            1,
        )
        .await
        .unwrap();
        let ids: std::collections::HashMap<String, AlbumId> = repo
            .catalog_albums()
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.path, a.id))
            .collect();
        let mut expected = vec![ids["2013"], ids["2013/a"], ids["2013/b"]];
        expected.sort();
        assert_eq!(repo.album_subtree(ids["2013"]).await.unwrap(), expected);
        assert_eq!(
            repo.album_subtree(ids["2013/a"]).await.unwrap(),
            [ids["2013/a"]]
        );
        repo.mark_albums_missing(&[ids["2013/b"]], 2).await.unwrap();
        assert_eq!(repo.album_subtree(ids["2013"]).await.unwrap().len(), 2);

        assert_eq!(repo.secret("k", "first").await.unwrap(), "first");
        assert_eq!(repo.secret("k", "second").await.unwrap(), "first");
    })
    .await;
}
