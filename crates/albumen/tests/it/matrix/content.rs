//! Content: what an allowed answer may say. No object the viewer may not see leaves a trace
//! (its name, its id in a link, its date) in any answer, headers included; and pages and API
//! answers show exactly the lists, breadcrumbs, counts, dates, covers and neighbours the oracle
//! computes for the viewer.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Tally;
use super::catalog::{Album, Object, Photo, Role, long_date, objects};
use super::oracle::{
    album_date, album_listed, album_neighbours, album_visible, breadcrumbs, cover,
    photo_downloadable, sub_albums, visible, visible_photos,
};
use super::world::World;
use crate::common::Reply;

/// What would betray an object: its name, its id in a link and, for a photo, its date in
/// every form a page or file could show it.
fn traces(w: &World, object: Object) -> Vec<String> {
    match object {
        Object::Album(album) => {
            let id = w.album_id(album);
            vec![
                album.name().to_owned(),
                format!("/albums/{id}\""),
                format!("/albums/{id}/"),
                format!("/albums/{id}?"),
            ]
        }
        Object::Photo(photo) => {
            let id = w.photo_id(photo);
            let date = photo.date();
            let year = &date[..4];
            vec![
                photo.filename().to_owned(),
                format!("/photos/{id}\""),
                format!("/photos/{id}/"),
                format!("/photos/{id}?"),
                date.to_owned(),
                long_date(date),
                date.replace('-', ":"),
                format!("y{year}\""),
                format!("<h2>{year}</h2>"),
            ]
        }
    }
}

/// The reply as text to search: its headers and its body (binary bodies too, read lossily:
/// a ZIP names its entries, a file its EXIF date).
fn haystack(reply: &Reply) -> String {
    let mut text: String = reply
        .headers
        .iter()
        .map(|(name, value)| format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes())))
        .collect();
    text.push_str(&String::from_utf8_lossy(&reply.body));
    text
}

fn absent(w: &World, tally: &mut Tally, cell: (&str, Role), what: &str, reply: &Reply, of: Object) {
    let text = haystack(reply);
    for trace in traces(w, of) {
        assert!(
            !text.contains(&trace),
            "{:?} {what}: shows {trace:?} of {of:?}, which it may not see:\n{}",
            cell.1,
            reply.text().chars().take(4000).collect::<String>()
        );
    }
    tally.content();
    tally.cell(cell.0, cell.1, of);
}

/// No object `role` may not see leaves a trace in `reply`.
pub fn no_hidden(w: &World, tally: &mut Tally, route: &str, role: Role, what: &str, reply: &Reply) {
    for object in objects() {
        if !visible(role, object) {
            absent(w, tally, (route, role), what, reply, object);
        }
    }
}

/// An answer that reads nothing of the catalog: no object at all leaves a trace.
pub fn no_catalog(
    w: &World,
    tally: &mut Tally,
    route: &str,
    role: Role,
    what: &str,
    reply: &Reply,
) {
    for object in objects() {
        absent(w, tally, (route, role), what, reply, object);
    }
}

