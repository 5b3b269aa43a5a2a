//! Position from the GPS IFD, as signed decimal degrees.

use ::exif::{Rational, Tag};

use super::{ascii, ratio, rationals};

/// (latitude, longitude); None unless both are present and well-formed.
pub(super) fn read(exif: &::exif::Exif) -> Option<(f64, f64)> {
    let lat = coordinate(
        exif,
        Tag::GPSLatitudeRef,
        Tag::GPSLatitude,
        [b'N', b'S'],
        90.0,
    )?;
    let lon = coordinate(
        exif,
        Tag::GPSLongitudeRef,
        Tag::GPSLongitude,
        [b'E', b'W'],
        180.0,
    )?;
    // Receivers without a fix write a zeroed block; that is not a photo off the Gulf of Guinea.
    (lat != 0.0 || lon != 0.0).then_some((lat, lon))
}

/// One axis: the reference letter gives the sign, so a missing or unknown reference means no
/// position (guessing would put the photo on the wrong side of the planet).
fn coordinate(
    exif: &::exif::Exif,
    reference: Tag,
    tag: Tag,
    [positive, negative]: [u8; 2],
    limit: f64,
) -> Option<f64> {
    let sign = match *ascii(exif, reference)?.to_ascii_uppercase().as_bytes() {
        [c] if c == positive => 1.0,
        [c] if c == negative => -1.0,
        _ => return None,
    };
    let &[d, m, s] = rationals(exif, tag)? else {
        return None;
    };
    let degrees = degrees(d, m, s)?;
    (degrees <= limit).then_some(sign * degrees)
}

/// Degrees, minutes, seconds; writers also put decimal degrees or decimal minutes with the
/// rest zero, which this handles alike. Minutes or seconds of 60 or more are malformed.
fn degrees(d: Rational, m: Rational, s: Rational) -> Option<f64> {
    let (d, m, s) = (ratio(d)?, ratio(m)?, ratio(s)?);
    (m < 60.0 && s < 60.0).then(|| d + m / 60.0 + s / 3600.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(num: u32, denom: u32) -> Rational {
        Rational { num, denom }
    }

    #[test]
    fn dms_to_degrees() {
        let eiffel = degrees(r(48, 1), r(51, 1), r(296, 10)).expect("valid");
        assert!((eiffel - 48.858_222).abs() < 1e-6, "{eiffel}");
        let decimal_minutes = degrees(r(2, 1), r(176_700, 10_000), r(0, 1)).expect("valid");
        assert!((decimal_minutes - 2.2945).abs() < 1e-6, "{decimal_minutes}");
        assert_eq!(degrees(r(48, 1), r(60, 1), r(0, 1)), None);
        assert_eq!(degrees(r(48, 1), r(0, 1), r(61, 1)), None);
        assert_eq!(degrees(r(48, 0), r(0, 1), r(0, 1)), None);
    }
}
