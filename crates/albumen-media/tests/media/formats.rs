//! Every supported input flavour renders with the right size and colours.

use albumen_media::{Fit, Limits, MediaError, Rendered, render};
use image::{DynamicImage, ImageFormat};

use crate::fixtures::*;

fn contain(data: &[u8]) -> (Rendered, (u32, u32, Vec<u8>)) {
    let out = render(data, &preset(1000, 1000, Fit::Contain), &Limits::default()).unwrap();
    let img = decode(&out.bytes);
    (out, img)
}

#[test]
fn png_alpha_is_composited_on_white() {
    // Left half fully transparent (with black colour underneath), right half opaque red.
    let mut img = image::RgbaImage::new(40, 20);
    for (x, _, p) in img.enumerate_pixels_mut() {
        *p = if x < 20 {
            image::Rgba([0, 0, 0, 0])
        } else {
            image::Rgba([255, 0, 0, 255])
        };
    }
    let data = encode_with(&DynamicImage::ImageRgba8(img), ImageFormat::Png);
    let (out, img) = contain(&data);
    assert_eq!((out.width, out.height), (40, 20));
    assert!(
        near(pixel(&img, 5, 10), WHITE, 8),
        "{:?}",
        pixel(&img, 5, 10)
    );
    assert!(
        near(pixel(&img, 35, 10), RED, 30),
        "{:?}",
        pixel(&img, 35, 10)
    );
}

#[test]
fn png_16_bit() {
    let img = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(30, 10, |_, _| {
        image::Rgb([0xFFFF, 0x8000, 0x0000])
    });
    let data = encode_with(&DynamicImage::ImageRgb16(img), ImageFormat::Png);
    let (out, img) = contain(&data);
    assert_eq!((out.width, out.height), (30, 10));
    assert!(
        near(pixel(&img, 15, 5), [255, 128, 0], 12),
        "{:?}",
        pixel(&img, 15, 5)
    );
}

#[test]
fn png_16_bit_grey_with_alpha() {
    let img = image::ImageBuffer::<image::LumaA<u16>, _>::from_fn(30, 10, |x, _| {
        image::LumaA([0, if x < 15 { 0 } else { 0xFFFF }])
    });
    let data = encode_with(&DynamicImage::ImageLumaA16(img), ImageFormat::Png);
    let (_, img) = contain(&data);
    assert!(near(pixel(&img, 3, 5), WHITE, 8));
    assert!(near(pixel(&img, 27, 5), [0, 0, 0], 8));
}

#[test]
fn grayscale_jpeg() {
    let data = jpeg_gray(80, 60, |x, _| if x < 40 { 30 } else { 220 });
    let (out, img) = contain(&data);
    assert_eq!((out.width, out.height), (80, 60));
    assert!(near(pixel(&img, 10, 30), [30, 30, 30], 10));
    assert!(near(pixel(&img, 70, 30), [220, 220, 220], 10));
}

#[test]
fn cmyk_jpeg_keeps_its_colours() {
    for colour in [[200, 40, 40], [30, 90, 200], [240, 240, 240]] {
        let data = jpeg_cmyk(64, 48, colour);
        let (out, img) = contain(&data);
        assert_eq!((out.width, out.height), (64, 48));
        assert!(
            near(pixel(&img, 32, 24), colour, 16),
            "{colour:?} -> {:?}",
            pixel(&img, 32, 24)
        );
    }
}

#[test]
fn progressive_jpeg_downscaled() {
    let data = jpeg_progressive(1600, 1200, |x, _| if x < 800 { RED } else { BLUE });
    let out = render(&data, &preset(200, 200, Fit::Crop), &Limits::default()).unwrap();
    let img = decode(&out.bytes);
    assert_eq!((img.0, img.1), (200, 200));
    assert!(near(pixel(&img, 20, 100), RED, 30));
    assert!(near(pixel(&img, 180, 100), BLUE, 30));
}

