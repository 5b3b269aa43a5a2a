//! Generated inputs: JPEGs via turbojpeg, other formats via `image`, EXIF and TIFF structures
//! hand-built so the tests control every byte that matters.

use std::io::Cursor;

use albumen_media::{Fit, Preset};
use image::{DynamicImage, ImageFormat};
use turbojpeg::{PixelFormat, Subsamp};

pub(crate) type Rgb = [u8; 3];

pub(crate) const RED: Rgb = [255, 0, 0];
pub(crate) const GREEN: Rgb = [0, 255, 0];
pub(crate) const BLUE: Rgb = [0, 0, 255];
pub(crate) const GREY: Rgb = [128, 128, 128];
pub(crate) const WHITE: Rgb = [255, 255, 255];

pub(crate) fn preset(width: u32, height: u32, fit: Fit) -> Preset {
    Preset {
        width,
        height,
        fit,
        quality: 90,
    }
}

/// Row-major RGB buffer from a per-pixel function.
pub(crate) fn rgb_buf(w: u32, h: u32, f: impl Fn(u32, u32) -> Rgb) -> Vec<u8> {
    let mut v = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            v.extend_from_slice(&f(x, y));
        }
    }
    v
}

/// A deterministic "photo-like" test scene: gradients, a disc, stripes and a checker corner,
/// so resampling, cropping and orientation errors all show.
pub(crate) fn scene(w: u32, h: u32) -> impl Fn(u32, u32) -> Rgb {
    move |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let (dx, dy) = (fx - 0.6, fy - 0.45);
        if dx * dx + dy * dy < 0.04 {
            return [230, 180, 40];
        }
        if fx < 0.2 && fy < 0.25 {
            return if (x / 4 + y / 4) % 2 == 0 {
                [20, 20, 20]
            } else {
                [240, 240, 240]
            };
        }
        if fy > 0.8 && (x / 6) % 2 == 0 {
            return [40, 60, 200];
        }
        [
            (fx * 200.0) as u8 + 20,
            (fy * 180.0) as u8 + 30,
            ((1.0 - fx) * 150.0) as u8 + 40,
        ]
    }
}

pub(crate) fn jpeg(w: u32, h: u32, quality: i32, f: impl Fn(u32, u32) -> Rgb) -> Vec<u8> {
    let buf = rgb_buf(w, h, f);
    let img = turbojpeg::Image {
        pixels: buf.as_slice(),
        width: w as usize,
        pitch: w as usize * 3,
        height: h as usize,
        format: PixelFormat::RGB,
    };
    // 4:4:4 so small colour markers survive the input encode unblurred.
    turbojpeg::compress(img, quality, Subsamp::None)
        .unwrap()
        .to_vec()
}

pub(crate) fn jpeg_progressive(w: u32, h: u32, f: impl Fn(u32, u32) -> Rgb) -> Vec<u8> {
    let buf = rgb_buf(w, h, f);
    let mut c = turbojpeg::Compressor::new().unwrap();
    c.set_progressive(true).unwrap();
    c.set_quality(90).unwrap();
    c.compress_to_vec(turbojpeg::Image {
        pixels: buf.as_slice(),
        width: w as usize,
        pitch: w as usize * 3,
        height: h as usize,
        format: PixelFormat::RGB,
    })
    .unwrap()
}

pub(crate) fn jpeg_gray(w: u32, h: u32, f: impl Fn(u32, u32) -> u8) -> Vec<u8> {
    let buf: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .map(|(x, y)| f(x, y))
        .collect();
    let img = turbojpeg::Image {
        pixels: buf.as_slice(),
        width: w as usize,
        pitch: w as usize,
        height: h as usize,
        format: PixelFormat::GRAY,
    };
    turbojpeg::compress(img, 90, Subsamp::Gray)
        .unwrap()
        .to_vec()
}

/// A YCCK JPEG (as Photoshop writes for print work) holding a flat RGB colour, stored as
/// Adobe-inverted CMYK.
pub(crate) fn jpeg_cmyk(w: u32, h: u32, colour: Rgb) -> Vec<u8> {
    let [r, g, b] = colour.map(f32::from);
    let k = 255.0 - r.max(g).max(b);
    let ink = |v: f32| {
        if k >= 255.0 {
            0.0
        } else {
            (255.0 - v - k) / (255.0 - k) * 255.0
        }
    };
    // Inverted: stored = 255 - ink.
    let px = [255.0 - ink(r), 255.0 - ink(g), 255.0 - ink(b), 255.0 - k].map(|v| v.round() as u8);
    let buf = px.repeat((w * h) as usize);
    let img = turbojpeg::Image {
        pixels: buf.as_slice(),
        width: w as usize,
        pitch: w as usize * 4,
        height: h as usize,
        format: PixelFormat::CMYK,
    };
    turbojpeg::compress(img, 95, Subsamp::None)
        .unwrap()
        .to_vec()
}

