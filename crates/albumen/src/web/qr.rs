//! QR codes as inline SVG, for links a person opens on another device (a login link read off
//! the administrator's screen with a phone).

use qrcode::{Color, EcLevel, QrCode};

/// `text` as an SVG QR code: one path of unit squares on a white square with the standard
/// quiet zone of four modules, scaling to its box (`viewBox`); `None` when `text` is too long
/// for a QR code. Dark on white whatever the page's theme, as scanners expect.
pub fn svg(text: &str, label: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (i % width + 4, i / width + 4);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    let side = width + 8;
    Some(format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
         role=\"img\" aria-label=\"{}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/></svg>",
        escape(label)
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_becomes_a_square_svg_with_a_quiet_zone_and_a_label() {
        let url = "https://photos.example/login/0123456789abcdef0123456789abcdef";
        let svg = svg(url, "QR code of the \"login\" link").expect("as drawn");
        let code =
            QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).expect("as drawn");
        let side = code.width() + 8;
        assert!(
            svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")),
            "{svg}"
        );
        assert!(svg.contains("aria-label=\"QR code of the &quot;login&quot; link\""));
        // One unit square per dark module, none in the quiet zone.
        let dark = code
            .to_colors()
            .iter()
            .filter(|c| **c == Color::Dark)
            .count();
        assert_eq!(svg.matches("h1v1h-1z").count(), dark);
        assert!(!svg.contains("M3 ") && !svg.contains(" 3h1"));
        // The finder pattern's corner is the first module inside the quiet zone.
        assert!(svg.contains("d=\"M4 4h1v1h-1z"), "{svg}");
    }

    /// The SVG's unit squares drawn at 4 px a module, as a camera would see the code.
    fn rasterize(svg: &str) -> image::GrayImage {
        let side: u32 = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .expect("as drawn")
            .split(' ')
            .next()
            .expect("as drawn")
            .parse()
            .expect("as drawn");
        let mut img = image::GrayImage::from_pixel(side * 4, side * 4, image::Luma([255]));
        let path = svg
            .split(" d=\"")
            .nth(1)
            .expect("as drawn")
            .split('"')
            .next()
            .expect("as drawn");
        for square in path.split('M').filter(|s| !s.is_empty()) {
            let corner = square.strip_suffix("h1v1h-1z").expect("as drawn");
            let (x, y) = corner.split_once(' ').expect("as drawn");
            let (x, y): (u32, u32) = (x.parse().expect("as drawn"), y.parse().expect("as drawn"));
            for dy in 0..4 {
                for dx in 0..4 {
                    img.put_pixel(x * 4 + dx, y * 4 + dy, image::Luma([0]));
                }
            }
        }
        img
    }

    #[test]
    fn a_phone_reads_the_link_back() {
        for url in [
            "http://127.0.0.1:8080/login/link/ab",
            "https://photos.example/login/link/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            let img = rasterize(&svg(url, "code").expect("as drawn"));
            let mut prepared = rqrr::PreparedImage::prepare(img);
            let grids = prepared.detect_grids();
            assert_eq!(grids.len(), 1, "{url}");
            let (_, content) = grids[0].decode().expect("as drawn");
            assert_eq!(content, url);
        }
    }

    #[test]
    fn text_too_long_for_a_qr_code_gives_none() {
        assert_eq!(svg(&"x".repeat(5000), "too long"), None);
    }
}
