//! Albums in chunks: the cursor that says where a chunk starts (`?after=` on album pages,
//! `?cursor=` in the API), the scrubber's `?from=YYYY-MM`, the API's `?limit=`, and the one
//! description of a photo's tile (its previews by width and `sizes`) that the album page
//! renders and the API hands to `app.js`, so appended tiles match server-rendered ones.

use albumen_core::PhotoId;
use albumen_core::model::PhotoEntry;
use albumen_db::PhotoKey;
use serde::Serialize;

use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::error::AppError;

/// Photos an album page renders at once: 120 tiles of the longest file names stay under about
/// 75 KB of HTML (`tests/it/big_album.rs` measures it).
pub const PAGE_CHUNK: u32 = 120;
/// The API's largest `?limit=`.
pub const MAX_LIMIT: u32 = 1000;
/// What `GET /api/v1/albums/{id}` answers without `limit` or `cursor`: every photo, as it
/// always did, up to this many; a `Link` to the rest beyond.
pub const UNPAGED_CAP: u32 = 10_000;
/// The API's `?limit=` when a `cursor` comes without one.
pub const DEFAULT_LIMIT: u32 = 200;

const CURSOR_VERSION: &str = "c1";
/// A cursor names a file name (at most 255 bytes on every file system), a date and an id.
const MAX_CURSOR_CHARS: usize = 2 * 400;

/// The opaque, URL-safe form of a place in an album: lowercase hex of
/// `c1 \n id \n d<taken_at>|u \n filename`. It is only a place in the viewer's own list: a
/// crafted one can start a chunk anywhere in what the viewer may see, never outside it.
pub fn encode_cursor(key: &PhotoKey) -> String {
    let taken = key
        .taken_at
        .as_deref()
        .map_or_else(|| "u".to_owned(), |t| format!("d{t}"));
    let plain = format!(
        "{CURSOR_VERSION}\n{}\n{taken}\n{}",
        key.id.get(),
        key.filename
    );
    plain.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Reads a cursor made by [`encode_cursor`]; anything else is a 400.
pub fn decode_cursor(cursor: &str) -> Result<PhotoKey, AppError> {
    let bad = || AppError::BadRequest("the cursor is not one this server gave".to_owned());
    if cursor.is_empty() || cursor.len() > MAX_CURSOR_CHARS || !cursor.len().is_multiple_of(2) {
        return Err(bad());
    }
    let bytes = (0..cursor.len())
        .step_by(2)
        .map(|i| {
            cursor
                .get(i..i + 2)
                .filter(|pair| pair.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(bad)?;
    let plain = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = plain.splitn(4, '\n');
    let (Some(CURSOR_VERSION), Some(id), Some(taken), Some(filename)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let id: i64 = id.parse().map_err(|_| bad())?;
    let taken_at = match taken.split_at_checked(1) {
        Some(("u", "")) => None,
        Some(("d", date)) if !date.is_empty() => Some(date.to_owned()),
        _ => return Err(bad()),
    };
    Ok(PhotoKey {
        taken_at,
        filename: filename.to_owned(),
        id: PhotoId::new(id),
    })
}

/// The place just before an album's first photo of `month` (`YYYY-MM`), or before its undated
/// photos (`undated`): where the scrubber's links start the grid.
pub fn month_start(month: &str) -> Result<PhotoKey, AppError> {
    if month == "undated" {
        return Ok(PhotoKey {
            taken_at: None,
            filename: String::new(),
            id: PhotoId::new(i64::MIN),
        });
    }
    let valid = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_digit())
        && matches!(month[5..].parse::<u8>(), Ok(1..=12));
    if !valid {
        return Err(AppError::BadRequest(
            "from must be a month, YYYY-MM".to_owned(),
        ));
    }
    // Every date of that month (`YYYY-MM-DD…`) sorts after the month alone.
    Ok(PhotoKey {
        taken_at: Some(month.to_owned()),
        filename: String::new(),
        id: PhotoId::new(i64::MIN),
    })
}

/// `?limit=` of the API: 1 to [`MAX_LIMIT`], else a 400 saying so.
pub fn parse_limit(limit: &str) -> Result<u32, AppError> {
    limit
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "limit must be a whole number from 1 to {MAX_LIMIT}"
            ))
        })
}

/// `2021-05` → `May 2021` (`mai 2021`); `None` (undated photos) → `Undated`.
pub fn month_label(lang: Lang, month: Option<&str>) -> String {
    month_date(month).map_or_else(
        || lang.translate("Undated").to_owned(),
        |d| lang.month_year(&d),
    )
}