pub(crate) fn encode_with(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

pub(crate) fn png(w: u32, h: u32, f: impl Fn(u32, u32) -> Rgb) -> Vec<u8> {
    let img = image::RgbImage::from_raw(w, h, rgb_buf(w, h, f)).unwrap();
    encode_with(&DynamicImage::ImageRgb8(img), ImageFormat::Png)
}

/// Decodes a rendered JPEG: (width, height, RGB pixels).
pub(crate) fn decode(jpeg: &[u8]) -> (u32, u32, Vec<u8>) {
    let img = turbojpeg::decompress(jpeg, PixelFormat::RGB).unwrap();
    (img.width as u32, img.height as u32, img.pixels)
}

pub(crate) fn pixel(img: &(u32, u32, Vec<u8>), x: u32, y: u32) -> Rgb {
    let at = ((y * img.0 + x) * 3) as usize;
    [img.2[at], img.2[at + 1], img.2[at + 2]]
}

/// Whether two colours are within `tol` on every channel.
pub(crate) fn near(a: Rgb, b: Rgb, tol: u8) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tol)
}

// ---------------------------------------------------------------------------------------------
// EXIF / TIFF structures

/// A TIFF field value.
#[derive(Clone, Debug)]
pub(crate) enum Val {
    Short(u16),
    Shorts(Vec<u16>),
    Long(u32),
    Ascii(String),
    /// One RATIONAL: numerator, denominator.
    Rational(u32, u32),
    Rationals(Vec<(u32, u32)>),
    /// Type, count and the 4-byte value field, written verbatim whatever they claim (e.g. an
    /// out-of-line value at an offset past the end of the data).
    Raw(u16, u32, [u8; 4]),
}

impl Val {
    fn typ_count_bytes(&self) -> (u16, u32, Vec<u8>) {
        let rational = |&(n, d): &(u32, u32)| [n.to_be_bytes(), d.to_be_bytes()].concat();
        match self {
            Val::Short(v) => (3, 1, v.to_be_bytes().to_vec()),
            Val::Shorts(v) => (
                3,
                v.len() as u32,
                v.iter().flat_map(|s| s.to_be_bytes()).collect(),
            ),
            Val::Long(v) => (4, 1, v.to_be_bytes().to_vec()),
            Val::Ascii(s) => {
                let mut b = s.as_bytes().to_vec();
                b.push(0);
                (2, b.len() as u32, b)
            }
            Val::Rational(n, d) => (5, 1, rational(&(*n, *d))),
            Val::Rationals(v) => (5, v.len() as u32, v.iter().flat_map(rational).collect()),
            Val::Raw(typ, count, field) => (*typ, *count, field.to_vec()),
        }
    }
}

