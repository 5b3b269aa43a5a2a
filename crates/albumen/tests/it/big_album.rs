//! A big album stays cheap: its page renders one chunk (well under 100 KB even with the longest
//! file names), "More photos" links and the API's `Link` headers walk every visible photo once
//! in album order and never a hidden one, bad cursors and limits are 400s, and the month
//! scrubber counts visible photos only.

use std::collections::BTreeMap;

use albumen_core::access::{AlbumPolicy, Policy};
use albumen_core::model::{MediaKind, Permissions, PhotoMeta};
use albumen_core::{AlbumId, PhotoId};
use albumen_db::{AlbumUpsert, PhotoUpsert};
use axum::http::StatusCode;

use crate::common::{Session, TestApp};

const PHOTOS: u32 = 3000;

struct Big {
    app: TestApp,
    album: AlbumId,
    viewer: Session,
    /// (id, month or None) of what the viewer may see, in album order.
    visible: Vec<(i64, Option<String>)>,
    hidden: Vec<i64>,
}

/// An album of [`PHOTOS`] catalogued photos with 200-character names over 2020–2022 (every
/// 50th undated, many sharing a second), written through the repository (no files: pages only
/// link previews). The viewer may see the album; every seventh photo, and the only photo of
/// December 2019, are hidden from it.
async fn big_album() -> Big {
    let app = TestApp::new().await;
    let repo = app.repo().clone();
    let viewer_user = app.create_user("viewer", Permissions::default()).await;
    repo.upsert_albums(
        &[AlbumUpsert {
            path: "Big".to_owned(),
            parent_path: None,
            category: String::new(),
            name: "Big".to_owned(),
            name_date: None,
        }],
        1,
    )
    .await
    .unwrap();
    let upsert = |filename: String, taken_at: Option<String>| PhotoUpsert {
        id: None,
        album_path: "Big".to_owned(),
        path: format!("Big/{filename}"),
        fs_path: None,
        fingerprint: format!("fp-{filename}"),
        filename,
        kind: MediaKind::Image,
        size: 1000,
        mtime_ns: 1,
        exif_taken_at: taken_at.clone(),
        taken_at,
        width: 4000,
        height: 3000,
        orientation: 1,
        meta: PhotoMeta::default(),
    };
    let mut photos: Vec<PhotoUpsert> = (0..PHOTOS)
        .map(|i| {
            let taken = (i % 50 != 0).then(|| {
                format!(
                    "{}-{:02}-{:02}T10:{:02}:00",
                    2020 + i % 3,
                    1 + (i / 3) % 12,
                    1 + i % 28,
                    (i / 7) % 3
                )
            });
            let name = format!("IMG_{i:05}_{}.jpg", "ü".repeat(92));
            upsert(name, taken)
        })
        .collect();
    photos.push(upsert(
        "only-one-in-december.jpg".to_owned(),
        Some("2019-12-24T18:00:00".to_owned()),
    ));
    repo.upsert_photos(&photos, 1).await.unwrap();
    repo.refresh_albums().await.unwrap();
    let album = repo
        .list_albums(&albumen_core::access::VisibilityScope::Everything)
        .await
        .unwrap()[0]
        .id;
    repo.set_album_policy(
        album,
        &AlbumPolicy {
            policy: Policy {
                users: [viewer_user.id].into(),
                ..Policy::default()
            },
            inherit: true,
        },
        2,
    )
    .await
    .unwrap();
    let all = repo
        .reader()
        .await
        .unwrap()
        .album_entries(&albumen_core::access::VisibilityScope::Everything, album)
        .await
        .unwrap();
    let (hidden, visible): (Vec<_>, Vec<_>) = all
        .iter()
        .enumerate()
        .partition(|(i, p)| i % 7 == 3 || p.filename.starts_with("only-one"));
    let hidden: Vec<PhotoId> = hidden.into_iter().map(|(_, p)| p.id).collect();
    repo.set_photo_policies(&hidden, &Policy::default(), 2)
        .await
        .unwrap();
    let viewer = app.login("viewer").await;
    Big {
        album,
        viewer,
        visible: visible
            .into_iter()
            .map(|(_, p)| (p.id.get(), p.taken_at.as_ref().map(|t| t[..7].to_owned())))
            .collect(),
        hidden: hidden.iter().map(|p| p.get()).collect(),
        app,
    }
}