/// Every `N` in `{prefix}N"` in `html`.
fn ids_after(html: &str, prefix: &str) -> BTreeSet<i64> {
    html.match_indices(prefix)
        .filter_map(|(at, _)| {
            let rest = &html[at + prefix.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (!digits.is_empty() && rest[digits.len()..].starts_with('"'))
                .then(|| digits.parse().unwrap())
        })
        .collect()
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// An album card (the index, an album page's sub-albums): link, cover, name, date and count as
/// `role` sees them.
fn album_card(w: &World, tally: &mut Tally, cell: (&str, Role), html: &str, album: Album) {
    let role = cell.1;
    let open = format!("<a href=\"/albums/{}\">", w.album_id(album));
    let at = html
        .find(&open)
        .unwrap_or_else(|| panic!("{role:?} {}: no card for {album:?}", cell.0));
    let card = &html[at..at + html[at..].find("</a>").unwrap()];
    let count = plural(visible_photos(role, album).len(), "photo");
    let meta = match album_date(role, album) {
        Some(date) => format!("{} · {count}", long_date(date)),
        None => count,
    };
    let cover = match cover(role, album) {
        Some(photo) => format!("src=\"/media/photos/{}/preview/thumb?v=", w.photo_id(photo)),
        None => "<span class=\"nocover\">".to_owned(),
    };
    for part in [
        format!("<span class=\"name\">{}</span>", album.name()),
        format!("<span class=\"meta\">{meta}</span>"),
        cover,
    ] {
        assert!(
            card.contains(&part),
            "{role:?} {}: card of {album:?} lacks {part:?}: {card}",
            cell.0
        );
    }
    tally.content();
    tally.cell(cell.0, role, Object::Album(album));
}

/// `/`: the albums listed, each with its date, count and cover; year headings of the top-level
/// ones only.
pub fn index_page(w: &World, tally: &mut Tally, route: &str, role: Role, reply: &Reply) {
    let html = reply.text();
    let listed: Vec<Album> = super::catalog::ALBUMS
        .iter()
        .copied()
        .filter(|&a| album_listed(role, a))
        .collect();
    let expected: BTreeSet<i64> = listed.iter().map(|&a| w.album_id(a)).collect();
    assert_eq!(ids_after(&html, "href=\"/albums/"), expected, "{role:?} /");
    // Cards are the listed albums with no listed ancestor, under their year; the albums below
    // one are reached from its card (checked with the others below), not from a year of their own.
    let years: BTreeSet<String> = listed
        .iter()
        .filter(|&&a| !a.ancestors().iter().any(|p| listed.contains(p)))
        .map(|&a| album_date(role, a).unwrap()[..4].to_owned())
        .collect();
    let shown: BTreeSet<String> = ids_after(&html, "id=\"y")
        .iter()
        .map(i64::to_string)
        .collect();
    assert_eq!(shown, years, "{role:?} / year headings");
    tally.content();
    tally.content();
    for &album in &listed {
        album_card(w, tally, (route, role), &html, album);
        // An album below a listed one sits in the list of its topmost listed ancestor's card.
        if let Some(&root) = album.ancestors().iter().find(|a| listed.contains(a)) {
            let card = |a: Album| {
                html.find(&format!("<a href=\"/albums/{}\">", w.album_id(a)))
                    .unwrap()
            };
            let between = &html[card(root)..card(album)];
            assert!(
                between.contains("<details class=\"subs\">") && !between.contains("class=\"card\""),
                "{role:?} /: {album:?} is not listed in the card of {root:?}"
            );
        }
    }
}

/// `/albums/{id}`: breadcrumbs, date and counts, sub-albums and the photo grid.
pub fn album_page(
    w: &World,
    tally: &mut Tally,
    route: &str,
    role: Role,
    album: Album,
    reply: &Reply,
) {
    let html = reply.text();
    let cell = (route, role);
    let crumbs: String = breadcrumbs(role, album)
        .iter()
        .map(|&a| format!("<a href=\"/albums/{}\">{}</a> › ", w.album_id(a), a.name()))
        .collect();
    // A link holder without a session (a guest) has no index to go back to: no "Albums" crumb,
    // no brand link, no login link, and the page is not for search engines.
    let guest = super::oracle::link(role).is_some();
    let here = format!("<span aria-current=\"page\">{}</span></nav>", album.name());
    let crumbs = if !guest {
        format!("<nav class=\"crumbs\"><a href=\"/\">Albums</a> › {crumbs}{here}")
    } else if crumbs.is_empty() {
        String::new()
    } else {
        format!("<nav class=\"crumbs\">{crumbs}{here}")
    };
    if crumbs.is_empty() {
        assert!(
            !html.contains("class=\"crumbs\""),
            "{role:?} {album:?}: a guest sees breadcrumbs with nothing above\n{html}"
        );
    } else {
        assert!(
            html.contains(&crumbs),
            "{role:?} {album:?}: breadcrumbs are not {crumbs}\n{html}"
        );
    }
    if guest {
        assert!(
            !html.contains("href=\"/\"")
                && !html.contains("href=\"/login\"")
                && html.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{role:?} {album:?}: a guest's page has the index's chrome or may be indexed\n{html}"
        );
    }
    let photos = visible_photos(role, album);
    let subs = sub_albums(role, album);
    let mut meta = Vec::new();
    if let Some(date) = album_date(role, album) {
        meta.push(long_date(date));
    }
    if !photos.is_empty() || subs.is_empty() {
        meta.push(plural(photos.len(), "photo"));
    }
    if !subs.is_empty() {
        meta.push(plural(subs.len(), "album"));
    }
    let meta = format!("<p class=\"meta\">{}</p>", meta.join(" · "));
    assert!(
        html.contains(&meta),
        "{role:?} {album:?}: the date and counts are not {meta}\n{html}"
    );
    let (before, after) = album_neighbours(role, album);
    for (class, neighbour) in [("before", before), ("after", after)] {
        let link =
            neighbour.map(|a| format!("<a class=\"{class}\" href=\"/albums/{}\"", w.album_id(a)));
        assert_eq!(
            html.contains(&format!("<a class=\"{class}\"")),
            link.is_some(),
            "{role:?} {album:?}: the album {class} it"
        );
        if let Some(link) = link {
            assert!(
                html.contains(&link),
                "{role:?} {album:?}: not {link}\n{html}"
            );
        }
    }
    let linked: BTreeSet<i64> = breadcrumbs(role, album)
        .iter()
        .chain(&subs)
        .chain(before.iter().chain(after.iter()))
        .map(|&a| w.album_id(a))
        .collect();
    assert_eq!(
        ids_after(&html, "href=\"/albums/"),
        linked,
        "{role:?} {album:?}: albums linked"
    );
    let grid: BTreeSet<i64> = photos.iter().map(|&p| w.photo_id(p)).collect();
    assert_eq!(
        ids_after(&html, "href=\"/photos/"),
        grid,
        "{role:?} {album:?}: photos shown"
    );
    for _ in 0..4 {
        tally.content();
    }
    tally.cell(route, role, Object::Album(album));
    for photo in photos {
        tally.cell(route, role, Object::Photo(photo));
    }
    for sub in subs {
        album_card(w, tally, cell, &html, sub);
    }
}

/// `/photos/{id}`: its album when visible, its place and neighbours among the visible photos,
/// its date, and a download link only when the original may be downloaded.
pub fn photo_page(
    w: &World,
    tally: &mut Tally,
    route: &str,
    role: Role,
    photo: Photo,
    reply: &Reply,
) {
    let html = reply.text();
    let album = photo.album();
    let up = format!(
        "<a href=\"/albums/{}\" data-key=\"up\">{}</a>",
        w.album_id(album),
        album.name()
    );
    assert_eq!(
        html.contains(&up),
        album_visible(role, album),
        "{role:?} {photo:?}: album link"
    );
    assert_eq!(html.contains("data-key=\"up\""), album_visible(role, album));
    let siblings = visible_photos(role, album);
    let at = siblings.iter().position(|&p| p == photo).unwrap();
    let place = format!("<span>{} / {}</span>", at + 1, siblings.len());
    assert!(html.contains(&place), "{role:?} {photo:?}: not {place}");
    let neighbours: BTreeSet<i64> = [at.checked_sub(1), Some(at + 1)]
        .into_iter()
        .flatten()
        .filter_map(|i| siblings.get(i))
        .map(|&p| w.photo_id(p))
        .collect();
    assert_eq!(
        ids_after(&html, "href=\"/photos/"),
        neighbours,
        "{role:?} {photo:?}: neighbours"
    );
    assert!(html.contains(&format!("<time datetime=\"{}\">", photo.taken())));
    assert_eq!(
        html.contains("/original?download=1"),
        photo_downloadable(role, photo),
        "{role:?} {photo:?}: download link"
    );
    for _ in 0..6 {
        tally.content();
    }
    tally.cell(route, role, Object::Album(album));
    for sibling in siblings {
        tally.cell(route, role, Object::Photo(sibling));
    }
}

/// An album as the API shows it, against what `role` may see.
fn api_album_entry(w: &World, role: Role, album: Album, json: &Value) {
    assert_eq!(json["id"], w.album_id(album), "{role:?}");
    assert_eq!(json["name"], album.name(), "{role:?} {album:?}");
    assert_eq!(
        json["date"].as_str(),
        album_date(role, album),
        "{role:?} {album:?}: date"
    );
    assert_eq!(
        json["photo_count"].as_u64(),
        Some(visible_photos(role, album).len() as u64),
        "{role:?} {album:?}: photo_count"
    );
}

/// `GET /api/v1/albums`: the listed albums, each dated and counted for `role`.
pub fn api_albums(w: &World, tally: &mut Tally, route: &str, role: Role, reply: &Reply) {
    let json = reply.json();
    let entries = json.as_array().unwrap();
    let listed: BTreeSet<i64> = entries.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    let expected: BTreeSet<i64> = super::catalog::ALBUMS
        .iter()
        .filter(|&&a| album_listed(role, a))
        .map(|&a| w.album_id(a))
        .collect();
    assert_eq!(listed, expected, "{role:?} {route}");
    tally.content();
    for entry in entries {
        let album = *w
            .albums
            .iter()
            .find(|(_, id)| entry["id"] == **id)
            .unwrap()
            .0;
        api_album_entry(w, role, album, entry);
        tally.content();
        tally.cell(route, role, Object::Album(album));
    }
}

/// `GET /api/v1/albums/{id}`: the album dated and counted for `role`, with exactly the photos
/// it may see, each with its own date.
pub fn api_album(
    w: &World,
    tally: &mut Tally,
    route: &str,
    role: Role,
    album: Album,
    reply: &Reply,
) {
    let json = reply.json();
    api_album_entry(w, role, album, &json);
    let shown: Vec<i64> = json["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let photos = visible_photos(role, album);
    let expected: Vec<i64> = photos.iter().map(|&p| w.photo_id(p)).collect();
    assert_eq!(shown, expected, "{role:?} {album:?}: photos");
    for (entry, photo) in json["photos"].as_array().unwrap().iter().zip(&photos) {
        assert_eq!(entry["filename"], photo.filename());
        assert_eq!(entry["date"], photo.taken());
    }
    tally.content();
    tally.content();
    tally.cell(route, role, Object::Album(album));
    for photo in photos {
        tally.cell(route, role, Object::Photo(photo));
    }
}

/// A photo link's page: the link's photos `role` may see, counted.
pub fn share_page(
    w: &World,
    tally: &mut Tally,
    route: &str,
    role: Role,
    photos: &[Photo],
    reply: &Reply,
) {
    let html = reply.text();
    let shown: Vec<Photo> = photos
        .iter()
        .copied()
        .filter(|&p| visible(role, Object::Photo(p)))
        .collect();
    let expected: BTreeSet<i64> = shown.iter().map(|&p| w.photo_id(p)).collect();
    assert_eq!(ids_after(&html, "href=\"/photos/"), expected, "{role:?}");
    let meta = format!("<p class=\"meta\">{}</p>", plural(shown.len(), "photo"));
    assert!(html.contains(&meta), "{role:?}: not {meta}");
    tally.content();
    tally.content();
    for photo in shown {
        tally.cell(route, role, Object::Photo(photo));
    }
}
