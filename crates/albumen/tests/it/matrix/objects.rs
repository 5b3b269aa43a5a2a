//! The routes about one album or one photo, with every object of their kind and a nonexistent
//! one, and the list routes. A hidden object answers exactly like a nonexistent one; an allowed
//! answer is checked for content.

use std::collections::BTreeSet;

use super::Tally;
use super::catalog::{ALBUMS, Object, PHOTOS, ROLES, Role};
use super::content::{album_page, api_album, api_albums, index_page, no_hidden, photo_page};
use super::oracle::{allowed, exported};
use super::world::World;
use crate::common::{Reply, body_without_path};

pub const NONEXISTENT: i64 = 987_654;

/// The file names in a ZIP archive, read from its central directory.
fn zip_names(zip: &[u8]) -> BTreeSet<String> {
    let u16_at = |at: usize| usize::from(u16::from_le_bytes([zip[at], zip[at + 1]]));
    let u32_at = |at: usize| {
        usize::try_from(u32::from_le_bytes(zip[at..at + 4].try_into().unwrap())).unwrap()
    };
    let end = zip.len() - 22;
    assert_eq!(u32_at(end), 0x0605_4b50, "end of central directory");
    let mut at = u32_at(end + 16);
    let mut names = BTreeSet::new();
    for _ in 0..u16_at(end + 10) {
        assert_eq!(u32_at(at), 0x0201_4b50, "central directory header");
        let name_len = u16_at(at + 28);
        let name = &zip[at + 46..at + 46 + name_len];
        let name = String::from_utf8(name.to_vec()).unwrap();
        names.insert(name.rsplit('/').next().unwrap().to_owned());
        at += 46 + name_len + u16_at(at + 30) + u16_at(at + 32);
    }
    names
}

/// A per-object route (`{id}`, and `{preset}` for previews) made concrete: every preset. An
/// album, as a page and in the API, also through its chunked reads: from a month before every
/// photo (the scrubber's `?from=`), and one chunk as large as the API allows; both hold exactly
/// what the whole album does.
fn concrete(w: &World, path: &str) -> Vec<String> {
    if path == "/albums/{id}" {
        return vec![path.to_owned(), format!("{path}?from=1900-01")];
    }
    if path == "/api/v1/albums/{id}" {
        return vec![path.to_owned(), format!("{path}?limit=1000")];
    }
    if path.contains("{preset}") {
        let presets = &w.t.state.config.previews.presets;
        assert!(presets.len() >= 2, "thumb and standard at least");
        presets
            .keys()
            .map(|preset| path.replace("{preset}", preset))
            .collect()
    } else {
        vec![path.to_owned()]
    }
}

/// One per-object route: every role, every object of the route's kind and a nonexistent one.
pub async fn object_route(w: &World, tally: &mut Tally, key: &str, path: &str, albums: bool) {
    let objects: Vec<Object> = if albums {
        ALBUMS.iter().map(|&a| Object::Album(a)).collect()
    } else {
        PHOTOS.iter().map(|&p| Object::Photo(p)).collect()
    };
    for route in concrete(w, path) {
        for role in ROLES {
            let session = w.session(role);
            let missing_path = route.replace("{id}", &NONEXISTENT.to_string());
            let missing = w.t.get(&missing_path, session).await;
            assert_eq!(missing.status, 404, "{role:?} {missing_path}");
            tally.check();
            for &object in &objects {
                let id = match object {
                    Object::Album(album) => w.album_id(album),
                    Object::Photo(photo) => w.photo_id(photo),
                };
                let path = route.replace("{id}", &id.to_string());
                let reply = w.t.get(&path, session).await;
                tally.cell(key, role, object);
                if allowed(role, &route, object) {
                    assert_eq!(
                        reply.status,
                        200,
                        "{role:?} {path} ({object:?}): {}",
                        reply.text()
                    );
                    tally.check();
                    no_hidden(w, tally, key, role, &path, &reply);
                    allowed_content(w, tally, (key, &route), role, object, &reply);
                } else {
                    assert_eq!(reply.status, 404, "{role:?} {path} ({object:?})");
                    assert_eq!(
                        body_without_path(&reply, &path),
                        body_without_path(&missing, &missing_path),
                        "{role:?} {path} ({object:?}): body differs from {missing_path}"
                    );
                    assert_eq!(
                        reply.header("content-type"),
                        missing.header("content-type"),
                        "{role:?} {path} ({object:?})"
                    );
                    tally.check();
                    tally.check();
                    tally.check();
                }
            }
        }
    }
}

/// What an allowed answer of a per-object route must hold.
fn allowed_content(
    w: &World,
    tally: &mut Tally,
    (key, route): (&str, &str),
    role: Role,
    object: Object,
    reply: &Reply,
) {
    match object {
        Object::Album(album) if route.ends_with("/export.zip") => {
            let expected: BTreeSet<String> = exported(role, album)
                .iter()
                .map(|p| p.filename().to_owned())
                .collect();
            assert_eq!(
                zip_names(&reply.body),
                expected,
                "{role:?} {route} ({album:?}) entries"
            );
            tally.content();
        }
        Object::Album(album) if route.starts_with("/api/") => {
            api_album(w, tally, key, role, album, reply);
        }
        Object::Album(album) => album_page(w, tally, key, role, album, reply),
        Object::Photo(photo) if route.ends_with("/original") => {
            assert!(
                reply.body == w.bytes[&photo],
                "{role:?} {route} ({photo:?}): not its bytes"
            );
            tally.content();
        }
        Object::Photo(photo) if route.contains("/preview/") => {
            let kind = reply.header("content-type").unwrap_or_default();
            assert!(kind.starts_with("image/"), "{role:?} {route}: {kind}");
            tally.check();
            if photo.is_video() {
                // No frame in garbage: the placeholder, never kept.
                assert_eq!(reply.header("cache-control"), Some("no-store"), "{route}");
                tally.check();
            }
        }
        Object::Photo(photo) => photo_page(w, tally, key, role, photo, reply),
    }
}

/// `/` or `/api/v1/albums` for every role.
pub async fn list_route(w: &World, tally: &mut Tally, key: &str, path: &str) {
    for role in ROLES {
        let reply = w.t.get(path, w.session(role)).await;
        assert_eq!(reply.status, 200, "{role:?} {path}");
        tally.check();
        no_hidden(w, tally, key, role, path, &reply);
        if path.starts_with("/api/") {
            api_albums(w, tally, key, role, &reply);
        } else {
            index_page(w, tally, key, role, &reply);
        }
    }
}

/// Albums and photos named in the world, for the summary.
pub fn object_count() -> usize {
    ALBUMS.len() + PHOTOS.len()
}
