//! What a scope sees: lists, counts, breadcrumbs and dates agree with `decide`.

use albumen_core::access::{
    Action, AlbumPolicy, Decision, Policy, ShareGrant, Subject, Target, VisibilityScope, decide,
};
use albumen_core::model::Permissions;
use albumen_core::{AlbumId, GroupId, PhotoId, UserId};
use albumen_db::Repo;
use sqlx::{Connection, Executor};

use crate::{album, new_user, on_each_backend, photo, public, rand_u64, skipped_note};

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
                repo.reader()
                    .await
                    .unwrap()
                    .album(&scope, id)
                    .await
                    .unwrap()
                    .unwrap()
                    .photo_count,
                0
            );
        }
    })
    .await;
}

/// A generated policy: `users` and `groups` are bit masks over the world's users and groups.
#[derive(Debug, Clone)]
struct GenPolicy {
    public: bool,
    users: u8,
    groups: u8,
}

#[derive(Debug, Clone)]
struct GenPhoto {
    policy: Option<GenPolicy>,
    missing: bool,
}

#[derive(Debug, Clone)]
struct GenAlbum {
    policy: Option<(GenPolicy, bool)>,
    photos: Vec<GenPhoto>,
}

#[derive(Debug, Clone)]
struct GenWorld {
    /// One member mask over the users per group.
    groups: Vec<u8>,
    albums: Vec<GenAlbum>,
    /// Bit mask over the albums: which are unlisted.
    unlisted: u8,
    /// Share links: a mask over the albums and a mask over the first eight photos.
    shares: Vec<(u8, u8)>,
}

/// Plain users in every world (a fifth one can see all).
const WORLD_USERS: usize = 4;

fn world_strategy() -> impl proptest::strategy::Strategy<Value = GenWorld> {
    use proptest::prelude::*;
    let policy =
        (prop::bool::weighted(0.25), 0u8..16, 0u8..8).prop_map(|(public, users, groups)| {
            GenPolicy {
                public,
                users,
                groups,
            }
        });
    let photo = (prop::option::of(policy.clone()), prop::bool::weighted(0.1))
        .prop_map(|(policy, missing)| GenPhoto { policy, missing });
    let album = (
        prop::option::weighted(0.7, (policy, any::<bool>())),
        prop::collection::vec(photo, 0..=6),
    )
        .prop_map(|(policy, photos)| GenAlbum { policy, photos });
    (
        prop::collection::vec(0u8..16, 0..=3),
        prop::collection::vec(album, 1..=4),
        prop::bool::weighted(0.3).prop_flat_map(|some| if some { 0u8..16 } else { 0u8..1 }),
        prop::collection::vec((0u8..16, any::<u8>()), 0..=2),
    )
        .prop_map(|(groups, albums, unlisted, shares)| GenWorld {
            groups,
            albums,
            unlisted,
            shares,
        })
}

fn pick<T: Copy + Ord>(mask: u8, from: &[T]) -> std::collections::BTreeSet<T> {
    from.iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, &t)| t)
        .collect()
}

fn to_policy(p: &GenPolicy, users: &[UserId], groups: &[GroupId]) -> Policy {
    Policy {
        public: p.public,
        users: pick(p.users, users),
        groups: pick(p.groups, groups),
    }
}

/// Empties the catalog and the groups through the repository (policies go with their objects).
async fn clear_world(repo: &dyn Repo) {
    for group in repo.list_groups().await.unwrap() {
        repo.delete_group(group.id).await.unwrap();
    }
    let photos: Vec<_> = repo
        .catalog_files()
        .await
        .unwrap()
        .iter()
        .map(|f| f.id)
        .collect();
    repo.mark_missing(&photos, 0).await.unwrap();
    let albums: Vec<_> = repo
        .catalog_albums()
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    repo.mark_albums_missing(&albums, 0).await.unwrap();
    repo.purge_missing(i64::MAX).await.unwrap();
    assert!(repo.catalog_files().await.unwrap().is_empty());
    assert!(repo.catalog_albums().await.unwrap().is_empty());
}

