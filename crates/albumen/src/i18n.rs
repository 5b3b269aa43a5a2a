//! The pages' languages: English, the templates' own text, and French, chosen per request from
//! `Accept-Language`. A catalogue (`locales/fr.toml`) maps each English message to its
//! translation; templates ask for one with `t("…")` (and `tn("…", "…", n)` for plurals), and
//! dates are written with the language's month names. A message a catalogue lacks shows in
//! English: a missing translation is never an error page.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// A language the pages can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

static FRENCH: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    toml::from_str(include_str!("../locales/fr.toml"))
        .unwrap_or_else(|e| unreachable!("locales/fr.toml is checked by the tests: {e}"))
});

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Months as a narrow rail shows them.
const MONTHS_SHORT_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_SHORT_FR: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// The messages the scripts show (the header's theme toggle, the viewer, the slideshow, the
/// admin pages' copy buttons and scan progress): the page hands them over translated, in a
/// JSON block the scripts read.
pub const SCRIPT_MESSAGES: &[&str] = &[
    "Switch to dark theme",
    "Switch to light theme",
    "Photo viewer",
    "Slideshow",
    "Play slideshow (Space)",
    "Pause slideshow (Space)",
    "This photo could not be loaded.",
    "Pause",
    "Shuffle",
    "Seconds per photo",
    "Which photos",
    "This album",
    "With sub-albums",
    "Undated",
    "Copied.",
    "Selected: press Ctrl+C (⌘C) to copy.",
    "Scanning ({phase})…",
    // The phases of a running scan (`web::scan_page`), also shown by the scan page itself.
    "listing",
    "reading",
    "saving",
    "Done",
];

