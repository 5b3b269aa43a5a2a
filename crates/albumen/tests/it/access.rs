//! Default deny: until policies exist, only "can see all" users see anything, and everyone else
//! gets the very same 404 for a hidden object as for one that does not exist.

use albumen_core::model::Permissions;

use crate::common::{Session, TestApp, body_without_path};
use crate::fixtures::{Exif, jpeg};

async fn library_with_one_photo() -> (TestApp, i64, i64) {
    let t = TestApp::new().await;
    t.add("2020_05_01_Spring/a.jpg", &jpeg(32, 32, &Exif::default()));
    t.scan().await;
    let album = t
        .repo()
        .list_albums(&albumen_core::access::VisibilityScope::Everything)
        .await
        .unwrap()[0]
        .clone();
    (t, album.id.get(), album.cover.unwrap().get())
}

fn routes(album: impl std::fmt::Display, photo: impl std::fmt::Display) -> Vec<String> {
    vec![
        format!("/albums/{album}"),
        format!("/photos/{photo}"),
        format!("/api/v1/albums/{album}"),
        format!("/media/photos/{photo}/preview/thumb"),
        format!("/media/photos/{photo}/preview/standard"),
        format!("/media/photos/{photo}/original"),
    ]
}

#[tokio::test]
async fn viewers_without_can_see_all_get_404_identical_to_nonexistent() {
    let (t, album, photo) = library_with_one_photo().await;
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
    let viewers: [(&str, Option<&Session>); 3] = [
        ("anonymous", None),
        ("plain", Some(&plain)),
        ("scanner", Some(&scanner)),
    ];
    for (who, session) in viewers {
        // The same routes with ids that do not exist, and with ones that are not ids at all.
        let missing_ids = routes(987_654, 987_655);
        let malformed_ids = routes("x1", "01");
        for (i, route) in routes(album, photo).into_iter().enumerate() {
            let denied = t.get(&route, session).await;
            assert_eq!(denied.status, 404, "{who} {route}");
            for other in [&missing_ids[i], &malformed_ids[i]] {
                let missing = t.get(other, session).await;
                assert_eq!(missing.status, 404, "{who} {other}");
                assert_eq!(
                    body_without_path(&missing, other),
                    body_without_path(&denied, &route),
                    "{who}: {route} vs {other}"
                );
                assert_eq!(
                    missing.header("content-type"),
                    denied.header("content-type")
                );
            }
        }
        let list = t.get("/api/v1/albums", session).await;
        assert_eq!(list.status, 200);
        assert_eq!(list.json(), serde_json::json!([]), "{who}");
        let index = t.get("/", session).await.text();
        assert!(
            !index.contains("Spring"),
            "{who} sees the album on the index"
        );
    }
}

#[tokio::test]
async fn can_see_all_and_admins_see_everything() {
    let (t, album, photo) = library_with_one_photo().await;
    t.create_user(
        "viewer",
        Permissions {
            can_see_all: true,
            ..Permissions::default()
        },
    )
    .await;
    let viewer = t.login("viewer").await;
    let admin = t.admin().await;
    for session in [&viewer, &admin] {
        for route in routes(album, photo) {
            assert_eq!(t.get(&route, Some(session)).await.status, 200, "{route}");
        }
        assert_eq!(
            t.get("/api/v1/albums", Some(session))
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}

#[tokio::test]
async fn a_logged_out_session_sees_nothing_again() {
    let (t, album, _) = library_with_one_photo().await;
    let admin = t.admin().await;
    assert_eq!(
        t.get(&format!("/albums/{album}"), Some(&admin))
            .await
            .status,
        200
    );
    let out = t
        .call(
            axum::http::Method::DELETE,
            "/api/v1/session",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(out.status, 204);
    assert_eq!(
        t.get(&format!("/albums/{album}"), Some(&admin))
            .await
            .status,
        404
    );
}
