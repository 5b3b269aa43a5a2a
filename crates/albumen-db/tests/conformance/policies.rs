//! Album and photo policies (`Policies`), and the seed's policy fixture checked against
//! `decide`.

use std::sync::Arc;

use albumen_core::access::{
    Action, AlbumPolicy, Decision, Policy, Subject, Target, VisibilityScope, decide,
};
use albumen_core::model::Permissions;
use albumen_core::{AlbumId, GroupId, PhotoId, UserId};
use albumen_db::{Repo, RepoError};

use crate::{album, new_user, on_each_backend, photo, public, small_catalog};

#[tokio::test]
async fn policies_are_set_replaced_and_deleted() {
    on_each_backend(|repo| async move {
        let (albums, photos, users, group) = small_catalog(&*repo).await;
        let facts = repo.album_facts(albums[0]).await.unwrap().unwrap();
        assert_eq!(facts.policy, None);

        let first = AlbumPolicy {
            policy: Policy {
                public: true,
                users: users.iter().copied().collect(),
                groups: [group].into(),
            },
            inherit: false,
        };
        repo.set_album_policy(albums[0], &first, 10).await.unwrap();
        let facts = repo.album_facts(albums[0]).await.unwrap().unwrap();
        assert_eq!(facts.policy.as_ref(), Some(&first));
        assert_eq!(
            repo.album_facts(albums[1]).await.unwrap().unwrap().policy,
            None
        );

        // Setting again replaces flags and both lists.
        let second = AlbumPolicy {
            policy: Policy {
                public: false,
                users: [users[1]].into(),
                groups: Default::default(),
            },
            inherit: true,
        };
        repo.set_album_policy(albums[0], &second, 11).await.unwrap();
        assert_eq!(
            repo.album_facts(albums[0]).await.unwrap().unwrap().policy,
            Some(second.clone())
        );
        // All at once: the same facts as one by one, for every present album.
        repo.set_album_policy(albums[1], &first, 11).await.unwrap();
        let mut one_by_one = Vec::new();
        for album in repo.catalog_albums().await.unwrap() {
            if let Some(facts) = repo.album_facts(album.id).await.unwrap() {
                one_by_one.push(facts);
            }
        }
        one_by_one.sort_by_key(|f| f.id);
        assert_eq!(repo.all_album_facts().await.unwrap(), one_by_one);
        repo.delete_album_policy(albums[1]).await.unwrap();

        let own = Policy {
            public: false,
            users: Default::default(),
            groups: [group].into(),
        };
        repo.set_photo_policy(photos[0], &own, 12).await.unwrap();
        let facts = repo.photo_facts(photos[0]).await.unwrap().unwrap();
        assert_eq!(facts.policy.as_ref(), Some(&own));
        assert_eq!(facts.album.id, albums[0]);
        assert_eq!(facts.album.policy.as_ref(), Some(&second));
        let sibling = repo.photo_facts(photos[1]).await.unwrap().unwrap();
        assert_eq!(sibling.policy, None);
        assert_eq!(sibling.album.policy.as_ref(), Some(&second));

        // An empty photo policy is stored as a policy, not as none.
        repo.set_photo_policy(photos[0], &Policy::default(), 13)
            .await
            .unwrap();
        assert_eq!(
            repo.photo_facts(photos[0]).await.unwrap().unwrap().policy,
            Some(Policy::default())
        );

        repo.delete_photo_policy(photos[0]).await.unwrap();
        repo.delete_photo_policy(photos[0]).await.unwrap();
        assert_eq!(
            repo.photo_facts(photos[0]).await.unwrap().unwrap().policy,
            None
        );
        repo.delete_album_policy(albums[0]).await.unwrap();
        assert_eq!(
            repo.album_facts(albums[0]).await.unwrap().unwrap().policy,
            None
        );
        // A policy set again after deletion starts from nothing.
        repo.set_album_policy(albums[0], &AlbumPolicy::default(), 14)
            .await
            .unwrap();
        assert_eq!(
            repo.album_facts(albums[0]).await.unwrap().unwrap().policy,
            Some(AlbumPolicy::default())
        );

        // Unknown objects are not found, on every path.
        assert_eq!(
            repo.set_album_policy(AlbumId::new(999), &first, 15)
                .await
                .unwrap_err(),
            RepoError::NotFound("album")
        );
        assert_eq!(
            repo.set_photo_policy(PhotoId::new(999), &own, 15)
                .await
                .unwrap_err(),
            RepoError::NotFound("photo")
        );
        assert_eq!(
            repo.delete_album_policy(AlbumId::new(999))
                .await
                .unwrap_err(),
            RepoError::NotFound("album")
        );
        assert_eq!(
            repo.delete_photo_policy(PhotoId::new(999))
                .await
                .unwrap_err(),
            RepoError::NotFound("photo")
        );
    })
    .await;
}

