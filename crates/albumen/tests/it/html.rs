use albumen_core::access::VisibilityScope;

use crate::common::TestApp;
use crate::fixtures::{Exif, jpeg};

#[tokio::test]
async fn the_index_lists_albums_newest_first_with_thumbnails() {
    let t = TestApp::new().await;
    t.add("2012_06_01_Summer/a.jpg", &jpeg(32, 32, &Exif::default()));
    t.add(
        "2013_01_19_Snow in Paris/a.jpg",
        &jpeg(32, 32, &Exif::default()),
    );
    t.add(
        "2011_12_24_Xmas & <Family>/a.jpg",
        &jpeg(32, 32, &Exif::default()),
    );
    t.scan().await;
    let admin = t.admin().await;
    let page = t.get("/", Some(&admin)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text();
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    assert!(at("Snow in Paris") < at("Summer") && at("Summer") < at("Xmas"));
    assert!(
        html.contains("Xmas &amp; &lt;Family&gt;"),
        "names are escaped"
    );
    assert!(html.contains("19 January 2013"));
    assert_eq!(html.matches("<img src=\"/media/photos/").count(), 3);
    // Sharp on high-density screens, light on phones: the grid and standard previews are
    // offered by width next to the thumbnail, each URL versioned so browsers keep it.
    for (preset, width) in [("thumb", 256), ("grid", 800), ("standard", 1600)] {
        let marker = format!("/preview/{preset}?v=");
        let offered = html
            .match_indices(&marker)
            .filter(|(at, _)| {
                let version = &html[at + marker.len()..];
                let end = version.find(|c: char| !c.is_ascii_hexdigit()).unwrap();
                version[end..].starts_with(&format!(" {width}w"))
            })
            .count();
        assert_eq!(offered, 3, "{preset} {width}w: {html}");
    }
    // The first screen's covers load at once (the largest paint is among them).
    assert_eq!(html.matches("loading=\"lazy\"").count(), 0);
    assert_eq!(html.matches("fetchpriority=\"high\"").count(), 1);
    assert!(
        html.contains("alt=\"Snow in Paris\""),
        "covers are described"
    );
}

#[tokio::test]
async fn the_index_has_one_heading_per_year_and_nests_sub_albums_in_their_card() {
    let t = TestApp::new().await;
    for (path, taken) in [
        ("2013_01_19_Snow in Paris/a.jpg", "2013:01:19 10:00:00"),
        ("2013_01_19_Snow in Paris/b.jpg", "2013:01:19 11:00:00"),
        ("2013_06_02_Picnic/a.jpg", "2013:06:02 10:00:00"),
        ("Family/a.jpg", "2012:08:10 10:00:00"),
        ("Family/Garden/a.jpg", "2014:05:01 10:00:00"),
        ("Family/Garden/Pond/a.jpg", "2014:05:02 10:00:00"),
    ] {
        t.add(path, &jpeg(32, 24, &Exif::taken(taken)));
    }
    t.scan().await;
    let admin = t.admin().await;
    let html = t.get("/", Some(&admin)).await.text();
    // One heading per year, even with several albums in it; none for a year only sub-albums have.
    assert_eq!(html.matches("<h2>2013</h2>").count(), 1, "{html}");
    assert_eq!(html.matches("<h2>2012</h2>").count(), 1);
    assert!(!html.contains("<h2>2014</h2>"));
    assert_eq!(
        html.matches("href=\"#y").count(),
        2,
        "one jump link per year"
    );
    // Top-level cards; the sub-albums sit in their top-level album's card, still linked.
    assert_eq!(html.matches("<li class=\"card\">").count(), 3);
    assert!(html.contains("+2 albums inside"), "{html}");
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    assert!(at("<h2>2013</h2>") < at("Picnic") && at("Picnic") < at("Snow in Paris"));
    assert!(at("Snow in Paris") < at("<h2>2012</h2>"));
    assert!(
        at("<span class=\"name\">Family</span>") < at("<span class=\"name\">Garden</span>"),
        "{html}"
    );
    // Counts: what this viewer may see.
    assert!(html.contains("19 January 2013 · 2 photos"));
    assert!(html.contains("2 June 2013 · 1 photo<"));
    assert!(html.contains("id=\"album-search\""));
}

#[tokio::test]
async fn album_and_photo_pages_link_through_the_album_in_order() {
    let t = TestApp::new().await;
    for (name, taken) in [
        ("c.jpg", "2020:01:01 10:00:03"),
        ("a.jpg", "2020:01:01 10:00:01"),
        ("b.jpg", "2020:01:01 10:00:02"),
    ] {
        t.add(&format!("Trip/{name}"), &jpeg(32, 32, &Exif::taken(taken)));
    }
    t.scan().await;
    let admin = t.admin().await;
    let album = t
        .repo()
        .list_albums(&VisibilityScope::Everything)
        .await
        .unwrap()[0]
        .clone();
    let photos = t
        .repo()
        .album_photos(&VisibilityScope::Everything, album.id)
        .await
        .unwrap();
    let ids: Vec<_> = photos.iter().map(|p| p.id.get()).collect();
    assert_eq!(
        photos
            .iter()
            .map(|p| p.filename.as_str())
            .collect::<Vec<_>>(),
        ["a.jpg", "b.jpg", "c.jpg"]
    );

    let page = t
        .get(&format!("/albums/{}", album.id), Some(&admin))
        .await
        .text();
    let links: Vec<_> = ids
        .iter()
        .map(|id| page.find(&format!("href=\"/photos/{id}\"")).unwrap())
        .collect();
    assert!(links.windows(2).all(|w| w[0] < w[1]), "grid in album order");

    let middle = t
        .get(&format!("/photos/{}", ids[1]), Some(&admin))
        .await
        .text();
    assert!(middle.contains(&format!("href=\"/photos/{}\" rel=\"prev\"", ids[0])));
    assert!(middle.contains(&format!("href=\"/photos/{}\" rel=\"next\"", ids[2])));
    assert!(middle.contains(&format!("/media/photos/{}/preview/standard", ids[1])));
    assert!(middle.contains("2 / 3"));
    let first = t
        .get(&format!("/photos/{}", ids[0]), Some(&admin))
        .await
        .text();
    assert!(!first.contains("rel=\"prev\""));
}

#[tokio::test]
async fn pages_load_nothing_from_other_sites() {
    let t = TestApp::new().await;
    t.add("Trip/a.jpg", &jpeg(32, 32, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    for path in ["/", "/login", "/albums/1", "/photos/1", "/nope"] {
        let reply = t.get(path, Some(&admin)).await;
        let csp = reply.header("content-security-policy").unwrap();
        assert!(csp.contains("default-src 'none'"), "{path}");
        let html = reply.text();
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{path} references another site"
        );
    }
    let css = t.get("/assets/app.css", None).await;
    assert_eq!(css.status, 200);
    assert!(css.header("cache-control").unwrap().contains("immutable"));
}

#[tokio::test]
async fn the_login_page_and_a_private_index_for_anonymous_visitors() {
    let t = TestApp::new().await;
    let login = t.get("/login", None).await;
    assert_eq!(login.status, 200);
    assert!(login.text().contains("name=\"password\""));
    let index = t.get("/", None).await.text();
    assert!(index.contains("href=\"/login\""));
}

#[tokio::test]
async fn container_albums_list_their_sub_albums_and_children_link_back() {
    let t = TestApp::new().await;
    t.add(
        "2013/01_19_Snow in Paris/a.jpg",
        &jpeg(32, 32, &Exif::taken("2013:01:19 10:00:00")),
    );
    t.add(
        "2013/02_14_Valentine/b.jpg",
        &jpeg(32, 32, &Exif::taken("2013:02:14 10:00:00")),
    );
    t.scan().await;
    let admin = t.admin().await;
    let ids: std::collections::HashMap<String, albumen_core::AlbumId> = t
        .repo()
        .catalog_albums()
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.path, a.id))
        .collect();
    let year = ids["2013"];
    let snow = ids["2013/01_19_Snow in Paris"];
    let valentine = ids["2013/02_14_Valentine"];

    let page = t.get(&format!("/albums/{year}"), Some(&admin)).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("Sub-albums"));
    assert!(!html.contains("not allowed to see any photo"));
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    assert!(at(&format!("href=\"/albums/{valentine}\"")) < at(&format!("href=\"/albums/{snow}\"")));

    let page = t.get(&format!("/albums/{snow}"), Some(&admin)).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains(&format!(
        "<a href=\"/\">Albums</a> › <a href=\"/albums/{year}\">2013</a>"
    )));
    assert!(!html.contains("Sub-albums"));
}

