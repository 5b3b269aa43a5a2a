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

/// A video of ffmpeg's test pattern, in the container `extension` names (bootstrap installs
/// ffmpeg).
pub fn video(seconds: &str, size: &str, extension: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join(format!("clip.{extension}"));
    #[expect(clippy::disallowed_methods, reason = "makes a test video with ffmpeg")]
    let mut ffmpeg = std::process::Command::new("ffmpeg");
    let status = ffmpeg
        .args(["-v", "error", "-f", "lavfi", "-i"])
        .arg(format!("testsrc=size={size}:rate=10"))
        .args(["-t", seconds, "-pix_fmt", "yuv420p"])
        .arg(&out)
        .status()
        .expect("ffmpeg is installed (scripts/bootstrap.sh installs it)");
    assert!(status.success(), "ffmpeg made {extension}");
    #[expect(
        clippy::disallowed_methods,
        reason = "reads a fixture the test just made"
    )]
    let bytes = std::fs::read(out).expect("video written");
    bytes
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

/// A TIFF IFD entry: tag, then (type, count, big-endian value bytes).
type Entry = (u16, (u16, u32, Vec<u8>));

#[derive(Debug, Default, Clone)]
pub struct Exif {
    pub orientation: Option<u16>,
    /// `YYYY:MM:DD HH:MM:SS`
    pub taken: Option<&'static str>,
    /// The camera maker (EXIF Make).
    pub camera: Option<&'static str>,
    /// (latitude, longitude) in whole degrees, north and east positive.
    pub gps: Option<(i32, i32)>,
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

    /// A big-endian TIFF structure in an APP1 segment: IFD0 (Make, Orientation, pointers), an
    /// Exif IFD (DateTimeOriginal) and a GPS IFD.
    fn app1(&self) -> Option<Vec<u8>> {
        const ASCII: u16 = 2;
        const SHORT: u16 = 3;
        const LONG: u16 = 4;
        const RATIONAL: u16 = 5;
        let ascii = |text: &str| {
            let mut bytes = text.as_bytes().to_vec();
            bytes.push(0);
            (ASCII, bytes.len() as u32, bytes)
        };
        let degrees = |value: i32| {
            let mut bytes = Vec::new();
            for (num, den) in [(value.unsigned_abs(), 1u32), (0, 1), (0, 1)] {
                bytes.extend_from_slice(&num.to_be_bytes());
                bytes.extend_from_slice(&den.to_be_bytes());
            }
            (RATIONAL, 3, bytes)
        };
        let mut ifd0: Vec<Entry> = Vec::new();
        if let Some(make) = self.camera {
            ifd0.push((0x010F, ascii(make)));
        }
        if let Some(o) = self.orientation {
            ifd0.push((0x0112, (SHORT, 1, o.to_be_bytes().to_vec())));
        }
        let exif: Vec<Entry> = self
            .taken
            .map(|date| (0x9003, ascii(date)))
            .into_iter()
            .collect();
        let gps: Vec<Entry> = match self.gps {
            Some((lat, lon)) => vec![
                (0x0001, ascii(if lat < 0 { "S" } else { "N" })),
                (0x0002, degrees(lat)),
                (0x0003, ascii(if lon < 0 { "W" } else { "E" })),
                (0x0004, degrees(lon)),
            ],
            None => Vec::new(),
        };
        if ifd0.is_empty() && exif.is_empty() && gps.is_empty() {
            return None;
        }
        // Sub-IFD pointers are inline LONGs, so every IFD's size is known before the offsets.
        let size = |entries: &[Entry]| {
            let data: usize = entries
                .iter()
                .map(|(_, (_, _, v))| if v.len() > 4 { v.len() } else { 0 })
                .sum();
            (2 + 12 * entries.len() + 4 + data) as u32
        };
        let pointers = u32::from(!exif.is_empty()) + u32::from(!gps.is_empty());
        let ifd0_size = size(&ifd0) + 12 * pointers;
        let exif_at = 8 + ifd0_size;
        let gps_at = exif_at + if exif.is_empty() { 0 } else { size(&exif) };
        if !exif.is_empty() {
            ifd0.push((0x8769, (LONG, 1, exif_at.to_be_bytes().to_vec())));
        }
        if !gps.is_empty() {
            ifd0.push((0x8825, (LONG, 1, gps_at.to_be_bytes().to_vec())));
        }
        ifd0.sort_by_key(|(tag, _)| *tag);
        let write_ifd = |tiff: &mut Vec<u8>, entries: &[Entry]| {
            let at = tiff.len() as u32;
            let mut data_at = at + 2 + 12 * entries.len() as u32 + 4;
            let mut data = Vec::new();
            tiff.extend_from_slice(&(entries.len() as u16).to_be_bytes());
            for (tag, (kind, count, value)) in entries {
                tiff.extend_from_slice(&tag.to_be_bytes());
                tiff.extend_from_slice(&kind.to_be_bytes());
                tiff.extend_from_slice(&count.to_be_bytes());
                if value.len() > 4 {
                    tiff.extend_from_slice(&data_at.to_be_bytes());
                    data_at += value.len() as u32;
                    data.extend_from_slice(value);
                } else {
                    let mut inline = value.clone();
                    inline.resize(4, 0);
                    tiff.extend_from_slice(&inline);
                }
            }
            tiff.extend_from_slice(&0u32.to_be_bytes());
            tiff.extend_from_slice(&data);
        };
        let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
        write_ifd(&mut tiff, &ifd0);
        for ifd in [&exif, &gps] {
            if !ifd.is_empty() {
                write_ifd(&mut tiff, ifd);
            }
        }
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
        segment.extend_from_slice(b"Exif\0\0");
        segment.extend_from_slice(&tiff);
        Some(segment)
    }
}
