//! Server-rendered pages: the album index, album pages and photo pages.

use albumen_core::model::Album;
use albumen_core::{AlbumId, PhotoId};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use crate::state::AppState;
use crate::web::assets::ASSET_VERSION;
use crate::web::chunks;
use crate::web::error::{AppError, ErrorInfo};
use crate::web::extract::{PathId, Viewer};

/// Renders a page with the context every page shares (viewer, CSRF token, asset version).
pub fn render(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    mut context: Value,
) -> Result<Html<String>, AppError> {
    if let Some(map) = context.as_object_mut() {
        map.insert(
            "viewer".to_owned(),
            json!(viewer.user.as_ref().map(|u| json!({
                "username": u.username,
                "admin": u.permissions.admin,
            }))),
        );
        map.insert("csrf_token".to_owned(), json!(viewer.csrf_token));
        map.insert(
            "guest".to_owned(),
            json!(crate::web::share::is_guest(viewer)),
        );
        map.insert("asset_v".to_owned(), json!(ASSET_VERSION.as_str()));
        map.insert("lang".to_owned(), json!(viewer.lang.code()));
        map.insert(
            "script_messages".to_owned(),
            json!(script_messages(viewer.lang)),
        );
        // The banner of an administrator viewing as someone else (base.html).
        map.insert(
            "view_as".to_owned(),
            json!(viewer.view_as.as_ref().map(|v| v.label.as_str())),
        );
    }
    state
        .templates
        .render(name, context)
        .map(Html)
        .map_err(AppError::internal)
}

/// The scripts' messages in `lang`, as JSON safe inside a `<script type="application/json">`
/// block (no `<`, `>` or `&` that could end it).
fn script_messages(lang: crate::i18n::Lang) -> String {
    let messages: serde_json::Map<String, Value> = crate::i18n::SCRIPT_MESSAGES
        .iter()
        .map(|m| ((*m).to_owned(), json!(lang.translate(m))))
        .collect();
    Value::Object(messages)
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The `?v=` of a preset's preview of the photo with this content fingerprint (see
/// `NamedPreset::version`); empty for an unknown preset. Templates build the URL from the id,
/// the preset and this.
pub fn preview_version(state: &AppState, fingerprint: &str, preset: &str) -> String {
    state
        .previews
        .preset(preset)
        .map(|named| named.version(fingerprint))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use albumen_core::model::PhotoMeta;

    use super::*;

    #[test]
    fn exposure_reads_like_a_camera_display() {
        let meta = PhotoMeta {
            exposure_time: Some("1/250".to_owned()),
            f_number: Some(4.0),
            iso: Some(400),
            focal_length: Some(50.5),
            ..PhotoMeta::default()
        };
        assert_eq!(
            exposure(&meta).as_deref(),
            Some("1/250 s · f/4 · ISO 400 · 50.5 mm")
        );
        assert_eq!(exposure(&PhotoMeta::default()), None);
        assert_eq!(megapixels(6000, 4000).as_deref(), Some("24.0 MP"));
        assert_eq!(megapixels(0, 0), None);
    }
}

/// An album as a card shows it: with its cover's previews by width (`thumb`, `grid`,
/// `standard`, those configured), each URL versioned so browsers keep it for good, and its
/// colour.
#[derive(Debug, Serialize)]
pub struct Listed {
    #[serde(flatten)]
    album: Album,
    cover_colour: Option<String>,
    cover_srcset: Vec<chunks::Source>,
}

pub fn listed(state: &AppState, album: Album) -> Listed {
    let cover_srcset = match album.cover_fingerprint.as_deref() {
        Some(fp) => ["thumb", "grid", "standard"]
            .into_iter()
            .filter_map(|name| {
                let preset = state.previews.preset(name)?;
                Some(chunks::Source {
                    preset: name,
                    v: preset.version(fp),
                    width: preset.preset.width,
                })
            })
            .collect(),
        None => Vec::new(),
    };
    Listed {
        cover_colour: chunks::css_colour(album.cover_colour),
        cover_srcset,
        album,
    }
}

/// An index card: a top-level album (one with no listed ancestor) and the listed albums below
/// it, newest first, reachable from the card.
#[derive(Serialize)]
struct Card {
    #[serde(flatten)]
    album: Listed,
    subs: Vec<Listed>,
    /// Among the first screen's cards, whose covers load at once (the first one first).
    eager: bool,
    first: bool,
}

/// How many of the index's first cards load their covers without waiting to be scrolled
/// near: about a first screen's worth.
const EAGER_CARDS: usize = 4;

#[derive(Serialize)]
struct Year {
    year: String,
    albums: Vec<Card>,
}

/// Groups `albums` (newest first) into cards: each album goes under its topmost listed
/// ancestor (by folder path), or gets a card of its own. Order is kept within both levels.
fn cards(albums: Vec<Listed>) -> Vec<Card> {
    let listed: std::collections::HashSet<String> =
        albums.iter().map(|a| a.album.path.clone()).collect();
    let root_of = |path: &str| -> Option<String> {
        path.match_indices('/')
            .map(|(at, _)| &path[..at])
            .find(|ancestor| listed.contains(*ancestor))
            .map(str::to_owned)
    };
    let mut cards: Vec<Card> = Vec::new();
    let mut below: Vec<(String, Listed)> = Vec::new();
    for album in albums {
        match root_of(&album.album.path) {
            Some(root) => below.push((root, album)),
            None => cards.push(Card {
                album,
                subs: Vec::new(),
                eager: cards.len() < EAGER_CARDS,
                first: cards.is_empty(),
            }),
        }
    }
    for (root, album) in below {
        if let Some(card) = cards.iter_mut().find(|c| c.album.album.path == root) {
            card.subs.push(album);
        }
    }
    cards
}

pub async fn index_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let albums = viewer.gallery()?.albums().await?;
    let albums = albums.into_iter().map(|a| listed(&state, a)).collect();
    let mut years: Vec<Year> = Vec::new();
    for card in cards(albums) {
        let year = card
            .album
            .album
            .date
            .as_deref()
            .and_then(|d| d.get(..4))
            .unwrap_or("Undated")
            .to_owned();
        // Newest first, so a year's albums are consecutive; undated ones come last.
        match years.iter_mut().find(|y| y.year == year) {
            Some(known) => known.albums.push(card),
            None => years.push(Year {
                year,
                albums: vec![card],
            }),
        }
    }
    render(&state, &viewer, "index.html", json!({ "years": years }))
}

