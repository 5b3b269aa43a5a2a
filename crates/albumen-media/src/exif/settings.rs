//! Capture settings: lens, exposure time, aperture, ISO and focal length.
//!
//! Each tag is read on its own, so a garbage value (wrong type or count, zero denominator)
//! loses only that setting.

use ::exif::{Rational, Tag};

use super::{ascii, camera_name, rationals, single_ratio};

/// How the shot was taken, as far as EXIF says.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Settings {
    pub(crate) lens: Option<String>,
    pub(crate) exposure_time: Option<String>,
    pub(crate) f_number: Option<f64>,
    pub(crate) iso: Option<u32>,
    /// In millimetres (actual, not 35 mm equivalent).
    pub(crate) focal_length: Option<f64>,
}

pub(super) fn read(exif: &::exif::Exif) -> Settings {
    Settings {
        lens: lens(exif),
        exposure_time: match rationals(exif, Tag::ExposureTime) {
            Some([r]) => format_exposure(*r),
            _ => None,
        },
        f_number: positive(single_ratio(exif, Tag::FNumber)),
        iso: exif
            .get_field(Tag::PhotographicSensitivity, ::exif::In::PRIMARY)
            .and_then(|f| f.value.get_uint(0))
            .filter(|&iso| iso > 0),
        focal_length: positive(single_ratio(exif, Tag::FocalLength)),
    }
}

/// Zero (or a non-number) is what writers put when they do not know.
fn positive(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite() && *v > 0.0)
}

/// LensModel, prefixed with LensMake unless the model already names it ("SIGMA" + "24-70mm
/// F2.8 DG DN | Art" reads better joined; Canon leaves LensMake out). LensMake alone names no
/// lens, so it yields None.
fn lens(exif: &::exif::Exif) -> Option<String> {
    let model = ascii(exif, Tag::LensModel)?;
    camera_name(ascii(exif, Tag::LensMake), Some(model))
}

/// Exposure time as photographers write it: "1/250" for unit fractions, else seconds with at
/// most one decimal ("0.5", "1.3", "30"). A non-unit fraction too short for one decimal
/// (3/1000 s) becomes the nearest "1/N" rather than "0".
pub(crate) fn format_exposure(r: Rational) -> Option<String> {
    if r.num == 0 || r.denom == 0 {
        return None;
    }
    let g = gcd(r.num, r.denom);
    let (num, den) = (r.num / g, r.denom / g);
    if num == 1 && den > 1 {
        return Some(format!("1/{den}"));
    }
    let secs = f64::from(num) / f64::from(den);
    if secs < 0.25 {
        return Some(format!("1/{}", (1.0 / secs).round() as u64));
    }
    let text = format!("{secs:.1}");
    Some(text.strip_suffix(".0").unwrap_or(&text).to_owned())
}

fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposure(num: u32, denom: u32) -> Option<String> {
        format_exposure(Rational { num, denom })
    }

    #[test]
    fn exposure_formatting() {
        assert_eq!(exposure(1, 250).as_deref(), Some("1/250"));
        assert_eq!(
            exposure(10, 2500).as_deref(),
            Some("1/250"),
            "reduced first"
        );
        assert_eq!(exposure(1, 1).as_deref(), Some("1"));
        assert_eq!(exposure(30, 1).as_deref(), Some("30"));
        assert_eq!(exposure(10, 20).as_deref(), Some("1/2"));
        assert_eq!(exposure(13, 10).as_deref(), Some("1.3"));
        assert_eq!(exposure(3, 10).as_deref(), Some("0.3"));
        assert_eq!(exposure(25, 10).as_deref(), Some("2.5"));
        assert_eq!(
            exposure(2999, 100).as_deref(),
            Some("30"),
            "rounds to one decimal"
        );
        assert_eq!(exposure(3, 1000).as_deref(), Some("1/333"), "not \"0\"");
        assert_eq!(exposure(u32::MAX, 1).as_deref(), Some("4294967295"));
        assert_eq!(exposure(0, 1), None);
        assert_eq!(exposure(1, 0), None);
        assert_eq!(exposure(0, 0), None);
    }
}