#[test]
fn gif_renders_first_frame() {
    let frame = |c: Rgb| {
        let buf = image::RgbaImage::from_pixel(32, 16, image::Rgba([c[0], c[1], c[2], 255]));
        image::Frame::new(buf)
    };
    let mut data = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut data);
        enc.encode_frames([frame(RED), frame(BLUE)]).unwrap();
    }
    let (out, img) = contain(&data);
    assert_eq!((out.width, out.height), (32, 16));
    assert!(
        near(pixel(&img, 16, 8), RED, 30),
        "{:?}",
        pixel(&img, 16, 8)
    );
}

#[test]
fn webp_lossless() {
    let img =
        image::RgbImage::from_fn(50, 40, |x, _| image::Rgb(if x < 25 { GREEN } else { BLUE }));
    let data = encode_with(&DynamicImage::ImageRgb8(img), ImageFormat::WebP);
    let (out, img) = contain(&data);
    assert_eq!((out.width, out.height), (50, 40));
    assert!(near(pixel(&img, 5, 20), GREEN, 30));
    assert!(near(pixel(&img, 45, 20), BLUE, 30));
}

#[test]
fn webp_lossy_as_cameras_and_phones_save_it() {
    let buf = rgb_buf(120, 80, |x, _| if x < 60 { RED } else { BLUE });
    let data = webp::Encoder::from_rgb(&buf, 120, 80).encode(90.0).to_vec();
    assert_eq!(&data[12..16], b"VP8 ", "lossy bitstream");
    let (out, img) = contain(&data);
    assert_eq!((out.width, out.height), (120, 80));
    assert!(near(pixel(&img, 10, 40), RED, 30));
    assert!(near(pixel(&img, 110, 40), BLUE, 30));
}

#[test]
fn tiff_from_image_crate() {
    let img = image::RgbImage::from_fn(70, 30, |_, y| image::Rgb(if y < 15 { RED } else { GREEN }));
    let data = encode_with(&DynamicImage::ImageRgb8(img), ImageFormat::Tiff);
    let out = render(&data, &preset(35, 35, Fit::Contain), &Limits::default()).unwrap();
    let img = decode(&out.bytes);
    assert_eq!((img.0, img.1), (35, 15));
    assert!(near(pixel(&img, 17, 2), RED, 30));
    assert!(near(pixel(&img, 17, 13), GREEN, 30));
}

#[test]
fn twelve_bit_jpeg_is_unsupported() {
    let mut data = jpeg(32, 32, 90, |_, _| GREY);
    patch_precision(&mut data, 12);
    let err = render(&data, &preset(16, 16, Fit::Crop), &Limits::default()).unwrap_err();
    assert!(matches!(err, MediaError::Unsupported { .. }), "{err:?}");
    assert!(err.is_bad_input());
}

#[test]
fn truncated_jpeg_still_renders_its_top() {
    // Cut in the middle of the entropy-coded data (an interrupted upload or copy). libjpeg-turbo
    // flags this ("Premature end of JPEG file"); the fallback decoder then renders what is
    // there, as browsers do, so the user sees the photo rather than a placeholder.
    let data = jpeg(256, 256, 90, scene(256, 256));
    let cut = &data[..data.len() * 2 / 3];
    let p = preset(128, 128, Fit::Contain);
    let out = render(cut, &p, &Limits::default()).unwrap();
    assert_eq!((out.width, out.height), (128, 128));
    let full = decode(&render(&data, &p, &Limits::default()).unwrap().bytes);
    let part = decode(&out.bytes);
    for x in (0..128).step_by(9) {
        assert!(
            near(pixel(&part, x, 5), pixel(&full, x, 5), 30),
            "top row intact at x={x}"
        );
    }
}

#[test]
fn jpeg_cut_inside_the_header_is_corrupt() {
    let data = jpeg(256, 256, 90, scene(256, 256));
    // Ends inside the quantisation tables: nothing to show.
    let err = render(
        &data[..100],
        &preset(64, 64, Fit::Contain),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, MediaError::Corrupt(_)), "{err:?}");
}