/// How many of an album page's first tiles load without waiting to be scrolled near: about a
/// phone's first screen of justified rows.
const EAGER_TILES: usize = 6;

/// `?after=CURSOR` (the chunk after a photo, the "More photos" link) or `?from=YYYY-MM`
/// (the scrubber: from a month on) on an album page.
#[derive(Debug, serde::Deserialize)]
pub struct AlbumQuery {
    after: Option<String>,
    from: Option<String>,
}

pub async fn album_page(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<AlbumId>,
    axum::extract::Query(query): axum::extract::Query<AlbumQuery>,
    headers: axum::http::HeaderMap,
) -> Result<Html<String>, AppError> {
    let (start, after) = match (&query.after, &query.from) {
        (Some(after), None) => {
            let key = chunks::decode_cursor(after)?;
            (Some(key.clone()), Some(key))
        }
        (None, Some(month)) => (Some(chunks::month_start(month)?), None),
        (None, None) => (None, None),
        (Some(_), Some(_)) => {
            return Err(AppError::BadRequest("after or from, not both".to_owned()));
        }
    };
    let page = viewer
        .gallery()?
        .album_page_chunk(id, start.as_ref(), chunks::PAGE_CHUNK)
        .await?;
    // Consecutive photos of one month share a heading; a chunk continuing a month (after a
    // photo of the same month) starts without one.
    let mut groups: Vec<Value> = Vec::new();
    let mut month = after
        .as_ref()
        .map(|key| chunks::month_of(key.taken_at.as_deref()).map(str::to_owned));
    let mut tiles: Vec<Value> = Vec::new();
    let mut heading: Option<Value> = None;
    let mut flush = |heading: Option<Value>, tiles: &mut Vec<Value>| {
        if !tiles.is_empty() {
            groups.push(json!({"heading": heading, "photos": std::mem::take(tiles)}));
        }
    };
    for (i, p) in page.photos.iter().enumerate() {
        let this = chunks::month_of(p.taken_at.as_deref()).map(str::to_owned);
        if month.as_ref() != Some(&this) {
            flush(heading.take(), &mut tiles);
            // An album of one month (most events) needs no month heading: its date says it.
            heading = (page.months.len() > 1).then(|| {
                json!({
                    "month": this.as_deref().unwrap_or("undated"),
                    "label": chunks::month_label(viewer.lang, this.as_deref()),
                })
            });
            month = Some(this);
        }
        let (width, height) = p.display_size();
        let tile = chunks::tile(&state, p);
        tiles.push(json!({
            "id": p.id,
            "filename": p.filename,
            "width": width,
            "height": height,
            "v": tile.thumb_v,
            "srcset": tile.srcset,
            "sizes": tile.sizes,
            "colour": tile.colour,
            // The first screen's tiles load at once (the page's largest paint is among them);
            // the first of all first.
            "eager": i < EAGER_TILES,
            "first": i == 0,
        }));
    }
    flush(heading, &mut tiles);
    let last_month = month.map(|m| m.unwrap_or_else(|| "undated".to_owned()));
    let current = page
        .photos
        .first()
        .map(|p| chunks::month_of(p.taken_at.as_deref()).unwrap_or("undated"));
    let mut years: Vec<Value> = Vec::new();
    for (month, count) in &page.months {
        let key = month.as_deref().unwrap_or("undated");
        let year = month
            .as_deref()
            .and_then(|m| m.get(..4))
            .unwrap_or("Undated");
        let entry = json!({
            "key": key,
            "label": chunks::month_short(viewer.lang, month.as_deref()),
            "title": chunks::month_label(viewer.lang, month.as_deref()),
            "count": count,
            "current": current == Some(key),
        });
        match years.last_mut() {
            Some(last) if last["year"] == year => {
                if let Some(months) = last["months"].as_array_mut() {
                    months.push(entry);
                }
            }
            _ => years.push(json!({"year": year, "months": [entry]})),
        }
    }
    let parents: Vec<_> = page
        .parents
        .iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    let may_export = page.may_export && page.album.photo_count > 0;
    let link = match crate::web::share::link_to_album(&viewer, id) {
        Some(share) => {
            crate::web::share::guest_link(
                &state,
                &viewer,
                &headers,
                share,
                &page.album.name,
                page.album.cover,
                Some(&format!("/albums/{id}")),
            )
            .await?
        }
        None => None,
    };
    render(
        &state,
        &viewer,
        "album.html",
        json!({
            "album": page.album,
            "parents": parents,
            "sub_albums": page.sub_albums.into_iter().map(|a| listed(&state, a)).collect::<Vec<_>>(),
            "photos": !groups.is_empty(),
            "groups": groups,
            "years": if page.months.len() > 1 { years } else { Vec::new() },
            "at_start": start.is_none(),
            "last_month": last_month,
            "next": page.next.as_ref().map(chunks::encode_cursor),
            "limit": chunks::PAGE_CHUNK,
            "may_export": may_export,
            "link": link,
            "before": page.siblings.before.map(|(id, name)| json!({"id": id, "name": name})),
            "after": page.siblings.after.map(|(id, name)| json!({"id": id, "name": name})),
        }),
    )
}