/// Writes `world` through the repository, then checks, for several subjects, that every list
/// holds exactly the objects `decide` allows on facts loaded back from the repository. Returns
/// the number of subject × object checks made.
async fn check_world(repo: &dyn Repo, users: &[UserId], seer: UserId, world: &GenWorld) -> usize {
    clear_world(repo).await;
    let mut groups = Vec::new();
    for (i, &members) in world.groups.iter().enumerate() {
        let group = repo.create_group(&format!("g{i}"), 1).await.unwrap();
        let members: Vec<_> = pick(members, users).into_iter().collect();
        repo.set_group_members(group, &members).await.unwrap();
        groups.push(group);
    }
    let album_rows: Vec<_> = (0..world.albums.len())
        .map(|i| album(&format!("A{i}"), &format!("A{i}"), None))
        .collect();
    repo.upsert_albums(&album_rows, 1).await.unwrap();
    let photo_rows: Vec<_> = world
        .albums
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            (0..a.photos.len()).map(move |j| photo(&format!("A{i}"), &format!("{j}.jpg"), None))
        })
        .collect();
    repo.upsert_photos(&photo_rows, 1).await.unwrap();
    let album_ids: Vec<AlbumId> = {
        let catalog = repo.catalog_albums().await.unwrap();
        (0..world.albums.len())
            .map(|i| {
                catalog
                    .iter()
                    .find(|a| a.path == format!("A{i}"))
                    .unwrap()
                    .id
            })
            .collect()
    };
    let files = repo.catalog_files().await.unwrap();
    let photo_ids: Vec<Vec<PhotoId>> = world
        .albums
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (0..a.photos.len())
                .map(|j| {
                    let path = format!("A{i}/{j}.jpg");
                    files.iter().find(|f| f.path == path).unwrap().id
                })
                .collect()
        })
        .collect();

    // Policies: albums one by one; photos sharing a policy in one bulk call.
    let mut missing = Vec::new();
    let mut by_policy: Vec<(Policy, Vec<PhotoId>)> = Vec::new();
    for (i, a) in world.albums.iter().enumerate() {
        if let Some((policy, inherit)) = &a.policy {
            let policy = AlbumPolicy {
                policy: to_policy(policy, users, &groups),
                inherit: *inherit,
            };
            repo.set_album_policy(album_ids[i], &policy, 2)
                .await
                .unwrap();
        }
        for (j, p) in a.photos.iter().enumerate() {
            if let Some(policy) = &p.policy {
                let policy = to_policy(policy, users, &groups);
                match by_policy.iter_mut().find(|(q, _)| *q == policy) {
                    Some((_, ids)) => ids.push(photo_ids[i][j]),
                    None => by_policy.push((policy, vec![photo_ids[i][j]])),
                }
            }
            if p.missing {
                missing.push(photo_ids[i][j]);
            }
        }
    }
    for (policy, ids) in &by_policy {
        repo.set_photo_policies(ids, policy, 2).await.unwrap();
    }
    repo.mark_missing(&missing, 3).await.unwrap();
    let unlisted: Vec<AlbumId> = pick(world.unlisted, &album_ids).into_iter().collect();
    repo.set_albums_unlisted(&unlisted, true).await.unwrap();

    // Facts round-trip, then serve as the oracle.
    let mut album_facts = Vec::new();
    let mut photo_facts = Vec::new();
    for (i, a) in world.albums.iter().enumerate() {
        let facts = repo.album_facts(album_ids[i]).await.unwrap().unwrap();
        let expected = a.policy.as_ref().map(|(p, inherit)| AlbumPolicy {
            policy: to_policy(p, users, &groups),
            inherit: *inherit,
        });
        assert_eq!(facts.policy, expected, "album facts round-trip");
        let mut present = Vec::new();
        for (j, p) in a.photos.iter().enumerate() {
            let loaded = repo.photo_facts(photo_ids[i][j]).await.unwrap();
            if p.missing {
                assert!(loaded.is_none());
                continue;
            }
            let loaded = loaded.unwrap();
            let expected_own = p.policy.as_ref().map(|p| to_policy(p, users, &groups));
            assert_eq!(loaded.policy, expected_own, "photo facts round-trip");
            assert_eq!(loaded.album, facts);
            present.push(loaded);
        }
        album_facts.push(facts);
        photo_facts.push(present);
    }

    let mut subjects = vec![Subject::anonymous()];
    for (k, &user) in users.iter().enumerate() {
        let loaded = repo.user_groups(user).await.unwrap();
        let expected: Vec<GroupId> = world
            .groups
            .iter()
            .zip(&groups)
            .filter(|(members, _)| *members & (1 << k) != 0)
            .map(|(_, &g)| g)
            .collect();
        assert_eq!(loaded, expected, "memberships round-trip");
        subjects.push(Subject::user(user, loaded, Permissions::default()));
        // A subject may carry groups its memberships no longer say (a stale session): the
        // lists must still follow the subject, as `decide` does.
        subjects.push(Subject::user(
            user,
            groups.iter().copied(),
            Permissions::default(),
        ));
    }
    subjects.push(Subject::user(
        seer,
        [],
        Permissions {
            can_see_all: true,
            ..Permissions::default()
        },
    ));
    // Share-link holders: anonymous, and a user who also holds the link.
    let all_photos: Vec<PhotoId> = photo_ids.iter().flatten().copied().collect();
    for &(albums, photos) in &world.shares {
        let grant = ShareGrant::new(
            None,
            pick(albums, &album_ids),
            pick(photos, &all_photos[..all_photos.len().min(8)]),
            false,
            false,
        );
        subjects.push(Subject::anonymous().with_share(grant.clone()));
        subjects.push(subjects[1].clone().with_share(grant));
    }

    let allows =
        |subject: &Subject, target| decide(subject, Action::View, target) == Decision::Allow;
    let mut checks = 0;
    for subject in &subjects {
        let scope = VisibilityScope::of(subject);
        let mut expected_albums = Vec::new();
        for (i, facts) in album_facts.iter().enumerate() {
            let expected: Vec<PhotoId> = photo_facts[i]
                .iter()
                .filter(|f| allows(subject, Target::Photo(f)))
                .map(|f| f.id)
                .collect();
            checks += photo_facts[i].len();
            let listed: Vec<PhotoId> = repo
                .album_photos(&scope, facts.id)
                .await
                .unwrap()
                .iter()
                .map(|p| p.id)
                .collect();
            assert_eq!(
                listed, expected,
                "album_photos for {subject:?} in A{i}: {world:?}"
            );
            let entries: Vec<PhotoId> = repo
                .reader()
                .await
                .unwrap()
                .album_entries(&scope, facts.id)
                .await
                .unwrap()
                .iter()
                .map(|p| p.id)
                .collect();
            assert_eq!(entries, expected, "album_entries for {subject:?} in A{i}");
            let summary = repo
                .reader()
                .await
                .unwrap()
                .album(&scope, facts.id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(summary.photo_count, i64::try_from(expected.len()).unwrap());
            assert_eq!(summary.cover, expected.first().copied());
            checks += 1;
            let listed_here = !unlisted.contains(&facts.id) || scope.lists_unlisted();
            if allows(subject, Target::Album(facts)) && !expected.is_empty() && listed_here {
                expected_albums.push((facts.id, expected.len(), expected[0]));
            }
        }
        let listed: Vec<_> = repo
            .list_albums(&scope)
            .await
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a.id,
                    usize::try_from(a.photo_count).unwrap(),
                    a.cover.unwrap(),
                )
            })
            .collect();
        assert_eq!(
            listed, expected_albums,
            "list_albums for {subject:?}: {world:?}"
        );
    }
    checks
}

