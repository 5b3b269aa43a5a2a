//! Path patterns: what a file's library-relative path says about its album (category, name,
//! date) and possibly its capture time, and which paths to skip.

use chrono::NaiveDate;
use regex::{Captures, Regex, RegexSet};

use crate::config::ScanConfig;

/// What the first matching pattern derived from one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathFacts {
    pub(crate) category: String,
    /// `None` when the pattern has no `a_name` captures (the album is then named after its
    /// folder, or the library for top-level files).
    pub(crate) album_name: Option<String>,
    /// `YYYY-MM-DD` from `a_year`/`a_month`/`a_day`, when they form a valid date.
    pub(crate) album_date: Option<String>,
    /// `YYYY-MM-DDTHH:MM:SS` from `p_year`…`p_second` (time optional).
    pub(crate) photo_date: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Patterns {
    rules: Vec<(String, Regex)>,
    ignore: RegexSet,
}

impl Patterns {
    /// Compiles the configured patterns anchored at both ends: a pattern describes the whole
    /// path, so `\.jpg` never matches `IMG.jpg.xmp`.
    pub(crate) fn compile(config: &ScanConfig) -> Result<Self, regex::Error> {
        let anchored = |re: &str| format!("^(?:{re})$");
        Ok(Self {
            rules: config
                .patterns
                .iter()
                .map(|p| Ok((p.category.clone(), Regex::new(&anchored(&p.regex))?)))
                .collect::<Result<_, regex::Error>>()?,
            ignore: RegexSet::new(config.ignore.iter().map(|re| anchored(re)))?,
        })
    }

    /// Whether a file or folder path is skipped without a word.
    pub(crate) fn ignored(&self, path: &str) -> bool {
        self.ignore.is_match(path)
    }

    /// The facts of the first pattern matching the whole path, if any.
    pub(crate) fn classify(&self, path: &str) -> Option<PathFacts> {
        self.rules.iter().find_map(|(category, re)| {
            let caps = re.captures(path)?;
            Some(PathFacts {
                category: category.clone(),
                album_name: album_name(re, &caps),
                album_date: date(&caps, "a_year", "a_month", "a_day")
                    .map(|d| d.format("%Y-%m-%d").to_string()),
                photo_date: photo_date(&caps),
            })
        })
    }
}

/// `a_name`, or `a_name1`…`a_nameN` joined by spaces in *numeric* order; `/` shown as ` > `.
fn album_name(re: &Regex, caps: &Captures<'_>) -> Option<String> {
    let mut parts: Vec<(u32, &str)> = re
        .capture_names()
        .flatten()
        .filter_map(|name| {
            let rest = name.strip_prefix("a_name")?;
            let order = if rest.is_empty() {
                0
            } else {
                rest.parse().ok()?
            };
            Some((order, caps.name(name)?.as_str()))
        })
        .filter(|(_, text)| !text.trim().is_empty())
        .collect();
    if parts.is_empty() {
        return None;
    }
    parts.sort_by_key(|(order, _)| *order);
    let joined: Vec<&str> = parts.iter().map(|(_, text)| text.trim()).collect();
    Some(joined.join(" ").replace('/', " > "))
}

fn date(caps: &Captures<'_>, y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let num = |name: &str| caps.name(name)?.as_str().parse::<u32>().ok();
    NaiveDate::from_ymd_opt(i32::try_from(num(y)?).ok()?, num(m)?, num(d)?)
}

fn photo_date(caps: &Captures<'_>) -> Option<String> {
    let day = date(caps, "p_year", "p_month", "p_day")?;
    let part = |name: &str| {
        caps.name(name)
            .map_or(Some(0), |m| m.as_str().parse::<u32>().ok())
    };
    let time = day.and_hms_opt(part("p_hour")?, part("p_minute")?, part("p_second")?)?;
    Some(super::naming::format_datetime(time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::PatternConfig;

    fn defaults() -> Patterns {
        Patterns::compile(&ScanConfig::default()).expect("default patterns compile")
    }

    fn facts(category: &str, name: Option<&str>, date: Option<&str>) -> PathFacts {
        PathFacts {
            category: category.to_owned(),
            album_name: name.map(str::to_owned),
            album_date: date.map(str::to_owned),
            photo_date: None,
        }
    }

    #[test]
    fn default_layouts() {
        let p = defaults();
        let cases = [
            (
                "2013_01_19_Snow in Paris/a.jpg",
                facts("", Some("Snow in Paris"), Some("2013-01-19")),
            ),
            (
                "2013/01_19_Snow in Paris/a.jpg",
                facts("", Some("Snow in Paris"), Some("2013-01-19")),
            ),
            (
                "Trips/2013_01_19_Snow/a.jpg",
                facts("", Some("Snow"), Some("2013-01-19")),
            ),
            ("Holidays/a.jpg", facts("", Some("Holidays"), None)),
            (
                "2013_02_30_Impossible/a.jpg",
                facts("", Some("Impossible"), None),
            ),
            ("top.jpg", facts("", None, None)),
        ];
        for (path, expected) in cases {
            assert_eq!(p.classify(path), Some(expected), "{path}");
        }
    }

    #[test]
    fn default_ignores() {
        let p = defaults();
        for path in [
            ".hidden",
            "A/.DS_Store",
            "A/@eaDir",
            "A/@eaDir/x.jpg",
            "A/Thumbs.db",
            "A/IMG.JPG.xmp",
            "A/x.AAE",
        ] {
            assert!(p.ignored(path), "{path}");
        }
        for path in ["A/IMG.jpg", "A/notes.txt", "x.xmp.jpg"] {
            assert!(!p.ignored(path), "{path}");
        }
    }

    #[test]
    fn whole_path_first_match_numeric_name_order_and_photo_dates() {
        let config = ScanConfig {
            patterns: vec![
                PatternConfig {
                    category: "events".to_owned(),
                    regex: r"(?P<a_year>\d{4})/(?P<a_name2>[^/]+)/(?P<a_name10>[^/]+)/(?P<a_name1>[^/]+)/IMG_(?P<p_year>\d{4})(?P<p_month>\d{2})(?P<p_day>\d{2})_(?P<p_hour>\d{2})(?P<p_minute>\d{2})(?P<p_second>\d{2})\.jpg".to_owned(),
                },
                PatternConfig {
                    category: "misc".to_owned(),
                    regex: r"(?P<a_name>.+)/[^/]+\.jpg".to_owned(),
                },
            ],
            ..ScanConfig::default()
        };
        let p = Patterns::compile(&config).expect("compiles");
        let got = p
            .classify("2020/b/c/a/IMG_20200102_030405.jpg")
            .expect("matches");
        assert_eq!(got.category, "events");
        assert_eq!(
            got.album_name.as_deref(),
            Some("a b c"),
            "1, 2, 10 — not 1, 10, 2"
        );
        assert_eq!(got.photo_date.as_deref(), Some("2020-01-02T03:04:05"));
        assert_eq!(got.album_date, None, "no month and day");
        // The first rule does not match the whole path; the second does, and shows nesting.
        let got = p
            .classify("x/y/IMG_20200102_030405.jpg.jpg")
            .expect("matches");
        assert_eq!(
            (got.category.as_str(), got.album_name.as_deref()),
            ("misc", Some("x > y"))
        );
        assert_eq!(p.classify("x.jpg"), None);
        assert_eq!(
            p.classify("A/IMG.jpg.xmp"),
            None,
            "a prefix match is not a match"
        );
    }
}