pub async fn photo_page(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<PhotoId>,
    headers: axum::http::HeaderMap,
) -> Result<Html<String>, AppError> {
    let page = viewer.gallery()?.photo_page(id).await?;
    let album_id = page.album.as_ref().map(|a| a.id);
    let link = match crate::web::share::link_to_photo(&viewer, id, album_id) {
        Some(share) => {
            let name = page
                .album
                .as_ref()
                .map_or(page.photo.filename.as_str(), |a| a.name.as_str());
            crate::web::share::guest_link(
                &state,
                &viewer,
                &headers,
                share,
                name,
                Some(id),
                Some(&format!("/photos/{id}")),
            )
            .await?
        }
        None => None,
    };
    let (width, height) = page.photo.display_size();
    // Every uncropped preview by width (`grid` for phones, `standard`, the larger ones for
    // high-DPI and large screens): the browser takes the one the screen needs.
    let mut srcset: Vec<Value> = Vec::new();
    let mut widths = Vec::new();
    for preset in state.previews.presets().iter().rev() {
        let (w, _) = preset.preset.output_size((width, height));
        if preset.preset.fit == albumen_media::Fit::Crop || widths.contains(&w) {
            continue;
        }
        widths.push(w);
        let v = preset.version(&page.photo.fingerprint);
        srcset.push(json!({"preset": preset.name, "v": v, "width": w}));
    }
    let meta = &page.photo.meta;
    let is_video = page.photo.kind == albumen_core::model::MediaKind::Video;
    // Zooming goes up to the original's resolution for viewers who may download it and whose
    // browser shows its format; up to the largest preview for the others.
    let zoom_original = page.may_download && !is_video && browser_shows(&page.photo.filename);
    render(
        &state,
        &viewer,
        "photo.html",
        json!({
            "photo": {
                "id": page.photo.id,
                "filename": page.photo.filename,
                "taken_at": page.photo.taken_at,
                "camera": meta.camera,
                "lens": meta.lens,
                "exposure": exposure(meta),
                "megapixels": megapixels(width, height),
                "bytes": page.photo.size,
                // The original carries its location: shown to those who may have the original.
                "gps": meta.gps.filter(|_| page.may_download).map(|(lat, lon)| json!({
                    "lat": format!("{lat:.5}"),
                    "lon": format!("{lon:.5}"),
                })),
                "width": width,
                "height": height,
                "zoom_width": if zoom_original { width } else { widths.iter().copied().max().unwrap_or(width) },
                "zoom_original": zoom_original,
                "v": preview_version(&state, &page.photo.fingerprint, "standard"),
                "srcset": srcset,
            },
            "album": page.album.map(|a| json!({"id": a.id, "name": a.name})),
            "prev": page.previous,
            "next": page.next,
            "position": page.position,
            "total": page.total,
            "may_download": page.may_download,
            // A video plays from its original, so only for viewers who may download it; others
            // see its poster.
            "video": is_video && page.may_download,
            "link": link,
        }),
    )
}

