//! `Content-Type` from the first bytes of a file, not from its name: a file named `x.jpg` that
//! holds HTML must never be announced as anything a browser would render as a page.

/// Bytes needed to recognise every type below.
pub(super) const SNIFF_LEN: usize = 64;

/// The MIME type of content starting with `head`; `application/octet-stream` when unknown.
pub(super) fn content_type(head: &[u8]) -> &'static str {
    let starts = |magic: &[u8]| head.starts_with(magic);
    let at = |offset: usize, magic: &[u8]| {
        head.get(offset..offset + magic.len())
            .is_some_and(|s| s == magic)
    };
    if starts(b"\xFF\xD8\xFF") {
        "image/jpeg"
    } else if starts(b"\x89PNG\r\n\x1A\n") {
        "image/png"
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        "image/gif"
    } else if starts(b"RIFF") && at(8, b"WEBP") {
        "image/webp"
    } else if starts(b"RIFF") && at(8, b"AVI ") {
        "video/x-msvideo"
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        "image/tiff"
    } else if starts(b"BM") && head.len() >= 14 {
        "image/bmp"
    } else if at(4, b"ftyp") {
        iso_media(head.get(8..12).unwrap_or_default())
    } else if starts(b"\x1A\x45\xDF\xA3") {
        // Matroska; WebM names its doctype in the header.
        if head.windows(4).any(|w| w == b"webm") {
            "video/webm"
        } else {
            "video/x-matroska"
        }
    } else if starts(b"\x47") && head.len() > 1 && !head.is_ascii() {
        // An MPEG transport stream starts with a sync byte per 188-byte packet; demanding
        // binary content keeps a text file starting with `G` out.
        "video/mp2t"
    } else {
        "application/octet-stream"
    }
}

/// ISO base media files (`ftyp` box): the major brand names the family.
fn iso_media(brand: &[u8]) -> &'static str {
    match brand {
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" => "image/heic",
        b"mif1" | b"msf1" => "image/heif",
        b"avif" | b"avis" => "image/avif",
        b"qt  " => "video/quicktime",
        b if b.starts_with(b"3g") => "video/3gpp",
        _ => "video/mp4",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers_decide() {
        let cases: &[(&[u8], &str)] = &[
            (b"\xFF\xD8\xFF\xE0\0\x10JFIF", "image/jpeg"),
            (b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR", "image/png"),
            (b"GIF89a\x01\0\x01\0", "image/gif"),
            (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
            (b"II*\0\x08\0\0\0", "image/tiff"),
            (b"\0\0\0\x18ftypheic\0\0\0\0", "image/heic"),
            (b"\0\0\0\x18ftypisom\0\0\x02\0", "video/mp4"),
            (b"\0\0\0\x14ftypqt  \0\0\0\0", "video/quicktime"),
            (
                b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x84webm",
                "video/webm",
            ),
            (
                b"<html><script>alert(1)</script>",
                "application/octet-stream",
            ),
            (
                b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                "application/octet-stream",
            ),
            (b"GET / HTTP/1.1", "application/octet-stream"),
            (b"", "application/octet-stream"),
        ];
        for (head, mime) in cases {
            assert_eq!(content_type(head), *mime, "{head:?}");
        }
    }
}
