//! Media delivery over HTTP: ranges, validators, types and caching headers on every media
//! route, offload headers, and no byte or validator of a hidden photo for anyone not allowed.

use albumen::config::SendFile;
use axum::body::Body;
use axum::http::{Method, Request, header};
use serde_json::json;

use crate::common::{Reply, Session, TestApp, set_modified};
use crate::fixtures::{Exif, jpeg};

mod nginx;

async fn photo_id(t: &TestApp, filename: &str) -> i64 {
    let files = t.repo().catalog_files().await.unwrap();
    files
        .iter()
        .find(|f| f.path.ends_with(filename))
        .unwrap_or_else(|| panic!("{filename} catalogued"))
        .id
        .get()
}

async fn album_id(t: &TestApp) -> i64 {
    t.repo()
        .list_albums(&albumen_core::access::VisibilityScope::Everything)
        .await
        .unwrap()[0]
        .id
        .get()
}

/// A request with extra headers.
async fn fetch(
    t: &TestApp,
    method: Method,
    url: &str,
    session: Option<&Session>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut request = Request::builder().method(method).uri(url);
    if let Some(session) = session {
        request = request.header(header::COOKIE, &session.cookie);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    t.send(request.body(Body::empty()).unwrap()).await
}

/// Bytes with an MP4 `ftyp` box and a recognisable body, enough to test delivery.
fn mp4(len: usize) -> Vec<u8> {
    let mut bytes = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2".to_vec();
    bytes.extend((0..len - bytes.len()).map(|i| (i % 251) as u8));
    bytes
}

#[tokio::test]
async fn originals_answer_ranges_validators_and_head() {
    let t = TestApp::new().await;
    let bytes = jpeg(300, 200, &Exif::default());
    let len = bytes.len();
    t.add("A/p.jpg", &bytes);
    t.scan().await;
    let admin = t.admin().await;
    let url = format!("/media/photos/{}/original", photo_id(&t, "p.jpg").await);
    let get = |headers: &'static [(&'static str, &'static str)]| {
        fetch(&t, Method::GET, &url, Some(&admin), headers)
    };

    let full = get(&[]).await;
    assert_eq!(full.status, 200);
    assert_eq!(full.body, bytes);
    assert_eq!(full.header("accept-ranges"), Some("bytes"));
    assert_eq!(full.header("content-type"), Some("image/jpeg"));
    assert_eq!(full.header("cache-control"), Some("private, no-cache"));
    assert_eq!(full.header("vary"), Some("Cookie"));
    assert_eq!(full.header("x-content-type-options"), Some("nosniff"));
    let etag = full.header("etag").unwrap().to_owned();
    let fingerprint = t.repo().catalog_files().await.unwrap()[0]
        .fingerprint
        .clone();
    assert!(
        etag.starts_with(&format!("\"{fingerprint}-")) && !etag.starts_with("W/"),
        "strong, from the content and the file: {etag}"
    );
    let last_modified = full.header("last-modified").unwrap().to_owned();

    let first = get(&[("range", "bytes=0-9")]).await;
    assert_eq!(first.status, 206);
    assert_eq!(first.body, &bytes[..10]);
    assert_eq!(
        first.header("content-range"),
        Some(format!("bytes 0-9/{len}").as_str())
    );
    assert_eq!(first.header("content-length"), Some("10"));

    let suffix = get(&[("range", "bytes=-5")]).await;
    assert_eq!(suffix.status, 206);
    assert_eq!(suffix.body, &bytes[len - 5..]);

    let multi = get(&[("range", "bytes=0-1, 10-12")]).await;
    assert_eq!(multi.status, 206);
    let content_type = multi.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/byteranges; boundary=")
        .unwrap();
    let mut expected = Vec::new();
    for (i, (start, end)) in [(0, 1), (10, 12)].into_iter().enumerate() {
        if i > 0 {
            expected.extend_from_slice(b"\r\n");
        }
        expected.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Type: image/jpeg\r\nContent-Range: bytes {start}-{end}/{len}\r\n\r\n"
            )
            .as_bytes(),
        );
        expected.extend_from_slice(&bytes[start..=end]);
    }
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(multi.body, expected);
    assert_eq!(
        multi.header("content-length"),
        Some(expected.len().to_string().as_str())
    );

    let beyond = fetch(
        &t,
        Method::GET,
        &url,
        Some(&admin),
        &[("range", &format!("bytes={len}-"))],
    )
    .await;
    assert_eq!(beyond.status, 416);
    assert_eq!(
        beyond.header("content-range"),
        Some(format!("bytes */{len}").as_str())
    );

    for invalid in ["bytes=9-2", "bytes=x-1", "lines=1-2", "bytes = 0-1"] {
        let reply = fetch(&t, Method::GET, &url, Some(&admin), &[("range", invalid)]).await;
        assert_eq!(
            (reply.status.as_u16(), reply.body.len()),
            (200, len),
            "{invalid}"
        );
    }

    // If-Range: the range only for the current version.
    let current = fetch(
        &t,
        Method::GET,
        &url,
        Some(&admin),
        &[("range", "bytes=0-0"), ("if-range", &etag)],
    )
    .await;
    assert_eq!(current.status, 206);
    let stale = get(&[("range", "bytes=0-0"), ("if-range", "\"older\"")]).await;
    assert_eq!((stale.status.as_u16(), stale.body.len()), (200, len));

    // Conditional GETs: If-None-Match, which outranks If-Modified-Since.
    let revalidated = fetch(
        &t,
        Method::GET,
        &url,
        Some(&admin),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(revalidated.status, 304);
    assert!(revalidated.body.is_empty());
    assert_eq!(revalidated.header("etag"), Some(etag.as_str()));
    let by_date = fetch(
        &t,
        Method::GET,
        &url,
        Some(&admin),
        &[("if-modified-since", &last_modified)],
    )
    .await;
    assert_eq!(by_date.status, 304);
    let tag_wins = fetch(
        &t,
        Method::GET,
        &url,
        Some(&admin),
        &[
            ("if-none-match", "\"other\""),
            ("if-modified-since", &last_modified),
        ],
    )
    .await;
    assert_eq!(tag_wins.status, 200);

    let head = fetch(&t, Method::HEAD, &url, Some(&admin), &[]).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(len.to_string().as_str())
    );
    assert_eq!(head.header("etag"), Some(etag.as_str()));
    let head_range = fetch(
        &t,
        Method::HEAD,
        &url,
        Some(&admin),
        &[("range", "bytes=5-9")],
    )
    .await;
    assert_eq!(head_range.status, 206);
    assert_eq!(head_range.header("content-length"), Some("5"));

    let download = t.get(&format!("{url}?download=1"), Some(&admin)).await;
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment; filename=\"p.jpg\"")
    );
    assert!(
        full.header("content-disposition")
            .unwrap()
            .starts_with("inline")
    );
}