#[tokio::test]
async fn bulk_policy_changes_are_all_or_nothing() {
    on_each_backend(|repo| async move {
        let (albums, photos, users, group) = small_catalog(&*repo).await;
        let public = AlbumPolicy {
            policy: Policy {
                public: true,
                ..Policy::default()
            },
            inherit: true,
        };
        repo.set_album_policies(&albums, &public, 10).await.unwrap();
        for &a in &albums {
            assert_eq!(
                repo.album_facts(a).await.unwrap().unwrap().policy.as_ref(),
                Some(&public)
            );
        }

        let listed = AlbumPolicy {
            policy: Policy {
                public: false,
                users: [users[0]].into(),
                groups: [group].into(),
            },
            inherit: false,
        };
        // One unknown album, user or group in the batch: an error, and nothing changed.
        assert_eq!(
            repo.set_album_policies(&[albums[0], AlbumId::new(999), albums[1]], &listed, 11)
                .await
                .unwrap_err(),
            RepoError::NotFound("album")
        );
        let mut bad_user = listed.clone();
        bad_user.policy.users.insert(UserId::new(999));
        assert_eq!(
            repo.set_album_policies(&albums, &bad_user, 11)
                .await
                .unwrap_err(),
            RepoError::NotFound("user")
        );
        let mut bad_group = listed.clone();
        bad_group.policy.groups.insert(GroupId::new(999));
        assert_eq!(
            repo.set_album_policies(&albums, &bad_group, 11)
                .await
                .unwrap_err(),
            RepoError::NotFound("group")
        );
        assert_eq!(
            repo.delete_album_policies(&[albums[0], AlbumId::new(999)])
                .await
                .unwrap_err(),
            RepoError::NotFound("album")
        );
        for &a in &albums {
            assert_eq!(
                repo.album_facts(a).await.unwrap().unwrap().policy.as_ref(),
                Some(&public),
                "unchanged after failed batches"
            );
        }

        repo.set_album_policies(&albums, &listed, 12).await.unwrap();
        for &a in &albums {
            assert_eq!(
                repo.album_facts(a).await.unwrap().unwrap().policy.as_ref(),
                Some(&listed)
            );
        }
        repo.delete_album_policies(&albums).await.unwrap();
        for &a in &albums {
            assert_eq!(repo.album_facts(a).await.unwrap().unwrap().policy, None);
        }

        let own = Policy {
            public: true,
            users: [users[1]].into(),
            groups: Default::default(),
        };
        assert_eq!(
            repo.set_photo_policies(&[photos[0], PhotoId::new(999)], &own, 13)
                .await
                .unwrap_err(),
            RepoError::NotFound("photo")
        );
        assert_eq!(
            repo.photo_facts(photos[0]).await.unwrap().unwrap().policy,
            None
        );
        repo.set_photo_policies(&photos, &own, 14).await.unwrap();
        for &p in &photos {
            assert_eq!(
                repo.photo_facts(p).await.unwrap().unwrap().policy.as_ref(),
                Some(&own)
            );
        }
        assert_eq!(
            repo.delete_photo_policies(&[photos[0], PhotoId::new(999)])
                .await
                .unwrap_err(),
            RepoError::NotFound("photo")
        );
        assert!(
            repo.photo_facts(photos[0])
                .await
                .unwrap()
                .unwrap()
                .policy
                .is_some()
        );
        repo.delete_photo_policies(&photos).await.unwrap();
        for &p in &photos {
            assert_eq!(repo.photo_facts(p).await.unwrap().unwrap().policy, None);
        }
    })
    .await;
}