impl Lang {
    /// `en`, `fr`: the `lang` of the page.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("en") {
            Some(Self::En)
        } else if primary.eq_ignore_ascii_case("fr") {
            Some(Self::Fr)
        } else {
            None
        }
    }

    /// The language of a page answered to `Accept-Language: header`: the supported one the
    /// browser weighs highest (the first listed among equals), else English.
    pub fn negotiate(header: Option<&str>) -> Self {
        let mut best: Option<(f32, Self)> = None;
        for range in header.unwrap_or_default().split(',').take(32) {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let Some(lang) = Self::from_code(tag) else {
                continue;
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Self::En, |(_, lang)| lang)
    }

    /// `message` in this language; itself when English or untranslated.
    pub fn translate(self, message: &str) -> &str {
        match self {
            Self::En => message,
            Self::Fr => FRENCH.get(message).map_or(message, String::as_str),
        }
    }

    /// Whether `n` takes the singular: 1 in English; 0 and 1 in French.
    pub fn singular(self, n: i64) -> bool {
        match self {
            Self::En => n == 1,
            Self::Fr => n == 0 || n == 1,
        }
    }

    fn month(self, date: &impl Datelike) -> &'static str {
        let index = date.month0() as usize;
        match self {
            Self::En => MONTHS_EN[index],
            Self::Fr => MONTHS_FR[index],
        }
    }

    /// `Jan`, `janv.`: a month in a narrow list.
    pub fn short_month(self, date: &impl Datelike) -> &'static str {
        let index = date.month0() as usize;
        match self {
            Self::En => MONTHS_SHORT_EN[index],
            Self::Fr => MONTHS_SHORT_FR[index],
        }
    }

    /// `May 2021`, `mai 2021`.
    pub fn month_year(self, date: &impl Datelike) -> String {
        format!("{} {}", self.month(date), date.year())
    }

    /// `19 January 2013`, `19 janvier 2013` (`1er` for the first of a month in French).
    pub fn long_date(self, date: NaiveDate) -> String {
        let day = match (self, date.day()) {
            (Self::Fr, 1) => "1er".to_owned(),
            (_, day) => day.to_string(),
        };
        format!("{day} {} {}", self.month(&date), date.year())
    }

    /// `19 January 2013, 19:12`, `19 janvier 2013 à 19:12`.
    pub fn long_datetime(self, at: NaiveDateTime) -> String {
        let joint = match self {
            Self::En => ",",
            Self::Fr => " à",
        };
        format!(
            "{}{joint} {:02}:{:02}",
            self.long_date(at.date()),
            at.hour(),
            at.minute()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_preferred_supported_language_wins() {
        let cases = [
            (None, Lang::En),
            (Some("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"), Lang::Fr),
            (Some("en-GB,fr;q=0.5"), Lang::En),
            (Some("de-DE,de;q=0.9,fr;q=0.4"), Lang::Fr),
            (Some("en;q=0.2, FR_ca;q=0.8"), Lang::Fr),
            (Some("fr;q=0"), Lang::En),
            (Some("de, *"), Lang::En),
            (Some("fr;q=nonsense"), Lang::Fr),
            (Some(";;;,,,q=1"), Lang::En),
        ];
        for (header, lang) in cases {
            assert_eq!(Lang::negotiate(header), lang, "{header:?}");
        }
    }

    #[test]
    fn dates_read_as_each_language_writes_them() {
        let date = NaiveDate::from_ymd_opt(2013, 1, 19).expect("a date");
        assert_eq!(Lang::En.long_date(date), "19 January 2013");
        assert_eq!(Lang::Fr.long_date(date), "19 janvier 2013");
        let first = NaiveDate::from_ymd_opt(2024, 8, 1).expect("a date");
        assert_eq!(Lang::Fr.long_date(first), "1er août 2024");
        let at = date.and_hms_opt(19, 2, 43).expect("a time");
        assert_eq!(Lang::En.long_datetime(at), "19 January 2013, 19:02");
        assert_eq!(Lang::Fr.long_datetime(at), "19 janvier 2013 à 19:02");
    }

    #[test]
    fn french_counts_zero_as_singular() {
        assert!(Lang::Fr.singular(0) && Lang::Fr.singular(1) && !Lang::Fr.singular(2));
        assert!(!Lang::En.singular(0) && Lang::En.singular(1));
    }

    /// Every message the templates, scripts, error pages and admin pages ask for has a French
    /// entry, and every entry is asked for: a new English message cannot ship untranslated, nor
    /// a stale one linger. The admin handlers' own text is found by its `t("…"` calls.
    #[test]
    fn the_french_catalogue_matches_what_the_pages_ask_for() {
        let catalogue: HashMap<String, String> =
            toml::from_str(include_str!("../locales/fr.toml")).expect("fr.toml parses");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut asked: Vec<String> = SCRIPT_MESSAGES
            .iter()
            .chain(crate::web::error::PAGE_MESSAGES)
            .chain(crate::web::admin_pages::INPUT_ERRORS)
            .copied()
            .chain(crate::web::admin_pages::notices())
            .map(str::to_owned)
            .collect();
        let admin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
        let mut sources = vec![admin.join("admin_pages.rs")];
        for entry in std::fs::read_dir(admin.join("admin_pages")).expect("admin_pages") {
            sources.push(entry.expect("entry").path());
        }
        for path in sources {
            #[expect(clippy::disallowed_methods, reason = "reads the crate's sources")]
            let text = std::fs::read_to_string(&path).expect("a source");
            asked.extend(messages_in(&text));
        }
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("templates") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                #[expect(clippy::disallowed_methods, reason = "reads the crate's templates")]
                let text = std::fs::read_to_string(&path).expect("a template");
                asked.extend(messages_in(&text));
            }
        }
        let missing: Vec<&String> = asked
            .iter()
            .filter(|m| !catalogue.contains_key(*m))
            .collect();
        assert!(missing.is_empty(), "no French for {missing:?}");
        let unused: Vec<&String> = catalogue.keys().filter(|k| !asked.contains(k)).collect();
        assert!(
            unused.is_empty(),
            "French for messages no page asks for: {unused:?}"
        );
        for (english, french) in &catalogue {
            for placeholder in english.match_indices('{').map(|(at, _)| &english[at..]) {
                let name = &placeholder[..=placeholder.find('}').expect("closed placeholder")];
                assert!(french.contains(name), "{french:?} lacks {name}");
            }
        }
    }

    /// The string literals given to `t(` and `tn(` in a template or a Rust source (both forms of
    /// a plural), in either quotes, on the call's line or the next.
    fn messages_in(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (at, call) in text.match_indices("t(").chain(text.match_indices("tn(")) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let mut rest = text[at + call.len()..].trim_start();
            let arguments = if call == "tn(" { 2 } else { 1 };
            for _ in 0..arguments {
                let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                    break;
                };
                let end = rest[1..].find(quote).expect("a closed string") + 1;
                found.push(rest[1..end].to_owned());
                rest = rest[end + 1..].trim_start_matches(|c: char| c == ',' || c.is_whitespace());
            }
        }
        found
    }
}
