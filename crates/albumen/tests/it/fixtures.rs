//! Generated test images: JPEGs with chosen EXIF orientation and capture date, PNGs, and broken
//! files. Nothing binary is committed.

use image::{ImageBuffer, Rgb};

/// A JPEG of `width`×`height` with a gradient (so it compresses like a picture, not a flat
/// colour), optionally carrying EXIF Orientation, DateTimeOriginal and Make/Model.
pub fn jpeg(width: u32, height: u32, exif: &Exif) -> Vec<u8> {
    let img = ImageBuffer::from_fn(width, height, |x, y| {
        Rgb([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .expect("encode jpeg");
    match exif.app1() {
        Some(app1) => {
            let mut with_exif = out[..2].to_vec();
            with_exif.extend_from_slice(&app1);
            with_exif.extend_from_slice(&out[2..]);
            with_exif
        }
        None => out,
    }
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = ImageBuffer::from_fn(width, height, |x, y| Rgb([x as u8, y as u8, 128u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

/// A file with a valid JPEG header but no image data: it scans, but cannot render.
pub fn jpeg_with_broken_body(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = jpeg(width, height, &Exif::default());
    let sos = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("start of scan");
    bytes.truncate(sos);
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

#[derive(Debug, Default, Clone)]
pub struct Exif {
    pub orientation: Option<u16>,
    /// `YYYY:MM:DD HH:MM:SS`
    pub taken: Option<&'static str>,
}

impl Exif {
    pub fn taken(taken: &'static str) -> Self {
        Self {
            taken: Some(taken),
            ..Self::default()
        }
    }

    pub fn oriented(orientation: u16) -> Self {
        Self {
            orientation: Some(orientation),
            ..Self::default()
        }
    }

    /// A big-endian TIFF structure in an APP1 segment: IFD0 (Orientation, Exif pointer) and an
    /// Exif IFD (DateTimeOriginal).
    fn app1(&self) -> Option<Vec<u8>> {
        if self.orientation.is_none() && self.taken.is_none() {
            return None;
        }
        let mut ifd0: Vec<(u16, u16, u32, [u8; 4])> = Vec::new();
        if let Some(o) = self.orientation {
            let b = o.to_be_bytes();
            ifd0.push((0x0112, 3, 1, [b[0], b[1], 0, 0]));
        }
        let ifd0_len = 2 + 12 * (ifd0.len() + 1) + 4;
        let exif_ifd_at = 8 + ifd0_len as u32;
        ifd0.push((0x8769, 4, 1, exif_ifd_at.to_be_bytes()));
        let date_at = exif_ifd_at + 2 + 12 + 4;
        let date = self.taken.unwrap_or("");
        let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
        let push_ifd = |tiff: &mut Vec<u8>, entries: &[(u16, u16, u32, [u8; 4])]| {
            tiff.extend_from_slice(&(entries.len() as u16).to_be_bytes());
            for (tag, kind, count, value) in entries {
                tiff.extend_from_slice(&tag.to_be_bytes());
                tiff.extend_from_slice(&kind.to_be_bytes());
                tiff.extend_from_slice(&count.to_be_bytes());
                tiff.extend_from_slice(value);
            }
            tiff.extend_from_slice(&0u32.to_be_bytes());
        };
        push_ifd(&mut tiff, &ifd0);
        let exif_entries = if self.taken.is_some() {
            vec![(0x9003, 2, date.len() as u32 + 1, date_at.to_be_bytes())]
        } else {
            vec![]
        };
        push_ifd(&mut tiff, &exif_entries);
        tiff.extend_from_slice(date.as_bytes());
        tiff.push(0);
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
        segment.extend_from_slice(b"Exif\0\0");
        segment.extend_from_slice(&tiff);
        Some(segment)
    }
}
