//! ICC profiles: kept with the pixels so colours survive the re-encode.
//!
//! Previews embed the original's RGB profile rather than converting to sRGB: browsers colour
//! manage embedded profiles in JPEG and WebP, embedding costs no CPU and no precision, and a
//! wide-gamut (Display P3, Adobe RGB) photo stays wide-gamut on screens that can show it.
//! Profiles are a few hundred bytes to a few KB; the 1600 px preview is hundreds of KB.

/// Profile colour space signature of an RGB profile (ICC header bytes 16..20).
const RGB: &[u8; 4] = b"RGB ";

/// Whether `profile` describes RGB data; a CMYK or grey profile would misdescribe the RGB
/// pixels the pipeline emits.
pub(crate) fn is_rgb(profile: &[u8]) -> bool {
    // 128-byte header; the declared size must match what we hold.
    profile.len() >= 128
        && profile.get(16..20) == Some(RGB)
        && profile
            .get(0..4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .is_some_and(|s| u32::from_be_bytes(s) as usize == profile.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(space: &[u8; 4], len: usize) -> Vec<u8> {
        let mut p = vec![0; len];
        p[0..4].copy_from_slice(&(len as u32).to_be_bytes());
        p[16..20].copy_from_slice(space);
        p
    }

    #[test]
    fn only_whole_rgb_profiles_are_kept() {
        assert!(is_rgb(&header(b"RGB ", 200)));
        assert!(!is_rgb(&header(b"CMYK", 200)));
        assert!(!is_rgb(&header(b"GRAY", 200)));
        let mut cut = header(b"RGB ", 200);
        cut.truncate(150);
        assert!(!is_rgb(&cut));
    }
}