#[tokio::test]
async fn policies_go_with_their_objects() {
    on_each_backend(|repo| async move {
        let (albums, photos, _users, _group) = small_catalog(&*repo).await;
        let public = Policy {
            public: true,
            ..Policy::default()
        };
        repo.set_album_policy(
            albums[1],
            &AlbumPolicy {
                policy: public.clone(),
                inherit: true,
            },
            1,
        )
        .await
        .unwrap();
        repo.set_photo_policy(photos[2], &public, 1).await.unwrap();
        repo.mark_missing(&photos[2..], 2).await.unwrap();
        repo.mark_albums_missing(&albums[1..], 2).await.unwrap();
        assert_eq!(repo.purge_missing(3).await.unwrap(), (2, 1));
        // Ids may be reused by SQLite; a reused id must not find the old policy.
        repo.upsert_albums(&[album("C", "C", None)], 4)
            .await
            .unwrap();
        repo.upsert_photos(&[photo("C", "5.jpg", None), photo("C", "6.jpg", None)], 4)
            .await
            .unwrap();
        for file in repo.catalog_files().await.unwrap() {
            let facts = repo.photo_facts(file.id).await.unwrap().unwrap();
            assert_eq!((facts.policy, facts.album.policy), (None, None));
        }
    })
    .await;
}

/// The seed's `AccessPolicyTests` fixture: one album holding one photo, `user` in `group`,
/// and `other`. Every check asks both `decide` (on facts loaded from the repository) and the
/// SQL lists, and fails if they disagree.
struct Seed {
    repo: Arc<dyn Repo>,
    album: AlbumId,
    photo: PhotoId,
    group: GroupId,
    user: UserId,
    other: UserId,
}

impl Seed {
    async fn new(repo: Arc<dyn Repo>) -> Self {
        let user = repo
            .create_user(&new_user("user", Permissions::default()))
            .await
            .unwrap()
            .id;
        let other = repo
            .create_user(&new_user("other", Permissions::default()))
            .await
            .unwrap()
            .id;
        let group = repo.create_group("group", 1).await.unwrap();
        repo.set_group_members(group, &[user]).await.unwrap();
        repo.upsert_albums(&[album("album", "album", None)], 1)
            .await
            .unwrap();
        repo.upsert_photos(&[photo("album", "photo.jpg", None)], 1)
            .await
            .unwrap();
        let album = repo.catalog_albums().await.unwrap()[0].id;
        let photo = repo.catalog_files().await.unwrap()[0].id;
        Self {
            repo,
            album,
            photo,
            group,
            user,
            other,
        }
    }

    async fn subject(&self, user: UserId) -> Subject {
        let groups = self.repo.user_groups(user).await.unwrap();
        Subject::user(user, groups, Permissions::default())
    }

    /// Django's default: a new album policy lets photos inherit it.
    async fn album_policy(&self, policy: Policy, inherit: bool) {
        self.repo
            .set_album_policy(self.album, &AlbumPolicy { policy, inherit }, 2)
            .await
            .unwrap();
    }

    async fn photo_policy(&self, policy: Policy) {
        self.repo
            .set_photo_policy(self.photo, &policy, 2)
            .await
            .unwrap();
    }

    async fn photo_visible(&self, user: UserId) -> bool {
        let subject = self.subject(user).await;
        let facts = self.repo.photo_facts(self.photo).await.unwrap().unwrap();
        let decided = decide(&subject, Action::View, Target::Photo(&facts)) == Decision::Allow;
        let scope = VisibilityScope::of(&subject);
        let listed = self
            .repo
            .album_photos(&scope, self.album)
            .await
            .unwrap()
            .iter()
            .any(|p| p.id == self.photo);
        assert_eq!(listed, decided, "SQL and decide disagree on the photo");
        let count = self
            .repo
            .reader()
            .await
            .unwrap()
            .album(&scope, self.album)
            .await
            .unwrap()
            .unwrap()
            .photo_count;
        assert_eq!(count, i64::from(decided));
        decided
    }

    async fn album_visible(&self, user: UserId) -> bool {
        let subject = self.subject(user).await;
        let facts = self.repo.album_facts(self.album).await.unwrap().unwrap();
        let decided = decide(&subject, Action::View, Target::Album(&facts)) == Decision::Allow;
        // Lists show visible albums holding a visible photo.
        let photo = self.photo_visible(user).await;
        let listed = self
            .repo
            .list_albums(&VisibilityScope::of(&subject))
            .await
            .unwrap()
            .iter()
            .any(|a| a.id == self.album);
        assert_eq!(
            listed,
            decided && photo,
            "SQL and decide disagree on the album"
        );
        decided
    }
}

fn users(users: &[UserId]) -> Policy {
    Policy {
        users: users.iter().copied().collect(),
        ..Policy::default()
    }
}

fn groups(groups: &[GroupId]) -> Policy {
    Policy {
        groups: groups.iter().copied().collect(),
        ..Policy::default()
    }
}

