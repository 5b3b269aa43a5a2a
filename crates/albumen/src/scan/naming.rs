//! Dates and names derived from paths: `2013_01_19_Snow in Paris/2013-01-19_19-12-43.jpg`.

use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime};
use regex::Regex;

/// What a folder's name says about its album.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AlbumName {
    pub(crate) name: String,
    /// `YYYY-MM-DD` when the name starts with a valid date.
    pub(crate) date: Option<String>,
}

static ALBUM_DIR: LazyLock<Regex> = LazyLock::new(|| {
    #[expect(clippy::unwrap_used, reason = "a constant pattern")]
    Regex::new(r"^(\d{4})_(\d{2})_(\d{2})(?:[_ ]+(.*))?$").unwrap()
});

/// `YYYY_MM_DD_name` gives the date and the name; anything else is the name alone and the album
/// later takes the date of its oldest photo.
pub(crate) fn album_name(folder: &str) -> AlbumName {
    let plain = || AlbumName {
        name: folder.to_owned(),
        date: None,
    };
    let Some(caps) = ALBUM_DIR.captures(folder) else {
        return plain();
    };
    let Some(date) = ymd(&caps[1], &caps[2], &caps[3]) else {
        return plain();
    };
    let name = caps.get(4).map_or("", |m| m.as_str()).trim();
    AlbumName {
        name: if name.is_empty() {
            date.format("%Y-%m-%d").to_string()
        } else {
            name.to_owned()
        },
        date: Some(date.format("%Y-%m-%d").to_string()),
    }
}

static FILE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    // 2013-01-19_19-12-43, 20130119_191243 (IMG_/VID_ prefixes), PXL_20210704_101500123
    // (milliseconds), 2013-01-19 19.12.43 …
    #[expect(clippy::unwrap_used, reason = "a constant pattern")]
    Regex::new(
        r"(?:^|[^0-9])((?:19|20)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})[-_ T.]?(\d{2})[-_.:h]?(\d{2})[-_.:m]?(\d{2})(?:[.,]?\d{1,3})?(?:[^0-9]|$)",
    )
    .unwrap()
});

/// The capture time a file name spells out, as `YYYY-MM-DDTHH:MM:SS`.
pub(crate) fn date_from_file_name(name: &str) -> Option<String> {
    let caps = FILE_DATE.captures(name)?;
    let date = ymd(&caps[1], &caps[2], &caps[3])?;
    let hms = |i: usize| caps[i].parse::<u32>().ok();
    let time = date.and_hms_opt(hms(4)?, hms(5)?, hms(6)?)?;
    Some(format_datetime(time))
}

pub(crate) fn format_datetime(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_folders_give_date_and_name() {
        assert_eq!(
            album_name("2013_01_19_Snow in Paris"),
            AlbumName {
                name: "Snow in Paris".to_owned(),
                date: Some("2013-01-19".to_owned())
            }
        );
        assert_eq!(album_name("2013_01_19").name, "2013-01-19");
    }

    #[test]
    fn other_folders_keep_their_name_and_no_date() {
        for folder in [
            "Holidays",
            "2013_13_40_Impossible",
            "2013-01-19 dashes",
            "13_01_19_x",
        ] {
            assert_eq!(
                album_name(folder),
                AlbumName {
                    name: folder.to_owned(),
                    date: None
                }
            );
        }
    }

    #[test]
    fn file_names_with_a_timestamp() {
        let cases = [
            ("2013-01-19_19-12-43.jpg", Some("2013-01-19T19:12:43")),
            ("IMG_20130119_191243.jpg", Some("2013-01-19T19:12:43")),
            ("PXL_20210704_101500123.jpg", Some("2021-07-04T10:15:00")),
            ("IMG_20130119_1912430000.jpg", None),
            ("2013-01-19 19.12.43.jpg", Some("2013-01-19T19:12:43")),
            ("2013-02-30_19-12-43.jpg", None),
            ("2013-01-19_25-12-43.jpg", None),
            ("DSC01234.JPG", None),
            ("holiday.png", None),
        ];
        for (name, expected) in cases {
            assert_eq!(date_from_file_name(name).as_deref(), expected, "{name}");
        }
    }
}