/// `1/250 s · f/4 · ISO 400 · 50 mm`: the exposure as a camera displays it, when known.
fn exposure(meta: &albumen_core::model::PhotoMeta) -> Option<String> {
    let parts: Vec<String> = [
        meta.exposure_time.as_ref().map(|t| format!("{t} s")),
        meta.f_number.map(|f| format!("f/{}", trim_float(f))),
        meta.iso.map(|iso| format!("ISO {iso}")),
        meta.focal_length.map(|mm| format!("{} mm", trim_float(mm))),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// `24.0 MP` for a 6000×4000 photo; `None` when the size is unknown.
fn megapixels(width: u32, height: u32) -> Option<String> {
    let pixels = f64::from(width) * f64::from(height);
    (pixels > 0.0).then(|| format!("{:.1} MP", pixels / 1e6))
}

/// Whether browsers display this image format themselves (HEIC, TIFF and raw files they do not).
fn browser_shows(filename: &str) -> bool {
    matches!(
        crate::media_type::mime_of(filename),
        "image/jpeg" | "image/png" | "image/webp" | "image/gif" | "image/avif"
    )
}

/// `4.0` → `4`, `2.8` → `2.8`.
fn trim_float(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Middleware: error responses outside the JSON API become HTML pages. The page depends only
/// on the status and the viewer, so a denial looks exactly like a missing object.
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    // A logged-out visitor who followed a link to something private (or to an admin page) gets
    // the login form, and comes back here afterwards. The page depends only on the request,
    // never on what exists. Only for pages a browser navigates to; never for token URLs, whose token must not echo.
    let navigates = request.method() == axum::http::Method::GET
        && request
            .headers()
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    let token_url = ["/s/", "/login"]
        .iter()
        .any(|prefix| request.uri().path().starts_with(prefix));
    let here = request
        .uri()
        .path_and_query()
        .filter(|_| navigates && !token_url)
        .and_then(|p| {
            let next = crate::web::login::safe_next(Some(p.as_str()));
            next.to_str().ok().map(str::to_owned)
        });
    let response = next.run(request).await;
    let Some(info) = response.extensions().get::<ErrorInfo>().copied() else {
        return response;
    };
    if is_api {
        return response;
    }
    let viewer = response
        .extensions()
        .get::<Viewer>()
        .cloned()
        .unwrap_or_else(Viewer::anonymous);
    let offers_login = matches!(
        info.status,
        StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED
    );
    let login_next = (offers_login && viewer.user.is_none())
        .then_some(here)
        .flatten();
    let context = json!({
        "status": info.status.as_u16(),
        "message": info.message,
        "login_next": login_next,
    });
    match render(&state, &viewer, "error.html", context) {
        Ok(page) => {
            let mut page = (info.status, page).into_response();
            page.extensions_mut().insert(info);
            page
        }
        Err(_) => response,
    }
}
