//! Capture times spelled out in file names: `2013-01-19_19-12-43.jpg`, `IMG_20130119_191243.jpg`.

use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime};
use regex::Regex;

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