#[tokio::test]
async fn album_pages_lay_photos_out_by_aspect_ratio_and_offer_the_zip() {
    let t = TestApp::new().await;
    t.add("Trip/wide.jpg", &jpeg(64, 32, &Exif::default()));
    t.add("Trip/tall.jpg", &jpeg(24, 48, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let album = t
        .repo()
        .list_albums(&VisibilityScope::Everything)
        .await
        .unwrap()[0]
        .id;
    let html = t
        .get(&format!("/albums/{album}"), Some(&admin))
        .await
        .text();
    assert!(html.contains("<ul class=\"grid justified\">"), "{html}");
    assert!(html.contains("data-w=\"64\" data-h=\"32\""), "{html}");
    assert!(html.contains("data-w=\"24\" data-h=\"48\""), "{html}");
    assert!(
        html.contains("width=\"64\" height=\"32\""),
        "no layout shift"
    );
    // The rows' ratios are in the markup (CSS reads them before any script runs), and the
    // first screen loads at once, the first photo first.
    assert!(
        html.contains("data-r=\"2.0\"") && html.contains("data-r=\"0.5\""),
        "{html}"
    );
    assert_eq!(html.matches("loading=\"lazy\"").count(), 0);
    assert_eq!(html.matches("fetchpriority=\"high\"").count(), 1);
    assert!(html.contains(&format!("href=\"/albums/{album}/export.zip\"")));
    // Anonymous visitors of a private album see nothing, and no ZIP.
    let page = t.get(&format!("/albums/{album}"), None).await;
    assert!(!page.text().contains("export.zip"));
}

/// The `<img>` of `photo` in an album page's rows: its `src`, `srcset` and `sizes`.
fn row_image(html: &str, photo: i64) -> (String, String, String) {
    let at = html
        .find(&format!("<a href=\"/photos/{photo}\"><img "))
        .unwrap_or_else(|| panic!("no row image of photo {photo} in {html}"));
    let tag = &html[at + html[at..].find("<img ").unwrap()..];
    let tag = &tag[..tag.find('>').unwrap()];
    let attr = |name: &str| {
        tag.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no {name} in {tag}"))
            .replace("&amp;", "&")
    };
    (attr("src"), attr("srcset"), attr("sizes"))
}

#[tokio::test]
async fn album_rows_load_the_grid_preview_and_offer_the_standard_one_by_width() {
    let t = TestApp::new().await;
    t.add("Trip/wide.jpg", &jpeg(3000, 2000, &Exif::default()));
    t.add("Trip/tall.jpg", &jpeg(1200, 1800, &Exif::default()));
    t.add("Trip/small.jpg", &jpeg(600, 400, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let album = t
        .repo()
        .list_albums(&VisibilityScope::Everything)
        .await
        .unwrap()[0]
        .id;
    let html = t
        .get(&format!("/albums/{album}"), Some(&admin))
        .await
        .text();
    let wide = t.photo_id("wide.jpg").await;
    let (src, srcset, sizes) = row_image(&html, wide);
    assert!(
        src.starts_with(&format!("/media/photos/{wide}/preview/grid?v=")),
        "{src}"
    );
    let entries: Vec<&str> = srcset.split(", ").collect();
    assert_eq!(entries.len(), 2, "{srcset}");
    assert_eq!(entries[0], format!("{src} 800w"));
    assert!(entries[1].starts_with(&format!("/media/photos/{wide}/preview/standard?v=")));
    assert!(entries[1].ends_with(" 1600w"), "{srcset}");
    // The cell's width: aspect ratio × row height, for each of app.css's row heights.
    assert_eq!(
        sizes,
        "(max-width: 40rem) 195px, (min-width: 100rem) 390px, 330px"
    );
    // Real widths, not the boxes', for a portrait photo.
    let tall = t.photo_id("tall.jpg").await;
    let (_, srcset, sizes) = row_image(&html, tall);
    assert!(
        srcset.contains("/preview/grid?v=") && srcset.contains(" 533w, "),
        "{srcset}"
    );
    assert!(srcset.ends_with(" 1067w"), "{srcset}");
    assert_eq!(
        sizes,
        "(max-width: 40rem) 87px, (min-width: 100rem) 174px, 147px"
    );
    // A photo smaller than both boxes: one size only.
    let small = t.photo_id("small.jpg").await;
    let (src, srcset, _) = row_image(&html, small);
    assert_eq!(srcset, format!("{src} 600w"));
    assert!(
        html.contains("width=\"3000\" height=\"2000\""),
        "no layout shift"
    );
}

#[tokio::test]
async fn album_rows_fall_back_to_the_standard_preview_without_a_grid_preset() {
    let t = TestApp::with_config(|c| {
        c.previews.presets.remove("grid");
    })
    .await;
    t.add("Trip/wide.jpg", &jpeg(3000, 2000, &Exif::default()));
    t.scan().await;
    let admin = t.admin().await;
    let album = t
        .repo()
        .list_albums(&VisibilityScope::Everything)
        .await
        .unwrap()[0]
        .id;
    let html = t
        .get(&format!("/albums/{album}"), Some(&admin))
        .await
        .text();
    let wide = t.photo_id("wide.jpg").await;
    let (src, srcset, _) = row_image(&html, wide);
    assert!(
        src.starts_with(&format!("/media/photos/{wide}/preview/standard?v=")),
        "{src}"
    );
    assert_eq!(srcset, format!("{src} 1600w"));
    assert!(!html.contains("/preview/grid"), "{html}");
    let preview = t.get(&src, Some(&admin)).await;
    assert_eq!(preview.status, 200);
}

#[tokio::test]
async fn album_pages_lead_to_the_albums_beside_them_that_the_viewer_may_see() {
    let t = TestApp::new().await;
    for (path, taken) in [
        ("Spring/a.jpg", "2011:05:01 10:00:00"),
        ("Hidden from ann/a.jpg", "2012:05:01 10:00:00"),
        ("Summer/a.jpg", "2013:05:01 10:00:00"),
        ("Autumn/a.jpg", "2014:05:01 10:00:00"),
        ("Summer/Boat/a.jpg", "2013:05:02 10:00:00"),
        ("Summer/Beach/a.jpg", "2013:05:02 10:00:00"),
    ] {
        t.add(path, &jpeg(32, 24, &Exif::taken(taken)));
    }
    t.scan().await;
    let admin = t.admin().await;
    let ann = t.api_user(&admin, "ann", serde_json::json!([])).await;
    let albums = t.get("/api/v1/albums", Some(&admin)).await.json();
    let id = |name: &str| {
        albums
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {albums}"))["id"]
            .as_i64()
            .unwrap()
    };
    for name in ["Spring", "Summer", "Autumn", "Beach", "Boat"] {
        t.put_ok(
            &admin,
            &format!("/api/v1/albums/{}/policy", id(name)),
            serde_json::json!({"users": [ann]}),
        )
        .await;
    }
    let nav = |html: &str| -> Vec<(String, String)> {
        let Some(at) = html.find("<nav class=\"album-nav\"") else {
            return Vec::new();
        };
        let nav = &html[at..at + html[at..].find("</nav>").unwrap()];
        nav.split("<a class=\"")
            .skip(1)
            .map(|a| {
                let class = a.split('"').next().unwrap().to_owned();
                let href = a
                    .split("href=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap();
                (class, href.to_owned())
            })
            .collect()
    };
    let link = |class: &str, name: &str| (class.to_owned(), format!("/albums/{}", id(name)));
    // The index's order, newest first: Autumn, Summer, (Hidden from ann,) Spring.
    let ann = t.login("ann").await;
    let summer = t
        .get(&format!("/albums/{}", id("Summer")), Some(&ann))
        .await
        .text();
    assert_eq!(
        nav(&summer),
        [link("before", "Autumn"), link("after", "Spring")]
    );
    assert!(summer.contains("Previous album") && summer.contains("Next album"));
    let spring = t
        .get(&format!("/albums/{}", id("Spring")), Some(&ann))
        .await
        .text();
    assert_eq!(
        nav(&spring),
        [link("before", "Summer")],
        "ann never hears of the hidden album"
    );
    assert!(!spring.contains("Hidden from ann"));
    let everything = t
        .get(&format!("/albums/{}", id("Spring")), Some(&admin))
        .await
        .text();
    assert_eq!(nav(&everything), [link("before", "Hidden from ann")]);
    // Sub-albums lead to the albums of their own folder.
    let beach = t
        .get(&format!("/albums/{}", id("Beach")), Some(&ann))
        .await
        .text();
    assert_eq!(nav(&beach), [link("after", "Boat")]);
}

/// A JPEG of one colour.
fn solid_jpeg(rgb: [u8; 3]) -> Vec<u8> {
    let img = image::ImageBuffer::from_pixel(64, 48, image::Rgb(rgb));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&img)
        .unwrap();
    out
}

/// The `data-c` colour on the element carrying `marker`'s nearest `<li` or `<img` before it.
fn painted(html: &str, tag_start: &str, marker: &str) -> Option<[u8; 3]> {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} missing in {html}"));
    let start = html[..at].rfind(tag_start).unwrap();
    let tag = &html[start..start + html[start..].find('>').unwrap()];
    let hex = tag.split(" data-c=\"#").nth(1)?.get(..6)?;
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    Some([byte(0), byte(2), byte(4)])
}

#[tokio::test]
async fn tiles_and_covers_are_painted_their_photos_colour_until_the_image_loads() {
    let t = TestApp::new().await;
    t.add("Red/a.jpg", &solid_jpeg([200, 40, 10]));
    t.add("Red/b.jpg", &solid_jpeg([10, 40, 200]));
    t.scan().await;
    let admin = t.admin().await;
    let album = t
        .repo()
        .list_albums(&VisibilityScope::Everything)
        .await
        .unwrap()[0]
        .id;
    let (a, b) = (t.photo_id("a.jpg").await, t.photo_id("b.jpg").await);
    let page = format!("/albums/{album}");
    let tile = |html: &str, id: i64| painted(html, "<li", &format!("href=\"/photos/{id}\""));
    // Unknown until the previews are made: no colour rather than a wrong one.
    assert_eq!(tile(&t.get(&page, Some(&admin)).await.text(), a), None);
    let made = t
        .get(&format!("/media/photos/{a}/preview/thumb"), Some(&admin))
        .await;
    assert_eq!(made.status, 200);
    let html = t.get(&page, Some(&admin)).await.text();
    let near = |got: Option<[u8; 3]>, want: [u8; 3]| {
        let got = got.unwrap_or_else(|| panic!("no colour, want {want:?}"));
        assert!(
            got.iter().zip(want).all(|(g, w)| g.abs_diff(w) <= 4),
            "{got:?} vs {want:?}"
        );
    };
    near(tile(&html, a), [200, 40, 10]);
    assert_eq!(tile(&html, b), None, "b's previews are not made yet");
    // The index's cover (the album's first photo) too.
    let index = t.get("/", Some(&admin)).await.text();
    near(painted(&index, "<img", "alt=\"Red\""), [200, 40, 10]);
    // New content forgets the old colour until its previews are made.
    let changed = t.add("Red/a.jpg", &solid_jpeg([10, 200, 40]));
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
    crate::common::set_modified(&changed, later);
    t.scan().await;
    assert_eq!(tile(&t.get(&page, Some(&admin)).await.text(), a), None);
    t.get(&format!("/media/photos/{a}/preview/thumb"), Some(&admin))
        .await;
    near(
        tile(&t.get(&page, Some(&admin)).await.text(), a),
        [10, 200, 40],
    );
}