/// The numbers after each `prefix` in `html`, in order.
fn numbers_after(html: &str, prefix: &str) -> Vec<i64> {
    html.split(prefix)
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// The value of `attribute="…"` after `marker`, if any.
fn attribute_after(html: &str, marker: &str, attribute: &str) -> Option<String> {
    let rest = &html[html.find(marker)? + marker.len()..];
    let start = rest.find(&format!("{attribute}=\""))? + attribute.len() + 2;
    Some(rest[start..][..rest[start..].find('"')?].to_owned())
}

fn ids(visible: &[(i64, Option<String>)]) -> Vec<i64> {
    visible.iter().map(|(id, _)| *id).collect()
}

#[tokio::test]
async fn album_pages_come_in_small_chunks_that_cover_every_visible_photo_once() {
    let big = big_album().await;
    let base = format!("/albums/{}", big.album);
    let mut shown = Vec::new();
    let mut path = base.clone();
    let mut pages = 0;
    loop {
        let reply = big.app.get(&path, Some(&big.viewer)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(
            reply.body.len() <= 100_000,
            "{path}: {} bytes of HTML",
            reply.body.len()
        );
        let html = reply.text();
        let photos = numbers_after(&html, "href=\"/photos/");
        assert!(photos.len() <= 120, "{path}: {} photos", photos.len());
        // About a screen loads at once (the largest paint is there), the rest as it nears.
        assert_eq!(
            html.matches("loading=\"lazy\"").count(),
            photos.len().saturating_sub(6),
            "{path}"
        );
        // The album's count is of all its visible photos, on every chunk.
        assert!(html.contains(&format!("{} photos", big.visible.len())));
        for hidden in &big.hidden {
            assert!(!photos.contains(hidden), "{path}: hidden photo {hidden}");
        }
        assert!(!html.contains("only-one-in-december") && !html.contains("December 2019"));
        shown.extend(photos);
        pages += 1;
        match attribute_after(&html, "id=\"more-photos\"", "href") {
            Some(next) => {
                assert!(next.starts_with("?after="), "{next}");
                path = format!("{base}{next}");
            }
            None => break,
        }
    }
    assert_eq!(
        shown,
        ids(&big.visible),
        "each visible photo once, in order"
    );
    assert_eq!(pages, big.visible.len().div_ceil(120));
}

#[tokio::test]
async fn the_api_pages_with_link_headers_and_keeps_its_shape() {
    let big = big_album().await;
    let viewer = Some(&big.viewer);
    // Without limit or cursor: every visible photo, as before, and no Link.
    let whole = big
        .app
        .get(&format!("/api/v1/albums/{}", big.album), viewer)
        .await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.header("link"), None);
    let body = whole.json();
    for field in ["id", "name", "date", "category", "photo_count", "photos"] {
        assert!(body.get(field).is_some(), "{field}");
    }
    assert!(body.get("next_cursor").is_none());
    let all: Vec<i64> = body["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(all, ids(&big.visible));
    let first = &body["photos"][0];
    for field in ["filename", "date", "width", "height", "sizes", "thumb_v"] {
        assert!(first.get(field).is_some(), "{field}: {first}");
    }
    let source = &first["srcset"][0];
    assert!(source["preset"].is_string() && source["v"].is_string() && source["width"].is_u64());

    // In chunks of 700, by the Link headers.
    let mut path = format!("/api/v1/albums/{}?limit=700", big.album);
    let mut walked = Vec::new();
    loop {
        let reply = big.app.get(&path, viewer).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let body = reply.json();
        assert_eq!(body["photo_count"], big.visible.len());
        let photos = body["photos"].as_array().unwrap();
        assert!(photos.len() <= 700);
        walked.extend(photos.iter().map(|p| p["id"].as_i64().unwrap()));
        let Some(link) = reply.header("link") else {
            assert!(body.get("next_cursor").is_none());
            break;
        };
        let (target, rel) = link.split_once("; ").unwrap();
        assert_eq!(rel, "rel=\"next\"");
        let target = target.strip_prefix('<').unwrap().strip_suffix('>').unwrap();
        assert!(target.starts_with(&format!("/api/v1/albums/{}?limit=700&cursor=", big.album)));
        assert!(target.ends_with(body["next_cursor"].as_str().unwrap()));
        path = target.to_owned();
    }
    assert_eq!(
        walked,
        ids(&big.visible),
        "each visible photo once, in order"
    );

    // A cursor alone takes the default limit.
    let cursor = big
        .app
        .get(&format!("/api/v1/albums/{}?limit=1", big.album), viewer)
        .await
        .json()["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = big
        .app
        .get(
            &format!("/api/v1/albums/{}?cursor={cursor}", big.album),
            viewer,
        )
        .await;
    let photos = reply.json()["photos"].as_array().unwrap().clone();
    assert_eq!(photos.len(), 200);
    assert_eq!(photos[0]["id"], big.visible[1].0);
    assert!(reply.header("link").unwrap().contains("limit=200&cursor="));
}

#[tokio::test]
async fn bad_cursors_limits_and_months_are_400s() {
    let big = big_album().await;
    let viewer = Some(&big.viewer);
    let api = format!("/api/v1/albums/{}", big.album);
    let page = format!("/albums/{}", big.album);
    for query in [
        "limit=0",
        "limit=-5",
        "limit=1001",
        "limit=99999999999999999999",
        "limit=ten",
        "limit=",
        "cursor=",
        "cursor=zz",
        "cursor=c1",
        "cursor=6331",
        "cursor=6331%0A31%0A75",
        "cursor=..%2F..%2Fetc",
    ] {
        let reply = big.app.get(&format!("{api}?{query}"), viewer).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        let error = &reply.json()["error"];
        assert_eq!(error["code"], "bad-request", "{query}");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    for query in [
        "after=zz",
        "after=",
        "from=2021-13",
        "from=2021",
        "from=%3Cscript%3E",
        "after=00&from=2021-01",
    ] {
        let reply = big.app.get(&format!("{page}?{query}"), viewer).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(!reply.text().contains("<script>"));
    }
    // A hidden album stays a 404 whatever the query.
    let stranger = {
        big.app
            .create_user("stranger", Permissions::default())
            .await;
        big.app.login("stranger").await
    };
    for path in [format!("{api}?limit=5"), format!("{page}?from=2021-01")] {
        let reply = big.app.get(&path, Some(&stranger)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn the_scrubber_lists_visible_months_and_jumps_to_them() {
    let big = big_album().await;
    let base = format!("/albums/{}", big.album);
    let html = big.app.get(&base, Some(&big.viewer)).await.text();
    let scrubber = &html[html.find("<nav class=\"scrubber\"").expect("a scrubber")..];
    let scrubber = &scrubber[..scrubber.find("</nav>").unwrap()];
    // Each month once, oldest first, with its count of visible photos; undated ones last.
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for (_, month) in &big.visible {
        *expected
            .entry(month.clone().unwrap_or_else(|| "undated".to_owned()))
            .or_default() += 1;
    }
    let listed: Vec<(String, usize)> = scrubber
        .split("href=\"?from=")
        .skip(1)
        .map(|rest| {
            let month = rest[..rest.find('"').unwrap()].to_owned();
            let count = rest[rest.find("<small>").unwrap() + 7..rest.find("</small>").unwrap()]
                .parse()
                .unwrap();
            (month, count)
        })
        .collect();
    let mut wanted: Vec<(String, usize)> = expected.into_iter().collect();
    // "undated" sorts after the months as text too.
    wanted.sort_by(|a, b| (a.0 == "undated", &a.0).cmp(&(b.0 == "undated", &b.0)));
    assert_eq!(listed, wanted);
    assert!(!scrubber.contains("2019"), "a hidden photo's month");
    assert!(scrubber.contains("title=\"May 2021: "));

    // A month's link starts the grid at that month's first visible photo, under its heading.
    for month in ["2021-05", "2022-12", "undated"] {
        let reply = big
            .app
            .get(&format!("{base}?from={month}"), Some(&big.viewer))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let html = reply.text();
        let first = numbers_after(&html, "href=\"/photos/")[0];
        let at = big
            .visible
            .iter()
            .position(|(_, m)| {
                m.as_deref().unwrap_or("undated") >= month && (month == "undated") == m.is_none()
            })
            .unwrap();
        assert_eq!(first, big.visible[at].0, "{month}");
        let heading = attribute_after(&html, "<h3 class=\"month-heading\"", "data-month");
        assert_eq!(heading.as_deref(), Some(month));
        assert!(html.contains("aria-current=\"true\">"));
    }
}