/// Builds a big-endian TIFF structure: header, then `blob` at offset 8 (e.g. strip pixels),
/// then IFD0, then each non-empty sub-IFD (linked from IFD0 by its pointer tag: 0x8769 Exif,
/// 0x8825 GPS), then the out-of-line values. `next_ifd` is written as IFD0's next-IFD offset
/// (0 for none; a bogus value imitates piexif's malformed output).
pub(crate) fn tiff_be(
    blob: &[u8],
    ifd0: &[(u16, Val)],
    sub_ifds: &[(u16, Vec<(u16, Val)>)],
    next_ifd: u32,
) -> Vec<u8> {
    let ifd_size = |n: usize| 2 + 12 * n + 4;
    let subs: Vec<&(u16, Vec<(u16, Val)>)> =
        sub_ifds.iter().filter(|(_, e)| !e.is_empty()).collect();
    let mut ifd0: Vec<(u16, Val)> = ifd0.to_vec();
    let ifd0_at = (8 + blob.len()).next_multiple_of(2);
    let mut data_at = ifd0_at + ifd_size(ifd0.len() + subs.len());
    for (pointer, entries) in &subs {
        ifd0.push((*pointer, Val::Long(data_at as u32)));
        data_at += ifd_size(entries.len());
    }

    let mut out = b"MM\0\x2a".to_vec();
    out.extend_from_slice(&(ifd0_at as u32).to_be_bytes());
    out.extend_from_slice(blob);
    out.resize(ifd0_at, 0);
    let mut data = Vec::new();
    let mut write_ifd = |out: &mut Vec<u8>, entries: &[(u16, Val)], next: u32| {
        let mut entries = entries.to_vec();
        entries.sort_by_key(|(tag, _)| *tag);
        out.extend_from_slice(&(entries.len() as u16).to_be_bytes());
        for (tag, val) in &entries {
            let (typ, count, bytes) = val.typ_count_bytes();
            out.extend_from_slice(&tag.to_be_bytes());
            out.extend_from_slice(&typ.to_be_bytes());
            out.extend_from_slice(&count.to_be_bytes());
            if bytes.len() <= 4 {
                let mut inline = bytes.clone();
                inline.resize(4, 0);
                out.extend_from_slice(&inline);
            } else {
                out.extend_from_slice(&(data_at as u32).to_be_bytes());
                data.extend_from_slice(&bytes);
                data_at += bytes.len();
                if data_at % 2 == 1 {
                    data.push(0);
                    data_at += 1;
                }
            }
        }
        out.extend_from_slice(&next.to_be_bytes());
    };
    write_ifd(&mut out, &ifd0, next_ifd);
    for (_, entries) in &subs {
        write_ifd(&mut out, entries, 0);
    }
    out.extend_from_slice(&data);
    out
}

/// Degrees, minutes and seconds as rationals, as GPSLatitude / GPSLongitude store them.
pub(crate) type Dms = [(u32, u32); 3];

