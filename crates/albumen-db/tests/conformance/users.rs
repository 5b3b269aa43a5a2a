//! Accounts and groups (`Users`).

use albumen_core::access::{AlbumPolicy, Policy};
use albumen_core::model::Permissions;
use albumen_core::{GroupId, UserId};
use albumen_db::{NewSession, RepoError, UserUpdate};

use crate::{album, new_user, on_each_backend};

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
async fn updating_a_user_changes_it_and_ends_its_sessions() {
    on_each_backend(|repo| async move {
        let dave = repo
            .create_user(&new_user("dave", Permissions::default()))
            .await
            .unwrap();
        let erin = repo
            .create_user(&new_user("erin", Permissions::default()))
            .await
            .unwrap();
        let session = |token: &str, user: UserId| NewSession {
            token_hash: token.to_owned(),
            user_id: user,
            csrf_token: "csrf".to_owned(),
            created_at: 100,
            expires_at: 200,
        };
        repo.create_session(&session("d1", dave.id)).await.unwrap();
        repo.create_session(&session("e1", erin.id)).await.unwrap();

        // Re-enabling an enabled account changes nothing and keeps its sessions.
        let same = repo
            .update_user(
                dave.id,
                &UserUpdate {
                    disabled: Some(false),
                    ..UserUpdate::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(same, dave);
        assert!(repo.session("d1", 150).await.unwrap().is_some());

        let changed = repo
            .update_user(
                dave.id,
                &UserUpdate {
                    password_hash: Some("new-hash".to_owned()),
                    permissions: Some(Permissions::ADMIN),
                    ..UserUpdate::default()
                },
            )
            .await
            .unwrap();
        assert!(changed.permissions.admin && !changed.disabled);
        let (_, hash) = repo.user_credentials("dave").await.unwrap().unwrap();
        assert_eq!(hash, "new-hash");
        assert!(repo.session("d1", 150).await.unwrap().is_none(), "ended");
        assert!(
            repo.session("e1", 150).await.unwrap().is_some(),
            "others stay"
        );

        repo.create_session(&session("d2", dave.id)).await.unwrap();
        let disabled = repo
            .update_user(
                dave.id,
                &UserUpdate {
                    disabled: Some(true),
                    ..UserUpdate::default()
                },
            )
            .await
            .unwrap();
        assert!(disabled.disabled);
        assert_eq!(repo.user(dave.id).await.unwrap(), Some(disabled));
        // Deleted, not merely hidden: re-enabling does not bring the session back.
        repo.update_user(
            dave.id,
            &UserUpdate {
                disabled: Some(false),
                ..UserUpdate::default()
            },
        )
        .await
        .unwrap();
        assert!(repo.session("d2", 150).await.unwrap().is_none());

        assert_eq!(
            repo.update_user(
                UserId::new(999),
                &UserUpdate {
                    disabled: Some(true),
                    ..UserUpdate::default()
                },
            )
            .await
            .unwrap_err(),
            RepoError::NotFound("user")
        );
    })
    .await;
}

#[tokio::test]
async fn groups_have_unique_names_and_replaceable_members() {
    on_each_backend(|repo| async move {
        let alice = repo
            .create_user(&new_user("alice", Permissions::default()))
            .await
            .unwrap()
            .id;
        let bob = repo
            .create_user(&new_user("bob", Permissions::default()))
            .await
            .unwrap()
            .id;
        let family = repo.create_group("family", 5).await.unwrap();
        let friends = repo.create_group("friends", 6).await.unwrap();
        assert_eq!(
            repo.create_group("family", 7).await.unwrap_err(),
            RepoError::Conflict("group")
        );
        let groups = repo.list_groups().await.unwrap();
        let summary: Vec<_> = groups
            .iter()
            .map(|g| (g.id, g.name.as_str(), g.created_at))
            .collect();
        assert_eq!(summary, [(family, "family", 5), (friends, "friends", 6)]);

        repo.set_group_members(family, &[bob, alice, bob])
            .await
            .unwrap();
        repo.set_group_members(friends, &[alice]).await.unwrap();
        let mut both = vec![alice, bob];
        both.sort();
        assert_eq!(repo.group_members(family).await.unwrap(), both);
        let mut alices = vec![family, friends];
        alices.sort();
        assert_eq!(repo.user_groups(alice).await.unwrap(), alices);
        assert_eq!(repo.user_groups(bob).await.unwrap(), [family]);

        // Replacing is whole, and all or nothing.
        repo.set_group_members(family, &[bob]).await.unwrap();
        assert_eq!(repo.group_members(family).await.unwrap(), [bob]);
        assert_eq!(
            repo.set_group_members(family, &[alice, UserId::new(999)])
                .await
                .unwrap_err(),
            RepoError::NotFound("user")
        );
        assert_eq!(repo.group_members(family).await.unwrap(), [bob]);
        assert_eq!(
            repo.set_group_members(GroupId::new(999), &[alice])
                .await
                .unwrap_err(),
            RepoError::NotFound("group")
        );
        repo.set_group_members(family, &[]).await.unwrap();
        assert!(repo.group_members(family).await.unwrap().is_empty());
        assert_eq!(repo.user_groups(alice).await.unwrap(), [friends]);

        // Deleting a group takes its memberships and its places in policies with it.
        repo.upsert_albums(&[album("A", "A", None)], 1)
            .await
            .unwrap();
        let a = repo.catalog_albums().await.unwrap()[0].id;
        let policy = AlbumPolicy {
            policy: Policy {
                groups: [friends].into(),
                ..Policy::default()
            },
            inherit: true,
        };
        repo.set_album_policy(a, &policy, 9).await.unwrap();
        repo.delete_group(friends).await.unwrap();
        assert!(repo.user_groups(alice).await.unwrap().is_empty());
        let facts = repo.album_facts(a).await.unwrap().unwrap();
        assert_eq!(
            facts.policy,
            Some(AlbumPolicy {
                policy: Policy::default(),
                inherit: true
            })
        );
        assert_eq!(
            repo.list_groups()
                .await
                .unwrap()
                .into_iter()
                .map(|g| g.name)
                .collect::<Vec<_>>(),
            ["family"]
        );
    })
    .await;
}
