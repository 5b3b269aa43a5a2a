//! Sessions and login links (`Sessions`).

use std::sync::Arc;

use albumen_core::model::Permissions;
use albumen_db::{NewLoginLink, NewSession, RepoError, StampCheck, UserUpdate};

use crate::{new_user, on_each_backend};

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
        assert!(live.groups.is_empty());
        // The session carries the user's groups, one each, ascending.
        let friends = repo.create_group("friends", 1).await.unwrap();
        let family = repo.create_group("family", 2).await.unwrap();
        for group in [friends, family] {
            repo.set_group_members(group, &[user.id]).await.unwrap();
        }
        let live = repo.session("t1", 150).await.unwrap().unwrap();
        assert_eq!(live.user, user);
        assert_eq!(live.groups, [friends.min(family), friends.max(family)]);
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

fn any_stamp(_hash: &str, _stamp: &str) -> bool {
    true
}

fn no_stamp(_hash: &str, _stamp: &str) -> bool {
    false
}

/// Disabling an account deletes its links: enabling it again does not bring them back.
#[tokio::test]
async fn disabling_a_user_deletes_its_login_links() {
    on_each_backend(|repo| async move {
        let user = repo
            .create_user(&new_user("erin", Permissions::default()))
            .await
            .unwrap();
        let other = repo
            .create_user(&new_user("finn", Permissions::default()))
            .await
            .unwrap();
        for (hash, owner) in [("erins", user.id), ("finns", other.id)] {
            repo.create_login_link(&NewLoginLink {
                token_hash: hash.to_owned(),
                user_id: owner,
                created_at: 100,
                expires_at: 200,
                single_use: false,
                password_stamp: "stamp".to_owned(),
            })
            .await
            .unwrap();
        }
        for disabled in [true, false] {
            let update = UserUpdate {
                disabled: Some(disabled),
                ..UserUpdate::default()
            };
            repo.update_user(user.id, &update).await.unwrap();
        }
        let redeem = |hash| repo.redeem_login_link(hash, 150, &any_stamp);
        assert_eq!(redeem("erins").await.unwrap(), None);
        assert_eq!(redeem("finns").await.unwrap(), Some(other.id));
        // A new password deletes the links too (its stamp would refuse them anyway).
        let update = UserUpdate {
            password_hash: Some("new hash".to_owned()),
            ..UserUpdate::default()
        };
        repo.update_user(other.id, &update).await.unwrap();
        let seen = std::sync::atomic::AtomicBool::new(false);
        let spy = |_: &str, _: &str| {
            seen.store(true, std::sync::atomic::Ordering::Relaxed);
            true
        };
        assert_eq!(
            repo.redeem_login_link("finns", 150, &spy).await.unwrap(),
            None
        );
        assert!(!seen.into_inner(), "the link was gone");
    })
    .await;
}

/// A link whose user is disabled, or whose stamp no longer matches, is refused without being
/// used up: it works once the account is enabled (a link made for a disabled account, e.g. one
/// being prepared).
#[tokio::test]
async fn a_refused_redemption_leaves_a_single_use_link_unused() {
    on_each_backend(|repo| async move {
        let user = repo
            .create_user(&new_user("gus", Permissions::default()))
            .await
            .unwrap();
        let disable = |disabled| UserUpdate {
            disabled: Some(disabled),
            ..UserUpdate::default()
        };
        repo.update_user(user.id, &disable(true)).await.unwrap();
        repo.create_login_link(&NewLoginLink {
            token_hash: "once".to_owned(),
            user_id: user.id,
            created_at: 100,
            expires_at: 200,
            single_use: true,
            password_stamp: "stamp".to_owned(),
        })
        .await
        .unwrap();
        let redeem =
            |check: &'static StampCheck<'static>| repo.redeem_login_link("once", 150, check);
        assert_eq!(redeem(&any_stamp).await.unwrap(), None, "disabled");
        repo.update_user(user.id, &disable(false)).await.unwrap();
        // A stamp that no longer matches (a password changed since) uses nothing up either.
        assert_eq!(redeem(&no_stamp).await.unwrap(), None, "stamp refused");
        assert_eq!(redeem(&any_stamp).await.unwrap(), Some(user.id));
        assert_eq!(redeem(&any_stamp).await.unwrap(), None, "used");
    })
    .await;
}

/// Concurrent redemptions of one single-use link: exactly one gets in.
#[tokio::test]
async fn concurrent_redemptions_of_a_single_use_link_let_one_in() {
    on_each_backend(|repo| async move {
        let user = repo
            .create_user(&new_user("hal", Permissions::default()))
            .await
            .unwrap();
        repo.create_login_link(&NewLoginLink {
            token_hash: "once".to_owned(),
            user_id: user.id,
            created_at: 100,
            expires_at: 200,
            single_use: true,
            password_stamp: "stamp".to_owned(),
        })
        .await
        .unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let repo = Arc::clone(&repo);
            tasks.spawn(async move { repo.redeem_login_link("once", 150, &any_stamp).await });
        }
        let mut admitted = 0;
        while let Some(result) = tasks.join_next().await {
            admitted += usize::from(result.unwrap().unwrap().is_some());
        }
        assert_eq!(admitted, 1);
    })
    .await;
}

#[tokio::test]
async fn login_links_expire_and_single_use_links_work_once() {
    on_each_backend(|repo| async move {
        let user = repo
            .create_user(&new_user("dora", Permissions::default()))
            .await
            .unwrap();
        let link = |hash: &str, single_use: bool| NewLoginLink {
            token_hash: hash.to_owned(),
            user_id: user.id,
            created_at: 100,
            expires_at: 200,
            single_use,
            password_stamp: "stamp".to_owned(),
        };
        repo.create_login_link(&link("many", false)).await.unwrap();
        repo.create_login_link(&link("once", true)).await.unwrap();
        assert!(matches!(
            repo.create_login_link(&link("once", true)).await,
            Err(RepoError::Conflict(_))
        ));

        // The check is given the user's password hash and the link's stamp.
        let check = |hash: &str, stamp: &str| hash == "hash-of-dora" && stamp == "stamp";
        for _ in 0..2 {
            let got = repo.redeem_login_link("many", 150, &check).await.unwrap();
            assert_eq!(got, Some(user.id));
        }
        assert!(
            repo.redeem_login_link("many", 200, &any_stamp)
                .await
                .unwrap()
                .is_none(),
            "expired"
        );
        assert!(
            repo.redeem_login_link("once", 200, &any_stamp)
                .await
                .unwrap()
                .is_none(),
            "expired"
        );
        assert!(
            repo.redeem_login_link("once", 150, &check)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            repo.redeem_login_link("once", 150, &any_stamp)
                .await
                .unwrap()
                .is_none(),
            "used"
        );
        assert!(
            repo.redeem_login_link("none", 150, &any_stamp)
                .await
                .unwrap()
                .is_none()
        );

        assert_eq!(repo.delete_expired_login_links(150).await.unwrap(), 0);
        assert_eq!(repo.delete_expired_login_links(250).await.unwrap(), 2);
        assert!(
            repo.redeem_login_link("many", 150, &any_stamp)
                .await
                .unwrap()
                .is_none()
        );
    })
    .await;
}
