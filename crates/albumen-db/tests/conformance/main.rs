//! One behaviour, two databases: every test runs on SQLite, and on PostgreSQL when
//! `ALBUMEN_TEST_DATABASE_URL` names a server (each test gets a fresh database there).
#![allow(clippy::unwrap_used)]
// The suite builds subjects and share links by hand: they are what it checks the SQL against.
#![allow(clippy::disallowed_methods)]

// One module per area of the repository (`Users`, `Sessions`, ...), and `visibility` for what
// a scope sees: lists checked against `decide`.
mod catalog;
mod jobs;
mod policies;
mod sessions;
mod shares;
mod users;
mod visibility;

use std::future::Future;
use std::sync::Arc;

use albumen_core::access::Policy;
use albumen_core::model::{MediaKind, Permissions, PhotoMeta};
use albumen_core::{AlbumId, GroupId, PhotoId, UserId};
use albumen_db::{AlbumUpsert, NewUser, PhotoUpsert, Repo};
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
        skipped_note();
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

/// Says that the PostgreSQL half did not run. Written to stderr directly: the test harness
/// captures `eprintln!`, and this note must be visible in a passing run.
fn skipped_note() {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "note: PostgreSQL conformance run skipped (ALBUMEN_TEST_DATABASE_URL is unset)"
    );
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

/// Two albums with two photos each, two users and a group; returns (albums, photos, users,
/// group).
async fn small_catalog(repo: &dyn Repo) -> (Vec<AlbumId>, Vec<PhotoId>, Vec<UserId>, GroupId) {
    let mut users = Vec::new();
    for name in ["user", "other"] {
        users.push(
            repo.create_user(&new_user(name, Permissions::default()))
                .await
                .unwrap()
                .id,
        );
    }
    let group = repo.create_group("group", 1).await.unwrap();
    repo.set_group_members(group, &users[..1]).await.unwrap();
    repo.upsert_albums(&[album("A", "A", None), album("B", "B", None)], 1)
        .await
        .unwrap();
    repo.upsert_photos(
        &[
            photo("A", "1.jpg", None),
            photo("A", "2.jpg", None),
            photo("B", "3.jpg", None),
            photo("B", "4.jpg", None),
        ],
        1,
    )
    .await
    .unwrap();
    let mut albums = repo.catalog_albums().await.unwrap();
    albums.sort_by(|a, b| a.path.cmp(&b.path));
    let mut photos = repo.catalog_files().await.unwrap();
    photos.sort_by(|a, b| a.path.cmp(&b.path));
    (
        albums.iter().map(|a| a.id).collect(),
        photos.iter().map(|p| p.id).collect(),
        users,
        group,
    )
}

fn public() -> Policy {
    Policy {
        public: true,
        ..Policy::default()
    }
}