/// Random worlds on each backend: lists and `decide` agree on every object for every subject.
#[test]
fn lists_agree_with_decide_on_random_worlds() {
    use proptest::test_runner::{Config, TestRunner};

    let cases: u32 = std::env::var("ALBUMEN_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(160);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut backends = vec![(
        "sqlite",
        albumen_db::sqlite::url_for_path(&dir.path().join("catalog.db")),
    )];
    let admin_url = std::env::var("ALBUMEN_TEST_DATABASE_URL").ok();
    let pg_name = format!("albumen_t_{:016x}", rand_u64());
    if let Some(admin_url) = &admin_url {
        runtime.block_on(async {
            let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
            admin
                .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {pg_name}")))
                .await
                .unwrap();
        });
        let base = admin_url.rsplit_once('/').unwrap().0;
        backends.push(("postgres", format!("{base}/{pg_name}")));
    } else {
        skipped_note();
    }

    for (backend, url) in &backends {
        let started = std::time::Instant::now();
        let (repo, users, seer) = runtime.block_on(async {
            let repo = albumen_db::connect(url, 4).await.unwrap();
            let mut users = Vec::new();
            for k in 0..WORLD_USERS {
                let user = repo
                    .create_user(&new_user(&format!("u{k}"), Permissions::default()))
                    .await
                    .unwrap();
                users.push(user.id);
            }
            let seer = repo
                .create_user(&new_user(
                    "seer",
                    Permissions {
                        can_see_all: true,
                        ..Permissions::default()
                    },
                ))
                .await
                .unwrap()
                .id;
            (repo, users, seer)
        });
        let checks = std::sync::atomic::AtomicUsize::new(0);
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&world_strategy(), |world| {
            let made = runtime.block_on(check_world(&*repo, &users, seer, &world));
            checks.fetch_add(made, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        });
        if let Err(err) = result {
            panic!("{backend}: {err}");
        }
        eprintln!(
            "{backend}: {} subject x object checks over {cases} worlds in {:.1?}",
            checks.into_inner(),
            started.elapsed()
        );
    }

    if let Some(admin_url) = &admin_url {
        runtime.block_on(async {
            let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
            admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE {pg_name} WITH (FORCE)"
                )))
                .await
                .unwrap();
        });
    }
}