#[tokio::test]
async fn content_types_come_from_the_bytes_not_the_name() {
    let t = TestApp::new().await;
    t.add("A/clip.mov", &mp4(4096));
    t.add(
        "A/page.mp4",
        b"<html><script>alert(document.cookie)</script></html>",
    );
    t.add("A/photo.jpg", &jpeg(40, 30, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    for (file, expected) in [
        ("clip.mov", "video/mp4"),
        ("page.mp4", "application/octet-stream"),
        ("photo.jpg", "image/jpeg"),
    ] {
        let id = photo_id(&t, file).await;
        let reply = t
            .get(&format!("/media/photos/{id}/original"), Some(&admin))
            .await;
        assert_eq!(reply.status, 200, "{file}");
        assert_eq!(reply.header("content-type"), Some(expected), "{file}");
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    }
}

#[tokio::test]
async fn videos_can_be_seeked_with_ranges() {
    let t = TestApp::new().await;
    let video = mp4(3 * 1024 * 1024 + 17);
    t.add("Trip/clip.mp4", &video);
    t.scan().await;
    let admin = t.admin().await;
    let url = format!("/media/photos/{}/original", photo_id(&t, "clip.mp4").await);
    // What a browser does: probe the start, then jump around as the user seeks.
    for (range, start, end) in [
        ("bytes=0-", 0, video.len() - 1),
        ("bytes=1048576-", 1_048_576, video.len() - 1),
        ("bytes=2000000-2999999", 2_000_000, 2_999_999),
        ("bytes=-100", video.len() - 100, video.len() - 1),
    ] {
        let reply = fetch(&t, Method::GET, &url, Some(&admin), &[("range", range)]).await;
        assert_eq!(reply.status, 206, "{range}");
        assert_eq!(reply.header("content-type"), Some("video/mp4"));
        assert_eq!(
            reply.header("content-range"),
            Some(format!("bytes {start}-{end}/{}", video.len()).as_str())
        );
        assert!(reply.body == video[start..=end], "{range}: wrong bytes");
    }
}

#[tokio::test]
async fn previews_support_ranges_and_are_public_only_when_anyone_may_see_them() {
    let t = TestApp::new().await;
    t.add("Open/o.jpg", &jpeg(640, 480, &Exif::default()));
    t.add("Closed/c.jpg", &jpeg(640, 480, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let open = photo_id(&t, "o.jpg").await;
    let closed = photo_id(&t, "c.jpg").await;
    t.put_ok(
        &admin,
        &format!("/api/v1/photos/{open}/policy"),
        json!({"public": true}),
    )
    .await;

    for viewer in [None, Some(&admin)] {
        let public = t
            .get(&format!("/media/photos/{open}/preview/thumb"), viewer)
            .await;
        assert_eq!(public.status, 200);
        // Unversioned (versioned URLs are in tests/it/previews.rs): kept an hour.
        assert_eq!(public.header("cache-control"), Some("public, max-age=3600"));
        assert_eq!(public.header("vary"), Some("Accept"));
    }
    let private = t
        .get(
            &format!("/media/photos/{closed}/preview/thumb"),
            Some(&admin),
        )
        .await;
    assert_eq!(private.status, 200);
    assert_eq!(
        private.header("cache-control"),
        Some("private, max-age=3600")
    );
    assert_eq!(private.header("vary"), Some("Cookie, Accept"));
    assert_eq!(private.header("content-type"), Some("image/jpeg"));
    assert!(private.header("last-modified").is_some());
    assert_eq!(
        private.header("content-disposition"),
        Some("inline; filename=\"c.jpg\"; filename*=UTF-8''c.jpg")
    );

    let url = format!("/media/photos/{closed}/preview/thumb");
    let part = fetch(
        &t,
        Method::GET,
        &url,
        Some(&admin),
        &[("range", "bytes=2-5")],
    )
    .await;
    assert_eq!(part.status, 206);
    assert_eq!(part.body, &private.body[2..6]);
    let head = fetch(&t, Method::HEAD, &url, Some(&admin), &[]).await;
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(private.body.len().to_string().as_str())
    );
}

#[tokio::test]
async fn cached_previews_are_sent_from_their_file() {
    // Without the memory cache, which would answer before the file is read.
    let t = TestApp::with_config(|c| c.previews.memory_cache_mb = 0).await;
    t.add("A/p.jpg", &jpeg(640, 480, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    // The smallest preset, so its file is the only one made.
    let url = format!(
        "/media/photos/{}/preview/thumb",
        photo_id(&t, "p.jpg").await
    );
    let first = t.get(&url, Some(&admin)).await;
    assert_eq!(first.status, 200);
    // Age the cached file: only an answer streamed from that file carries its date.
    let cached = walk_files(&t.state.config.cache_dir());
    assert_eq!(cached.len(), 1);
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    crate::common::set_modified(&cached[0], old);
    let second = t.get(&url, Some(&admin)).await;
    assert_eq!(second.body, first.body);
    assert_eq!(
        second.header("last-modified"),
        Some("Sun, 09 Sep 2001 01:46:40 GMT")
    );
}

#[tokio::test]
async fn previews_in_memory_are_served_only_to_who_may_see_them() {
    let t = TestApp::new().await;
    t.add("A/p.jpg", &jpeg(640, 480, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    t.create_user("bob", albumen_core::model::Permissions::default())
        .await;
    let bob = t.login("bob").await;
    let url = format!(
        "/media/photos/{}/preview/thumb",
        photo_id(&t, "p.jpg").await
    );
    let first = t.get(&url, Some(&admin)).await;
    assert_eq!(first.status, 200);
    // With the cache folder gone, the bytes still come from memory, not a new render…
    std::fs::remove_dir_all(t.state.config.cache_dir()).unwrap();
    let second = t.get(&url, Some(&admin)).await;
    assert_eq!((second.status, &second.body), (first.status, &first.body));
    assert!(
        walk_files(&t.state.config.cache_dir()).is_empty(),
        "not rendered again"
    );
    // …and still only after the same authorization: Bob may not see the album.
    let nonexistent = t
        .get("/media/photos/999999/preview/thumb", Some(&bob))
        .await;
    let denied = t.get(&url, Some(&bob)).await;
    assert_eq!(denied.status, 404);
    assert_eq!(denied.body, nonexistent.body);
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk_files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Every media route, with every method and header that could reveal something, answers a
/// viewer who may not see the photo exactly as it answers for an id that does not exist.
#[tokio::test]
async fn hidden_photos_are_the_same_404_on_every_route_method_and_header() {
    let t = TestApp::new().await;
    t.add("A/p.jpg", &jpeg(64, 48, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    t.create_user("carol", albumen_core::model::Permissions::default())
        .await;
    let carol = t.login("carol").await;
    let photo = photo_id(&t, "p.jpg").await;
    let album = album_id(&t).await;
    let routes = |photo: i64, album: i64| {
        [
            format!("/media/photos/{photo}/preview/thumb"),
            format!("/media/photos/{photo}/original"),
            format!("/media/photos/{photo}/original?download=1"),
            format!("/albums/{album}/export.zip"),
        ]
    };
    // Real validators, as an allowed viewer got them.
    let mut etags = Vec::new();
    for route in routes(photo, album) {
        let reply = t.get(&route, Some(&admin)).await;
        assert_eq!(reply.status, 200, "{route}");
        etags.push(reply.header("etag").unwrap().to_owned());
    }
    let missing = routes(987_654, 987_655);
    for (who, session) in [("anonymous", None), ("carol", Some(&carol))] {
        for (i, route) in routes(photo, album).iter().enumerate() {
            let header_sets: [Vec<(&str, &str)>; 5] = [
                vec![],
                vec![("range", "bytes=0-0")],
                vec![("if-none-match", &etags[i])],
                vec![("if-modified-since", "Fri, 01 Jan 2100 00:00:00 GMT")],
                vec![("range", "bytes=0-0"), ("if-range", &etags[i])],
            ];
            for method in [Method::GET, Method::HEAD] {
                for headers in &header_sets {
                    let denied = fetch(&t, method.clone(), route, session, headers).await;
                    let absent = fetch(&t, method.clone(), &missing[i], session, headers).await;
                    let what = format!("{who} {method} {route} {headers:?}");
                    assert_eq!(denied.status, 404, "{what}");
                    assert_eq!(absent.status, 404, "{what}");
                    assert_eq!(denied.body, absent.body, "{what}");
                    for name in ["content-type", "content-length", "etag", "x-accel-redirect"] {
                        assert_eq!(denied.header(name), absent.header(name), "{what} {name}");
                    }
                }
            }
        }
    }

    // Made private after a viewer cached it: the old ETag gets 404, never 304.
    let id = photo;
    t.put_ok(
        &admin,
        &format!("/api/v1/photos/{id}/policy"),
        json!({"public": true}),
    )
    .await;
    let url = format!("/media/photos/{id}/preview/thumb");
    let seen = t.get(&url, None).await;
    assert_eq!(seen.status, 200);
    let etag = seen.header("etag").unwrap().to_owned();
    assert_eq!(
        fetch(&t, Method::GET, &url, None, &[("if-none-match", &etag)])
            .await
            .status,
        304
    );
    let reply = t
        .call(
            Method::DELETE,
            &format!("/api/v1/photos/{id}/policy"),
            Some(&admin),
            None,
        )
        .await;
    assert!(reply.status.is_success(), "{}", reply.text());
    let revoked = fetch(&t, Method::GET, &url, None, &[("if-none-match", &etag)]).await;
    assert_eq!(revoked.status, 404);
}

#[tokio::test]
async fn x_accel_hands_authorized_originals_to_nginx_and_nothing_else() {
    let t = TestApp::with_config(|c| c.server.send_file = SendFile::XAccel).await;
    let bytes = jpeg(64, 48, &Exif::default());
    t.add("2020 Été/a%b?c#d+e f.jpg", &bytes);
    t.scan().await;
    let admin = t.admin().await;
    let url = format!("/media/photos/{}/original", photo_id(&t, "f.jpg").await);

    let reply = fetch(
        &t,
        Method::GET,
        &url,
        Some(&admin),
        &[("x-accel-redirect", "/_albumen_internal/etc/passwd")],
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.is_empty(), "nginx sends the bytes");
    assert_eq!(
        reply.header("x-accel-redirect"),
        Some("/_albumen_internal/2020%20%C3%89t%C3%A9/a%25b%3Fc%23d%2Be%20f.jpg"),
        "the catalogued file, never the client's header"
    );
    assert_eq!(reply.header("content-type"), Some("image/jpeg"));
    assert_eq!(reply.header("cache-control"), Some("private, no-cache"));
    assert!(
        reply
            .header("content-disposition")
            .unwrap()
            .starts_with("inline")
    );

    // A preview is never offloaded; a denied original carries no offload header at all.
    let preview = t
        .get(&url.replace("original", "preview/thumb"), Some(&admin))
        .await;
    assert_eq!(preview.header("x-accel-redirect"), None);
    let denied = fetch(
        &t,
        Method::GET,
        &url,
        None,
        &[(
            "x-accel-redirect",
            "/_albumen_internal/2020%20%C3%89t%C3%A9/",
        )],
    )
    .await;
    assert_eq!(denied.status, 404);
    assert_eq!(denied.header("x-accel-redirect"), None);
}

#[tokio::test]
async fn x_sendfile_names_the_absolute_path() {
    let t = TestApp::with_config(|c| {
        c.server.send_file = SendFile::XSendfile;
        c.server.x_sendfile_root = Some("/srv/photos".into());
    })
    .await;
    t.add("A/b c.jpg", &jpeg(16, 16, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let url = format!("/media/photos/{}/original", photo_id(&t, "b c.jpg").await);
    let reply = t.get(&url, Some(&admin)).await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.is_empty());
    assert_eq!(reply.header("x-sendfile"), Some("/srv/photos/A/b%20c.jpg"));
    assert_eq!(t.get(&url, None).await.header("x-sendfile"), None);
}

/// S16, TOCTOU: the scan saw regular files and folders; a symlink swapped in afterwards, for a
/// file or for an album's folder, leads nowhere: originals and ZIP exports answer as for a
/// missing file and a fresh preview is the placeholder, never the outside file. The library
/// root itself may be a symlink (`~/Pictures -> /mnt/photos`).
#[tokio::test]
async fn symlinks_swapped_in_after_the_scan_lead_nowhere() {
    use std::os::unix::fs::symlink;
    let t = TestApp::with_config(|c| {
        let link = c.library.path.with_file_name("library-link");
        symlink(&c.library.path, &link).unwrap();
        c.library.path = link;
    })
    .await;
    let secret = jpeg(90, 60, &Exif::default());
    let outside = t.dir.path().join("outside");
    std::fs::create_dir_all(outside.join("B")).unwrap();
    std::fs::write(outside.join("secret.jpg"), &secret).unwrap();
    std::fs::write(outside.join("B/b.jpg"), &secret).unwrap();
    let kept = jpeg(64, 48, &Exif::default());
    t.add("A/kept.jpg", &kept);
    t.add("A/swapped.jpg", &jpeg(70, 50, &Exif::default()));
    t.add("A/gone.jpg", &jpeg(80, 40, &Exif::default()));
    t.add("B/b.jpg", &jpeg(60, 70, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let [kept_id, swapped, gone, b] = [
        photo_id(&t, "kept.jpg").await,
        photo_id(&t, "swapped.jpg").await,
        photo_id(&t, "gone.jpg").await,
        photo_id(&t, "b.jpg").await,
    ];

    // Through the symlinked root, an untouched photo is served.
    let original = t
        .get(&format!("/media/photos/{kept_id}/original"), Some(&admin))
        .await;
    assert_eq!(
        (original.status.as_u16(), original.body == kept),
        (200, true)
    );
    let thumb = t
        .get(
            &format!("/media/photos/{kept_id}/preview/thumb"),
            Some(&admin),
        )
        .await;
    assert_eq!(thumb.status, 200);
    assert!(!thumb.is_placeholder(), "a real preview");

    // What a missing file looks like.
    std::fs::remove_file(t.library().join("A/gone.jpg")).unwrap();
    let placeholder = t
        .get(&format!("/media/photos/{gone}/preview/thumb"), Some(&admin))
        .await;
    assert!(placeholder.is_placeholder());

    // A file, and an album's folder, replaced by symlinks to outside the library.
    let swapped_path = t.library().join("A/swapped.jpg");
    std::fs::remove_file(&swapped_path).unwrap();
    symlink(outside.join("secret.jpg"), &swapped_path).unwrap();
    std::fs::remove_dir_all(t.library().join("B")).unwrap();
    symlink(outside.join("B"), t.library().join("B")).unwrap();
    for id in [swapped, b] {
        let original = t
            .get(&format!("/media/photos/{id}/original"), Some(&admin))
            .await;
        assert_eq!(original.status, 404, "photo {id}");
        assert!(original.body != secret, "photo {id}");
        let preview = t
            .get(&format!("/media/photos/{id}/preview/thumb"), Some(&admin))
            .await;
        assert_eq!(preview.status, 200, "photo {id}: {}", preview.text());
        assert!(
            preview.body == placeholder.body,
            "photo {id}: the placeholder, not a preview of the outside file"
        );
    }
    for album in t
        .repo()
        .list_albums(&albumen_core::access::VisibilityScope::Everything)
        .await
        .unwrap()
    {
        let zip = t
            .get(
                &format!("/albums/{}/export.zip", album.id.get()),
                Some(&admin),
            )
            .await;
        assert!(
            !zip.body.windows(secret.len()).any(|w| w == secret),
            "album {}: the outside file is not exported",
            album.name
        );
    }
}

/// A browser revalidating an original it fetched before the file changed must not be told
/// "not modified": a file gone since the scan is a 404, one replaced is sent again.
#[tokio::test]
async fn revalidating_a_changed_or_missing_original_is_never_not_modified() {
    let t = TestApp::new().await;
    // Trailing bytes after a JPEG's end are ignored: room for the replacement to match its size.
    let mut before = jpeg(120, 80, &Exif::default());
    before.resize(before.len() + 512, 0);
    t.add("A/replaced.jpg", &before);
    t.add("A/gone.jpg", &jpeg(90, 60, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let replaced = format!(
        "/media/photos/{}/original",
        photo_id(&t, "replaced.jpg").await
    );
    let gone = format!("/media/photos/{}/original", photo_id(&t, "gone.jpg").await);
    let etag_of = |reply: &Reply| reply.header("etag").unwrap().to_owned();
    let replaced_etag = etag_of(&t.get(&replaced, Some(&admin)).await);
    let gone_etag = etag_of(&t.get(&gone, Some(&admin)).await);
    let unchanged = fetch(
        &t,
        Method::GET,
        &replaced,
        Some(&admin),
        &[("if-none-match", &replaced_etag)],
    )
    .await;
    assert_eq!(unchanged.status, 304, "unchanged files still revalidate");

    // Replaced by a photo of the same size, an hour later; the other deleted. No rescan.
    let mut after = jpeg(
        120,
        80,
        &Exif {
            camera: Some("Other camera"),
            ..Exif::default()
        },
    );
    assert!(after.len() <= before.len());
    after.resize(before.len(), 0);
    let path = t.library().join("A/replaced.jpg");
    std::fs::write(&path, &after).unwrap();
    set_modified(
        &path,
        std::time::SystemTime::now() + std::time::Duration::from_secs(3600),
    );
    std::fs::remove_file(t.library().join("A/gone.jpg")).unwrap();

    for method in [Method::GET, Method::HEAD] {
        let reply = fetch(
            &t,
            method.clone(),
            &replaced,
            Some(&admin),
            &[("if-none-match", &replaced_etag)],
        )
        .await;
        assert_eq!(reply.status, 200, "{method}");
        assert_ne!(reply.header("etag"), Some(replaced_etag.as_str()));
        if method == Method::GET {
            assert_eq!(reply.body, after);
        }
        let missing = fetch(
            &t,
            method.clone(),
            &gone,
            Some(&admin),
            &[("if-none-match", &gone_etag)],
        )
        .await;
        assert_eq!(missing.status, 404, "{method}");
    }
}