#[tokio::test]
async fn seed_album_policies() {
    on_each_backend(|repo| async move {
        // test_private_album
        let s = Seed::new(repo).await;
        assert!(!s.album_visible(s.user).await);
        // test_public_album
        s.album_policy(public(), true).await;
        assert!(s.album_visible(s.user).await);
        assert!(s.album_visible(s.other).await);
        // test_user_album
        s.album_policy(users(&[s.user]), true).await;
        assert!(s.album_visible(s.user).await);
        assert!(!s.album_visible(s.other).await);
        // test_group_album
        s.album_policy(groups(&[s.group]), true).await;
        assert!(s.album_visible(s.user).await);
        assert!(!s.album_visible(s.other).await);
        // Anonymous visitors only ever match public policies.
        let anonymous = Subject::anonymous();
        let scope = VisibilityScope::of(&anonymous);
        assert!(s.repo.list_albums(&scope).await.unwrap().is_empty());
        s.album_policy(public(), true).await;
        assert_eq!(s.repo.list_albums(&scope).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn seed_photo_policies() {
    on_each_backend(|repo| async move {
        // test_private_photo
        let s = Seed::new(repo).await;
        assert!(!s.photo_visible(s.user).await);
        // test_public_photo: no album policy at all.
        s.photo_policy(public()).await;
        assert!(s.photo_visible(s.user).await);
        assert!(s.photo_visible(s.other).await);
        assert!(!s.album_visible(s.user).await, "the album stays private");
        // test_user_photo
        s.photo_policy(users(&[s.user])).await;
        assert!(s.photo_visible(s.user).await);
        assert!(!s.photo_visible(s.other).await);
        // test_group_photo
        s.photo_policy(groups(&[s.group])).await;
        assert!(s.photo_visible(s.user).await);
        assert!(!s.photo_visible(s.other).await);
    })
    .await;
}

#[tokio::test]
async fn seed_photos_inherit() {
    on_each_backend(|repo| async move {
        let s = Seed::new(repo).await;
        // test_public_photo_inherit
        s.album_policy(public(), true).await;
        assert!(s.photo_visible(s.user).await);
        // test_user_photo_inherit
        s.album_policy(users(&[s.user]), true).await;
        assert!(s.photo_visible(s.user).await);
        assert!(!s.photo_visible(s.other).await);
        // test_group_photo_inherit
        s.album_policy(groups(&[s.group]), true).await;
        assert!(s.photo_visible(s.user).await);
        assert!(!s.photo_visible(s.other).await);
    })
    .await;
}

#[tokio::test]
async fn seed_photos_without_inherit() {
    on_each_backend(|repo| async move {
        // test_public_photo_no_inherit
        let s = Seed::new(repo.clone()).await;
        s.album_policy(public(), false).await;
        assert!(!s.photo_visible(s.user).await);
        assert!(s.album_visible(s.user).await);
        s.photo_policy(public()).await;
        assert!(s.photo_visible(s.user).await);
        assert!(s.album_visible(s.user).await);
        // test_user_photo_no_inherit
        s.repo.delete_photo_policy(s.photo).await.unwrap();
        s.album_policy(users(&[s.user]), false).await;
        assert!(!s.photo_visible(s.user).await);
        assert!(!s.photo_visible(s.other).await);
        s.photo_policy(users(&[s.user])).await;
        assert!(s.photo_visible(s.user).await);
        assert!(!s.photo_visible(s.other).await);
        // test_group_photo_no_inherit
        s.repo.delete_photo_policy(s.photo).await.unwrap();
        s.album_policy(groups(&[s.group]), false).await;
        assert!(!s.photo_visible(s.user).await);
        assert!(!s.photo_visible(s.other).await);
        s.photo_policy(groups(&[s.group])).await;
        assert!(s.photo_visible(s.user).await);
        assert!(!s.photo_visible(s.other).await);
    })
    .await;
}

#[tokio::test]
async fn seed_empty_photo_policies_override_inherit() {
    on_each_backend(|repo| async move {
        let s = Seed::new(repo).await;
        for album in [public(), users(&[s.user]), groups(&[s.group])] {
            // test_{public,user,group}_photo_counter_inherit
            s.repo.delete_photo_policy(s.photo).await.unwrap();
            s.album_policy(album, true).await;
            assert!(s.photo_visible(s.user).await);
            s.photo_policy(Policy::default()).await;
            assert!(!s.photo_visible(s.user).await);
            assert!(!s.photo_visible(s.other).await);
            // The album itself stays visible, but lists skip it: no visible photo left.
            assert!(s.album_visible(s.user).await);
        }
    })
    .await;
}