/// Breadcrumbs name only the ancestors the viewer may see: a public album below a private one
/// does not reveal its parent's name or id.
#[tokio::test]
async fn album_parents_leave_out_hidden_ancestors() {
    on_each_backend(|repo| async move {
        let mut child = album("Secret/Public", "Public", None);
        child.parent_path = Some("Secret".to_owned());
        repo.upsert_albums(&[album("Secret", "Secret parent", None), child], 1)
            .await
            .unwrap();
        repo.upsert_photos(&[photo("Secret/Public", "a.jpg", None)], 1)
            .await
            .unwrap();
        let ids: std::collections::HashMap<String, AlbumId> = repo
            .catalog_albums()
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.path, a.id))
            .collect();
        let (secret, public_child) = (ids["Secret"], ids["Secret/Public"]);
        repo.set_album_policy(
            public_child,
            &AlbumPolicy {
                policy: public(),
                inherit: true,
            },
            2,
        )
        .await
        .unwrap();
        let parents = |scope: VisibilityScope| {
            let repo = repo.clone();
            async move {
                let mut read = repo.reader().await.unwrap();
                read.album_parents(&scope, public_child).await.unwrap()
            }
        };
        let anonymous = VisibilityScope::of(&Subject::anonymous());
        assert!(parents(anonymous).await.is_empty(), "the parent is hidden");
        assert_eq!(
            parents(VisibilityScope::Everything).await,
            [(secret, "Secret parent".to_owned())]
        );
        // A link to the parent alone opens the parent's crumb.
        let holder = Subject::anonymous().with_share(ShareGrant::new(
            None,
            [secret].into(),
            std::collections::BTreeSet::new(),
            false,
            false,
        ));
        assert_eq!(
            parents(VisibilityScope::of(&holder)).await,
            [(secret, "Secret parent".to_owned())]
        );
        // A link to photos binds values the album condition does not use (PostgreSQL refused
        // the extra ones: the public child's page was a 500 for a photo-link holder).
        let photo_id = repo.catalog_files().await.unwrap()[0].id;
        let photo_holder = Subject::anonymous().with_share(ShareGrant::new(
            None,
            std::collections::BTreeSet::new(),
            [photo_id].into(),
            false,
            false,
        ));
        assert!(parents(VisibilityScope::of(&photo_holder)).await.is_empty());
    })
    .await;
}