/// The EXIF a camera would write.
#[derive(Clone, Debug, Default)]
pub(crate) struct Exif {
    pub(crate) orientation: Option<u16>,
    pub(crate) make: Option<&'static str>,
    pub(crate) model: Option<&'static str>,
    pub(crate) date_time: Option<&'static str>,
    pub(crate) date_time_original: Option<&'static str>,
    pub(crate) date_time_digitized: Option<&'static str>,
    pub(crate) offset_time_original: Option<&'static str>,
    pub(crate) lens_make: Option<&'static str>,
    pub(crate) lens_model: Option<&'static str>,
    /// Seconds, as numerator and denominator.
    pub(crate) exposure_time: Option<(u32, u32)>,
    pub(crate) f_number: Option<(u32, u32)>,
    pub(crate) iso: Option<u16>,
    /// Millimetres, as numerator and denominator.
    pub(crate) focal_length: Option<(u32, u32)>,
    /// Reference ("N" or "S") and value.
    pub(crate) gps_latitude: Option<(&'static str, Dms)>,
    /// Reference ("E" or "W") and value.
    pub(crate) gps_longitude: Option<(&'static str, Dms)>,
    /// Entries for the Exif / GPS IFDs that replace any field with the same tag: how tests
    /// write malformed values.
    pub(crate) raw_exif: Vec<(u16, Val)>,
    pub(crate) raw_gps: Vec<(u16, Val)>,
    /// Write a garbage next-IFD pointer, as piexif does.
    pub(crate) bad_next_ifd: bool,
}

impl Exif {
    pub(crate) fn orientation(o: u16) -> Self {
        Self {
            orientation: Some(o),
            ..Self::default()
        }
    }

    pub(crate) fn tiff(&self) -> Vec<u8> {
        let ascii = |s: &str| Val::Ascii(s.to_owned());
        let rational = |(n, d): (u32, u32)| Val::Rational(n, d);
        let mut ifd0 = Vec::new();
        let put = |ifd: &mut Vec<(u16, Val)>, tag: u16, val: Option<Val>| {
            if let Some(val) = val {
                ifd.push((tag, val));
            }
        };
        put(&mut ifd0, 0x010F, self.make.map(ascii));
        put(&mut ifd0, 0x0110, self.model.map(ascii));
        put(&mut ifd0, 0x0112, self.orientation.map(Val::Short));
        put(&mut ifd0, 0x0132, self.date_time.map(ascii));

        let mut exif = Vec::new();
        put(&mut exif, 0x829A, self.exposure_time.map(rational));
        put(&mut exif, 0x829D, self.f_number.map(rational));
        put(&mut exif, 0x8827, self.iso.map(Val::Short));
        put(&mut exif, 0x9003, self.date_time_original.map(ascii));
        put(&mut exif, 0x9004, self.date_time_digitized.map(ascii));
        put(&mut exif, 0x9011, self.offset_time_original.map(ascii));
        put(&mut exif, 0x920A, self.focal_length.map(rational));
        put(&mut exif, 0xA433, self.lens_make.map(ascii));
        put(&mut exif, 0xA434, self.lens_model.map(ascii));

        let mut gps = Vec::new();
        for (tag, coordinate) in [(0x0001, self.gps_latitude), (0x0003, self.gps_longitude)] {
            if let Some((reference, dms)) = coordinate {
                gps.push((tag, ascii(reference)));
                gps.push((tag + 1, Val::Rationals(dms.to_vec())));
            }
        }

        let with_raw = |mut entries: Vec<(u16, Val)>, raw: &[(u16, Val)]| {
            entries.retain(|(tag, _)| raw.iter().all(|(t, _)| t != tag));
            entries.extend_from_slice(raw);
            entries
        };
        tiff_be(
            &[],
            &ifd0,
            &[
                (0x8769, with_raw(exif, &self.raw_exif)),
                (0x8825, with_raw(gps, &self.raw_gps)),
            ],
            if self.bad_next_ifd { 0xFFFF_FF00 } else { 0 },
        )
    }
}

/// Inserts an APP1 "Exif" segment right after SOI.
pub(crate) fn with_exif(jpeg: &[u8], exif: &Exif) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&exif.tiff());
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// An uncompressed 8-bit RGB TIFF, hand-built so it can carry an Orientation tag.
pub(crate) fn tiff_rgb(
    w: u32,
    h: u32,
    orientation: Option<u16>,
    f: impl Fn(u32, u32) -> Rgb,
) -> Vec<u8> {
    let pixels = rgb_buf(w, h, f);
    let mut ifd0 = vec![
        (0x0100, Val::Long(w)),
        (0x0101, Val::Long(h)),
        (0x0102, Val::Shorts(vec![8, 8, 8])),
        (0x0103, Val::Short(1)),
        (0x0106, Val::Short(2)),
        (0x0111, Val::Long(8)),
        (0x0115, Val::Short(3)),
        (0x0116, Val::Long(h)),
        (0x0117, Val::Long(pixels.len() as u32)),
    ];
    if let Some(o) = orientation {
        ifd0.push((0x0112, Val::Short(o)));
    }
    tiff_be(&pixels, &ifd0, &[], 0)
}

// ---------------------------------------------------------------------------------------------
// Header surgery

/// Rewrites the frame size in the first SOF0..SOF2 segment.
pub(crate) fn patch_sof(jpeg: &mut [u8], w: u16, h: u16) {
    let at = sof_at(jpeg);
    jpeg[at + 5..at + 7].copy_from_slice(&h.to_be_bytes());
    jpeg[at + 7..at + 9].copy_from_slice(&w.to_be_bytes());
}

/// Rewrites the sample precision byte of the frame header.
pub(crate) fn patch_precision(jpeg: &mut [u8], bits: u8) {
    let at = sof_at(jpeg);
    jpeg[at + 4] = bits;
}

fn sof_at(jpeg: &[u8]) -> usize {
    jpeg.windows(2)
        .position(|m| m[0] == 0xFF && matches!(m[1], 0xC0..=0xC2))
        .unwrap()
}

/// Rewrites the IHDR size of a PNG and fixes the chunk CRC, so the file stays valid.
pub(crate) fn patch_ihdr(png: &mut [u8], w: u32, h: u32) {
    png[16..20].copy_from_slice(&w.to_be_bytes());
    png[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
}

pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Small deterministic PRNG (xorshift64*) so "random" inputs are reproducible.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

// ---------------------------------------------------------------------------------------------
// Camera RAW structures

/// A field of a RAW IFD, in the builder's terms.
#[derive(Clone, Debug)]
pub(crate) enum RawField {
    Short(u16),
    Long(u32),
    Ascii(&'static str),
    /// Offset of blob i, as LONG.
    BlobOffset(usize),
    /// Length of blob i, as LONG.
    BlobLength(usize),
    /// Blob i as an out-of-line UNDEFINED value (RW2's JpgFromRaw).
    BlobBytes(usize),
    /// Offsets of the given IFDs (SubIFDs), as LONGs.
    Ifds(Vec<usize>),
}

/// Builds a little-endian TIFF-structured RAW: `magic` (4 bytes), the IFD0 offset, `extra`
/// header bytes (CR2's "CR\x02\0" + raw IFD offset), the blobs, then the IFDs. IFDs listed in
/// `chain` are linked by next-IFD pointers from IFD0 on; the others are reachable only as
/// SubIFDs.
pub(crate) fn raw_file(
    magic: &[u8; 4],
    extra: &[u8],
    blobs: &[Vec<u8>],
    ifds: &[Vec<(u16, RawField)>],
    chain: &[usize],
) -> Vec<u8> {
    let mut out = magic.to_vec();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(extra);
    let mut blob_at = Vec::new();
    for blob in blobs {
        if out.len() % 2 == 1 {
            out.push(0);
        }
        blob_at.push(out.len() as u32);
        out.extend_from_slice(blob);
    }
    if out.len() % 2 == 1 {
        out.push(0);
    }
    let mut ifd_at = Vec::new();
    let mut at = out.len();
    for ifd in ifds {
        ifd_at.push(at as u32);
        at += 2 + ifd.len() * 12 + 4;
    }
    let mut spill: Vec<u8> = Vec::new();
    let spill_base = at as u32;
    out[4..8].copy_from_slice(&ifd_at[0].to_le_bytes());
    for (i, ifd) in ifds.iter().enumerate() {
        out.extend_from_slice(&(ifd.len() as u16).to_le_bytes());
        for (tag, field) in ifd {
            let (typ, count, value): (u16, u32, u32) = match field {
                RawField::Short(v) => (3, 1, u32::from(*v)),
                RawField::Long(v) => (4, 1, *v),
                RawField::Ascii(s) => {
                    let off = spill_base + spill.len() as u32;
                    spill.extend_from_slice(s.as_bytes());
                    spill.extend_from_slice(&[0; 4]);
                    (2, s.len() as u32 + 1, off)
                }
                RawField::BlobOffset(b) => (4, 1, blob_at[*b]),
                RawField::BlobLength(b) => (4, 1, blobs[*b].len() as u32),
                RawField::BlobBytes(b) => (7, blobs[*b].len() as u32, blob_at[*b]),
                RawField::Ifds(list) if list.len() == 1 => (13, 1, ifd_at[list[0]]),
                RawField::Ifds(list) => {
                    let off = spill_base + spill.len() as u32;
                    for j in list {
                        spill.extend_from_slice(&ifd_at[*j].to_le_bytes());
                    }
                    (4, list.len() as u32, off)
                }
            };
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&typ.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(&value.to_le_bytes());
        }
        let next = chain
            .iter()
            .position(|c| *c == i)
            .and_then(|p| chain.get(p + 1))
            .map_or(0, |n| ifd_at[*n]);
        out.extend_from_slice(&next.to_le_bytes());
    }
    out.extend_from_slice(&spill);
    out
}

/// A NEF-like RAW: IFD0 holds a 160×120 green thumbnail, Orientation 6 and the make; SubIFD 1
/// a `w`×`h` preview (left half red, right half blue); SubIFD 2 the "sensor data" (CFA).
pub(crate) fn raw_nef_like(w: u32, h: u32) -> Vec<u8> {
    use RawField::*;
    let thumb = jpeg(160, 120, 85, |_, _| GREEN);
    let preview = jpeg(w, h, 90, move |x, _| if x < w / 2 { RED } else { BLUE });
    let sensor = vec![0x55u8; 4096];
    raw_file(
        b"II*\0",
        &[],
        &[thumb, preview, sensor],
        &[
            vec![
                (0x00FE, Long(1)),
                (0x010F, Ascii("NIKON CORPORATION")),
                (0x0112, Short(6)),
                (0x014A, Ifds(vec![1, 2])),
                (0x0201, BlobOffset(0)),
                (0x0202, BlobLength(0)),
            ],
            vec![
                (0x00FE, Long(1)),
                (0x0103, Short(6)),
                (0x0201, BlobOffset(1)),
                (0x0202, BlobLength(1)),
            ],
            vec![
                (0x00FE, Long(0)),
                (0x0100, Long(64)),
                (0x0101, Long(64)),
                (0x0103, Short(1)),
                (0x0106, Short(32803)),
                (0x0111, BlobOffset(2)),
                (0x0117, BlobLength(2)),
            ],
        ],
        &[0],
    )
}
