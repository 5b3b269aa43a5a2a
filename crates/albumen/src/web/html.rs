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
    fn shooting_settings_read_like_a_camera_display() {
        let meta = PhotoMeta {
            lens: Some("RF24-105mm".to_owned()),
            exposure_time: Some("1/250".to_owned()),
            f_number: Some(4.0),
            iso: Some(400),
            focal_length: Some(50.5),
            ..PhotoMeta::default()
        };
        assert_eq!(
            shooting_settings(&meta).as_deref(),
            Some("RF24-105mm · 1/250 s · f/4 · ISO 400 · 50.5 mm")
        );
        assert_eq!(shooting_settings(&PhotoMeta::default()), None);
    }
}

/// An index card: a top-level album (one with no listed ancestor) and the listed albums below
/// it, newest first, reachable from the card.
#[derive(Serialize)]
struct Card {
    #[serde(flatten)]
    album: Album,
    subs: Vec<Album>,
}

#[derive(Serialize)]
struct Year {
    year: String,
    albums: Vec<Card>,
}

/// Groups `albums` (newest first) into cards: each album goes under its topmost listed
/// ancestor (by folder path), or gets a card of its own. Order is kept within both levels.
fn cards(albums: Vec<Album>) -> Vec<Card> {
    let listed: std::collections::HashSet<String> = albums.iter().map(|a| a.path.clone()).collect();
    let root_of = |path: &str| -> Option<String> {
        path.match_indices('/')
            .map(|(at, _)| &path[..at])
            .find(|ancestor| listed.contains(*ancestor))
            .map(str::to_owned)
    };
    let mut cards: Vec<Card> = Vec::new();
    let mut below: Vec<(String, Album)> = Vec::new();
    for album in albums {
        match root_of(&album.path) {
            Some(root) => below.push((root, album)),
            None => cards.push(Card {
                album,
                subs: Vec::new(),
            }),
        }
    }
    for (root, album) in below {
        if let Some(card) = cards.iter_mut().find(|c| c.album.path == root) {
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
    let mut years: Vec<Year> = Vec::new();
    for card in cards(albums) {
        let year = card
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

pub async fn album_page(
    State(state): State<AppState>,
    viewer: Viewer,
    PathId(id): PathId<AlbumId>,
    headers: axum::http::HeaderMap,
) -> Result<Html<String>, AppError> {
    let page = viewer.gallery()?.album_page(id).await?;
    // The rows' previews: `grid` when configured, sized for them; else `standard`. Both are
    // offered by width, with the cell's width as `sizes`.
    let row_presets: Vec<_> = ["grid", "standard"]
        .into_iter()
        .filter_map(|name| state.previews.preset(name))
        .collect();
    let photos: Vec<_> = page
        .photos
        .iter()
        .map(|p| {
            let (width, height) = p.display_size();
            let mut srcset: Vec<Value> = Vec::new();
            let mut widths = Vec::new();
            for preset in &row_presets {
                // The preview's real width, or its box's when the photo's size is unknown.
                let w = if width > 0 && height > 0 {
                    preset.preset.output_size((width, height)).0
                } else {
                    preset.preset.width
                };
                if widths.contains(&w) {
                    continue;
                }
                widths.push(w);
                srcset.push(json!({
                    "preset": preset.name,
                    "v": preset.version(&p.fingerprint),
                    "width": w,
                }));
            }
            json!({
                "id": p.id,
                "filename": p.filename,
                "taken_at": p.taken_at,
                "width": width,
                "height": height,
                "v": preview_version(&state, &p.fingerprint, "thumb"),
                "srcset": srcset,
                "sizes": row_sizes(width, height),
            })
        })
        .collect();
    let parents: Vec<_> = page
        .parents
        .iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    let may_export = page.may_export && !photos.is_empty();
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
            "sub_albums": page.sub_albums,
            "photos": photos,
            "may_export": may_export,
            "link": link,
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
    // The standard preview, and the larger ones for high-DPI and large screens.
    let standard_box = state
        .previews
        .preset("standard")
        .map_or(0, |p| p.preset.width);
    let mut srcset: Vec<Value> = Vec::new();
    let mut widths = Vec::new();
    for preset in state.previews.presets().iter().rev() {
        let (w, _) = preset.preset.output_size((width, height));
        if preset.preset.width < standard_box || widths.contains(&w) {
            continue;
        }
        widths.push(w);
        let v = preset.version(&page.photo.fingerprint);
        srcset.push(json!({"preset": preset.name, "v": v, "width": w}));
    }
    render(
        &state,
        &viewer,
        "photo.html",
        json!({
            "photo": {
                "id": page.photo.id,
                "filename": page.photo.filename,
                "taken_at": page.photo.taken_at,
                "camera": page.photo.meta.camera,
                "settings": shooting_settings(&page.photo.meta),
                "width": width,
                "height": height,
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
            "video": page.photo.kind == albumen_core::model::MediaKind::Video && page.may_download,
            "link": link,
        }),
    )
}

/// Row heights of the album's justified rows (`--row` in app.css): phones, wide screens, else.
const ROW_PHONE_PX: f64 = 130.0;
const ROW_WIDE_PX: f64 = 260.0;
const ROW_PX: f64 = 220.0;

/// `sizes` of a photo in the justified rows: its cell's flex basis (aspect ratio × row height)
/// at each of app.css's row heights; a square cell when the size is unknown.
fn row_sizes(width: u32, height: u32) -> String {
    let ratio = if width > 0 && height > 0 {
        f64::from(width) / f64::from(height)
    } else {
        1.0
    };
    let px = |row: f64| (ratio * row).ceil();
    format!(
        "(max-width: 40rem) {}px, (min-width: 100rem) {}px, {}px",
        px(ROW_PHONE_PX),
        px(ROW_WIDE_PX),
        px(ROW_PX)
    )
}

/// `RF24-105mm · 1/250 s · f/4 · ISO 400 · 50 mm`: what photographers look for, when known.
fn shooting_settings(meta: &albumen_core::model::PhotoMeta) -> Option<String> {
    let parts: Vec<String> = [
        meta.lens.clone(),
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
