//! EXIF metadata: orientation, capture time, camera name, capture settings and position.
//!
//! kamadak-exif is strict by default and rejects files in the wild (e.g. piexif's "Unexpected
//! next IFD"), so it runs with `continue_on_error` and we keep whatever it managed to parse.
//! Metadata is best effort: any failure means "absent", never an error.

mod gps;
mod settings;

use std::io::Cursor;

use ::exif::{In, Rational, Tag, Value};

use crate::guard::no_panic;
use crate::{Format, header};

use settings::Settings;

/// The EXIF facts the gallery uses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Meta {
    /// 1..=8; 1 when absent or invalid.
    pub(crate) orientation: u8,
    pub(crate) taken_at: Option<String>,
    /// "+HH:MM" / "-HH:MM" from OffsetTimeOriginal.
    pub(crate) taken_offset: Option<String>,
    pub(crate) camera: Option<String>,
    pub(crate) settings: Settings,
    /// (latitude, longitude) in signed decimal degrees.
    pub(crate) gps: Option<(f64, f64)>,
}

impl Default for Meta {
    fn default() -> Self {
        Self {
            orientation: 1,
            taken_at: None,
            taken_offset: None,
            camera: None,
            settings: Settings::default(),
            gps: None,
        }
    }
}

/// Reads EXIF from `data` (the whole file or its head).
pub(crate) fn read(format: Format, data: &[u8]) -> Meta {
    no_panic(|| parse(format, data))
        .ok()
        .flatten()
        .map(|exif| Meta {
            orientation: orientation(&exif),
            taken_at: taken_at(&exif),
            taken_offset: ascii(&exif, Tag::OffsetTimeOriginal).and_then(|s| normalise_offset(&s)),
            camera: camera(&exif),
            settings: settings::read(&exif),
            gps: gps::read(&exif),
        })
        .unwrap_or_default()
}

fn parse(format: Format, data: &[u8]) -> Option<::exif::Exif> {
    let mut reader = ::exif::Reader::new();
    reader.continue_on_error(true);
    let result = match format {
        // GIF has no EXIF.
        Format::Gif => return None,
        // A TIFF file *is* an EXIF structure.
        Format::Tiff => reader.read_raw(data.to_vec()),
        // ORF and RW2 are TIFF under another magic number; give kamadak the standard one.
        Format::Raw => {
            let mut tiff = data.to_vec();
            if let Some(magic) = tiff.get_mut(2..4) {
                let standard = if data.starts_with(b"MM") {
                    [0, 42]
                } else {
                    [42, 0]
                };
                magic.copy_from_slice(&standard);
            }
            reader.read_raw(tiff)
        }
        // Our own segment walk stops at the first scan; kamadak's container reader would scan
        // the whole entropy-coded body of a file without EXIF.
        Format::Jpeg => reader.read_raw(header::jpeg_exif(data)?.to_vec()),
        Format::Png | Format::Webp | Format::Heif => {
            reader.read_from_container(&mut Cursor::new(data))
        }
    };
    result.or_else(|e| e.distill_partial_result(|_| {})).ok()
}

fn orientation(exif: &::exif::Exif) -> u8 {
    exif.get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| (1..=8).contains(v))
        .unwrap_or(1)
}

/// First ASCII component of a tag, trimmed of NULs, whitespace and control characters.
fn ascii(exif: &::exif::Exif, tag: Tag) -> Option<String> {
    let field = exif.get_field(tag, In::PRIMARY)?;
    let Value::Ascii(ref parts) = field.value else {
        return None;
    };
    let text: String = String::from_utf8_lossy(parts.first()?)
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The components of a RATIONAL tag; None for any other type.
fn rationals(exif: &::exif::Exif, tag: Tag) -> Option<&[Rational]> {
    match exif.get_field(tag, In::PRIMARY)?.value {
        Value::Rational(ref parts) => Some(parts),
        _ => None,
    }
}

/// A RATIONAL tag that must hold exactly one value, as a float; None for a zero denominator.
fn single_ratio(exif: &::exif::Exif, tag: Tag) -> Option<f64> {
    match rationals(exif, tag)? {
        [r] => ratio(*r),
        _ => None,
    }
}

/// A rational as a float; None for a zero denominator (0/0 is how writers say "unknown").
fn ratio(r: Rational) -> Option<f64> {
    (r.denom != 0).then(|| f64::from(r.num) / f64::from(r.denom))
}

fn taken_at(exif: &::exif::Exif) -> Option<String> {
    [Tag::DateTimeOriginal, Tag::DateTimeDigitized, Tag::DateTime]
        .into_iter()
        .find_map(|tag| ascii(exif, tag).and_then(|s| normalise_datetime(&s)))
}

fn camera(exif: &::exif::Exif) -> Option<String> {
    camera_name(ascii(exif, Tag::Make), ascii(exif, Tag::Model))
}

/// "Make Model", without repeating the make when the model already names it: "Canon" +
/// "Canon EOS R5" is "Canon EOS R5", and "NIKON CORPORATION" + "NIKON D750" is "NIKON D750"
/// (the model starts with the make's first word).
pub(crate) fn camera_name(make: Option<String>, model: Option<String>) -> Option<String> {
    match (make, model) {
        (Some(make), Some(model)) => {
            let first_word = make.split_whitespace().next().unwrap_or(&make);
            if starts_with_word(&model, &make) || starts_with_word(&model, first_word) {
                Some(model)
            } else {
                Some(format!("{make} {model}"))
            }
        }
        (Some(one), None) | (None, Some(one)) => Some(one),
        (None, None) => None,
    }
}

/// Case-insensitive prefix test that only matches whole words ("Leica" is not a prefix word
/// of "LeicaX").
fn starts_with_word(text: &str, prefix: &str) -> bool {
    let (t, p) = (text.as_bytes(), prefix.as_bytes());
    !p.is_empty()
        && t.len() >= p.len()
        && t[..p.len()].eq_ignore_ascii_case(p)
        && t.get(p.len()).is_none_or(|b| !b.is_ascii_alphanumeric())
}

/// Normalises an EXIF date ("YYYY:MM:DD HH:MM:SS", also seen with '-' or 'T' separators and
/// trailing sub-seconds or zones) to "YYYY-MM-DDTHH:MM:SS". Placeholders such as
/// "0000:00:00 00:00:00" or blanks yield None.
pub(crate) fn normalise_datetime(raw: &str) -> Option<String> {
    let b = raw.trim().as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = &b[range];
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let date_sep = |c: u8| c == b':' || c == b'-';
    if !date_sep(b[4]) || !date_sep(b[7]) || !matches!(b[10], b' ' | b'T') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if year == 0 || day == 0 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"
    ))
}