/// An album's date is its name's, else its oldest photo's among those the viewer may see: a
/// hidden photo's date does not show through, in lists or on the album.
#[tokio::test]
async fn album_dates_come_from_the_photos_the_viewer_may_see() {
    on_each_backend(|repo| async move {
        repo.upsert_albums(&[album("Mixed", "Mixed", None)], 1)
            .await
            .unwrap();
        repo.upsert_photos(
            &[
                photo("Mixed", "old.jpg", Some("2001-02-03T04:05:06")),
                photo("Mixed", "new.jpg", Some("2020-07-08T09:10:11")),
            ],
            1,
        )
        .await
        .unwrap();
        repo.refresh_albums().await.unwrap();
        let mixed = repo.catalog_albums().await.unwrap()[0].id;
        let old = repo
            .catalog_files()
            .await
            .unwrap()
            .into_iter()
            .find(|f| f.path == "Mixed/old.jpg")
            .unwrap()
            .id;
        repo.set_album_policy(
            mixed,
            &AlbumPolicy {
                policy: public(),
                inherit: true,
            },
            2,
        )
        .await
        .unwrap();
        repo.set_photo_policy(old, &Policy::default(), 2)
            .await
            .unwrap();
        let date = |scope: VisibilityScope| {
            let repo = repo.clone();
            async move {
                let listed = repo.list_albums(&scope).await.unwrap();
                let mut read = repo.reader().await.unwrap();
                let one = read.album(&scope, mixed).await.unwrap().unwrap();
                assert_eq!(listed[0].date, one.date);
                (one.date, one.photo_count)
            }
        };
        assert_eq!(
            date(VisibilityScope::Everything).await,
            (Some("2001-02-03".to_owned()), 2)
        );
        assert_eq!(
            date(VisibilityScope::of(&Subject::anonymous())).await,
            (Some("2020-07-08".to_owned()), 1)
        );
        // A date in the folder name is the album's for everyone.
        repo.upsert_albums(&[album("Mixed", "Mixed", Some("1999-12-31"))], 3)
            .await
            .unwrap();
        assert_eq!(
            date(VisibilityScope::of(&Subject::anonymous())).await,
            (Some("1999-12-31".to_owned()), 1)
        );
    })
    .await;
}