/// `2021-05` → `May` (`mai`), as the months rail shows it; `None` → `Undated`.
pub fn month_short(lang: Lang, month: Option<&str>) -> String {
    month_date(month).map_or_else(
        || lang.translate("Undated").to_owned(),
        |d| lang.short_month(&d).to_owned(),
    )
}

fn month_date(month: Option<&str>) -> Option<chrono::NaiveDate> {
    month.and_then(|m| chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
}

/// The month (`YYYY-MM`) a photo date falls in.
pub fn month_of(taken_at: Option<&str>) -> Option<&str> {
    taken_at.and_then(|t| t.get(..7))
}

/// One preview in a tile's `srcset`.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub preset: &'static str,
    pub v: String,
    pub width: u32,
}

/// What a grid tile needs beyond the photo's id and size: its row previews by real width
/// (`grid` when configured, then `standard`), their `sizes`, and the square thumbnail's `?v=`.
#[derive(Debug, Clone, Serialize)]
pub struct Tile {
    pub srcset: Vec<Source>,
    pub sizes: String,
    pub thumb_v: String,
    /// `#rrggbb`, the previews' mean colour (painted while they load), once known.
    pub colour: Option<String>,
}

/// `#rrggbb` of a stored 0xRRGGBB colour.
pub fn css_colour(colour: Option<u32>) -> Option<String> {
    colour.map(|rgb| format!("#{rgb:06x}"))
}

/// The tile of `photo`, whose displayed size is `(width, height)`.
pub fn tile(state: &AppState, photo: &PhotoEntry) -> Tile {
    let (width, height) = photo.display_size();
    let mut srcset: Vec<Source> = Vec::new();
    for name in ["grid", "standard"] {
        let Some(preset) = state.previews.preset(name) else {
            continue;
        };
        // The preview's real width, or its box's when the photo's size is unknown.
        let w = if width > 0 && height > 0 {
            preset.preset.output_size((width, height)).0
        } else {
            preset.preset.width
        };
        if srcset.iter().any(|s| s.width == w) {
            continue;
        }
        srcset.push(Source {
            preset: name,
            v: preset.version(&photo.fingerprint),
            width: w,
        });
    }
    Tile {
        srcset,
        sizes: row_sizes(width, height),
        thumb_v: crate::web::html::preview_version(state, &photo.fingerprint, "thumb"),
        colour: css_colour(photo.colour),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        for key in [
            PhotoKey {
                taken_at: Some("2021-05-03T10:00:00".to_owned()),
                filename: "a\nb~ é.jpg".to_owned(),
                id: PhotoId::new(42),
            },
            PhotoKey {
                taken_at: None,
                filename: String::new(),
                id: PhotoId::new(-1),
            },
        ] {
            let cursor = encode_cursor(&key);
            assert!(cursor.bytes().all(|b| b.is_ascii_hexdigit()));
            assert_eq!(decode_cursor(&cursor).expect("a cursor"), key);
        }
        let hex = |s: &str| s.bytes().map(|b| format!("{b:02x}")).collect::<String>();
        for bad in [
            String::new(),
            "zz".to_owned(),
            "abc".to_owned(),
            "ABCD".to_owned(),
            hex("c1\n1\nx\nf"),
            hex("c1\nten\nu\nf"),
            hex("c2\n1\nu\nf"),
            hex("c1\n1\nd\nf"),
            hex("c1\n1\nu"),
            "ff".repeat(20),
            "00".repeat(MAX_CURSOR_CHARS),
        ] {
            assert!(decode_cursor(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn months_and_limits_are_checked() {
        assert_eq!(
            month_start("2021-05").expect("a month").taken_at.as_deref(),
            Some("2021-05")
        );
        assert_eq!(month_start("undated").expect("undated").taken_at, None);
        for bad in [
            "2021-13",
            "2021-00",
            "2021-5",
            "21-05-01",
            "2021_05",
            "２０２１-05",
        ] {
            assert!(month_start(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_limit("1").expect("1"), 1);
        assert_eq!(parse_limit("1000").expect("1000"), 1000);
        for bad in ["0", "-1", "1001", "99999999999", "ten", ""] {
            assert!(parse_limit(bad).is_err(), "{bad}");
        }
        assert_eq!(month_label(Lang::En, Some("2021-05")), "May 2021");
        assert_eq!(month_label(Lang::Fr, Some("2021-02")), "février 2021");
        assert_eq!(month_label(Lang::En, None), "Undated");
        assert_eq!(month_label(Lang::Fr, None), "Sans date");
        assert_eq!(month_short(Lang::En, Some("2021-05")), "May");
        assert_eq!(month_short(Lang::Fr, Some("2021-07")), "juil.");
    }
}