/// Validates an EXIF time offset ("+02:00", "-05:30"). Blanks ("   :  ", written when the
/// offset is unknown), other shapes and offsets beyond real zones (±14:00) yield None.
pub(crate) fn normalise_offset(raw: &str) -> Option<String> {
    let b = raw.trim().as_bytes();
    let [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] = *b else {
        return None;
    };
    if ![h1, h2, m1, m2].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (hours, minutes) = (
        (h1 - b'0') * 10 + (h2 - b'0'),
        (m1 - b'0') * 10 + (m2 - b'0'),
    );
    if hours > 14 || minutes > 59 || (hours == 14 && minutes > 0) {
        return None;
    }
    Some(format!("{}{hours:02}:{minutes:02}", char::from(sign)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_normalisation() {
        let n = |s: &str| normalise_datetime(s);
        assert_eq!(
            n("2021:07:04 18:30:05").as_deref(),
            Some("2021-07-04T18:30:05")
        );
        assert_eq!(
            n("2021-07-04T18:30:05.123+02:00").as_deref(),
            Some("2021-07-04T18:30:05")
        );
        assert_eq!(
            n(" 2024:02:29 00:00:00\0").as_deref(),
            Some("2024-02-29T00:00:00")
        );
        assert_eq!(n("0000:00:00 00:00:00"), None);
        assert_eq!(n("    :  :     :  :  "), None);
        assert_eq!(n("2023:02:29 10:00:00"), None, "not a leap year");
        assert_eq!(n("2023:13:01 10:00:00"), None);
        assert_eq!(n("2023:01:01 24:00:00"), None);
        assert_eq!(n("2023:01:01"), None);
        assert_eq!(n("garbage garbage garbage"), None);
    }

    #[test]
    fn offset_validation() {
        let n = |s: &str| normalise_offset(s);
        assert_eq!(n("+02:00").as_deref(), Some("+02:00"));
        assert_eq!(n(" -05:30 ").as_deref(), Some("-05:30"));
        assert_eq!(n("+14:00").as_deref(), Some("+14:00"));
        assert_eq!(n("+14:30"), None);
        assert_eq!(n("   :  "), None, "unknown offset");
        assert_eq!(n("02:00"), None, "sign required");
        assert_eq!(n("+2:00"), None);
        assert_eq!(n("+02:60"), None);
        assert_eq!(n("+0a:00"), None);
        assert_eq!(n("Z"), None);
    }

    #[test]
    fn camera_names() {
        let c = |make: Option<&str>, model: Option<&str>| {
            camera_name(make.map(str::to_owned), model.map(str::to_owned))
        };
        assert_eq!(
            c(Some("Canon"), Some("Canon EOS R5")).as_deref(),
            Some("Canon EOS R5")
        );
        assert_eq!(
            c(Some("NIKON CORPORATION"), Some("NIKON D750")).as_deref(),
            Some("NIKON D750")
        );
        assert_eq!(
            c(Some("Apple"), Some("iPhone 12")).as_deref(),
            Some("Apple iPhone 12")
        );
        assert_eq!(
            c(Some("Leica"), Some("LeicaX 2")).as_deref(),
            Some("Leica LeicaX 2")
        );
        assert_eq!(c(Some("FUJIFILM"), None).as_deref(), Some("FUJIFILM"));
        assert_eq!(c(None, Some("X100V")).as_deref(), Some("X100V"));
        assert_eq!(c(None, None), None);
    }
}