/// An album read in keyset chunks, as a viewer with hidden photos in the middle sees it: the
/// chunks of every size concatenate to exactly the whole visible list in album order (equal
/// dates broken by file name, undated photos last), and the months count visible photos only
/// (a month holding only a hidden photo is not there).
#[tokio::test]
async fn album_chunks_and_months_follow_the_visible_list() {
    use albumen_db::PhotoKey;
    on_each_backend(|repo| async move {
        let viewer = repo
            .create_user(&new_user("viewer", Permissions::default()))
            .await
            .unwrap()
            .id;
        repo.upsert_albums(&[album("Big", "Big", None)], 1)
            .await
            .unwrap();
        let mut upserts = Vec::new();
        for i in 0..40u32 {
            let taken = match i % 8 {
                // Undated photos, to come last.
                0 => None,
                // Many photos of one second, to be ordered by name.
                1 | 2 => Some("2020-06-01T10:00:00".to_owned()),
                n => Some(format!("2020-{:02}-{:02}T09:00:00", 5 + n % 3, 1 + i % 28)),
            };
            let mut p = photo("Big", &format!("{:03}.jpg", (i * 17) % 101), None);
            p.taken_at.clone_from(&taken);
            upserts.push(p);
        }
        // The one photo of January 2019, hidden below.
        upserts.push(photo("Big", "secret.jpg", Some("2019-01-05T12:00:00")));
        repo.upsert_photos(&upserts, 1).await.unwrap();
        repo.refresh_albums().await.unwrap();
        let id = repo
            .list_albums(&VisibilityScope::Everything)
            .await
            .unwrap()[0]
            .id;
        let mut read = repo.reader().await.unwrap();
        let all = read
            .album_entries(&VisibilityScope::Everything, id)
            .await
            .unwrap();
        assert_eq!(all.len(), 41);
        repo.set_album_policy(
            id,
            &AlbumPolicy {
                policy: Policy {
                    users: [viewer].into(),
                    ..Policy::default()
                },
                inherit: true,
            },
            2,
        )
        .await
        .unwrap();
        // Hidden: every fifth photo in album order, and the only one of January 2019.
        let hidden: Vec<PhotoId> = all
            .iter()
            .enumerate()
            .filter(|(i, p)| i % 5 == 2 || p.filename == "secret.jpg")
            .map(|(_, p)| p.id)
            .collect();
        for &photo in &hidden {
            repo.set_photo_policy(photo, &Policy::default(), 2)
                .await
                .unwrap();
        }
        let subject = Subject::user(viewer, [], Permissions::default());
        for scope in [VisibilityScope::Everything, VisibilityScope::of(&subject)] {
            let visible = read.album_entries(&scope, id).await.unwrap();
            if scope != VisibilityScope::Everything {
                let expected: Vec<PhotoId> = all
                    .iter()
                    .map(|p| p.id)
                    .filter(|p| !hidden.contains(p))
                    .collect();
                assert_eq!(visible.iter().map(|p| p.id).collect::<Vec<_>>(), expected);
            }
            for size in [1, 3, 7, 100] {
                let mut chunks = Vec::new();
                let mut after: Option<PhotoKey> = None;
                loop {
                    let chunk = read
                        .album_chunk(&scope, id, after.as_ref(), size)
                        .await
                        .unwrap();
                    assert!(chunk.len() <= size as usize);
                    let Some(last) = chunk.last() else { break };
                    after = Some(PhotoKey::from(last));
                    chunks.extend(chunk);
                }
                assert_eq!(
                    chunks.iter().map(|p| p.id).collect::<Vec<_>>(),
                    visible.iter().map(|p| p.id).collect::<Vec<_>>(),
                    "chunks of {size}"
                );
            }
            // The scrubber's place before a month starts at its first visible photo.
            let june = PhotoKey {
                taken_at: Some("2020-06".to_owned()),
                filename: String::new(),
                id: PhotoId::new(i64::MIN),
            };
            let from_june = read
                .album_chunk(&scope, id, Some(&june), 1000)
                .await
                .unwrap();
            let first_june = visible
                .iter()
                .position(|p| p.taken_at.as_deref().is_some_and(|t| t >= "2020-06"))
                .unwrap();
            assert_eq!(
                from_june.iter().map(|p| p.id).collect::<Vec<_>>(),
                visible[first_june..]
                    .iter()
                    .map(|p| p.id)
                    .collect::<Vec<_>>()
            );
            let mut expected: Vec<(Option<String>, i64)> = Vec::new();
            for p in &visible {
                let month = p.taken_at.as_deref().map(|t| t[..7].to_owned());
                match expected.last_mut() {
                    Some((m, n)) if *m == month => *n += 1,
                    _ => expected.push((month, 1)),
                }
            }
            let months = read.album_months(&scope, id).await.unwrap();
            assert_eq!(months, expected);
            let secret_month = months.iter().any(|(m, _)| m.as_deref() == Some("2019-01"));
            assert_eq!(secret_month, scope == VisibilityScope::Everything);
        }
    })
    .await;
}
