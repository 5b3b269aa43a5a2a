//! `probe`: lens, exposure settings, GPS position and time offset, as the library shows them.
//! Each malformed tag must cost only its own field.

use albumen_media::{Probe, probe};

use crate::fixtures::*;

fn probe_exif(exif: &Exif) -> Probe {
    probe(&with_exif(&jpeg(16, 16, 90, |_, _| GREY), exif)).unwrap()
}

fn assert_position(p: &Probe, (lat, lon): (f64, f64)) {
    let (got_lat, got_lon) = p.gps.expect("a position");
    assert!(
        (got_lat - lat).abs() < 1e-4 && (got_lon - lon).abs() < 1e-4,
        "{:?} != ({lat}, {lon})",
        p.gps
    );
}

/// What a Canon EOS R5 writes for a street shot at the Eiffel Tower.
fn r5() -> Exif {
    Exif {
        make: Some("Canon"),
        model: Some("Canon EOS R5"),
        date_time_original: Some("2023:06:14 16:02:11"),
        offset_time_original: Some("+01:00"),
        lens_model: Some("RF24-105mm F4 L IS USM"),
        exposure_time: Some((1, 250)),
        f_number: Some((4, 1)),
        iso: Some(400),
        focal_length: Some((50, 1)),
        gps_latitude: Some(("N", [(48, 1), (51, 1), (296, 10)])),
        gps_longitude: Some(("E", [(2, 1), (17, 1), (402, 10)])),
        ..Exif::default()
    }
}

#[test]
fn camera_header_reads_every_field() {
    let p = probe_exif(&r5());
    assert_eq!(p.camera.as_deref(), Some("Canon EOS R5"));
    assert_eq!(p.taken_at.as_deref(), Some("2023-06-14T16:02:11"));
    assert_eq!(p.taken_offset.as_deref(), Some("+01:00"));
    assert_eq!(p.lens.as_deref(), Some("RF24-105mm F4 L IS USM"));
    assert_eq!(p.exposure_time.as_deref(), Some("1/250"));
    assert_eq!(p.f_number, Some(4.0));
    assert_eq!(p.iso, Some(400));
    assert_eq!(p.focal_length, Some(50.0));
    assert_position(&p, (48.8582, 2.2945));
}

#[test]
fn fractional_aperture_and_focal_length() {
    let p = probe_exif(&Exif {
        f_number: Some((28, 10)),
        focal_length: Some((2350, 100)),
        ..Exif::default()
    });
    assert_eq!(p.f_number, Some(2.8));
    assert_eq!(p.focal_length, Some(23.5));
}

#[test]
fn southern_and_western_hemispheres_are_negative() {
    let cases = [
        // Sydney Opera House.
        (
            ("S", [(33, 1), (51, 1), (246, 10)]),
            ("E", [(151, 1), (12, 1), (553, 10)]),
            (-33.8568, 151.2154),
        ),
        // Statue of Liberty.
        (
            ("N", [(40, 1), (41, 1), (214, 10)]),
            ("W", [(74, 1), (2, 1), (402, 10)]),
            (40.6893, -74.0445),
        ),
        // Christ the Redeemer.
        (
            ("S", [(22, 1), (57, 1), (7, 1)]),
            ("W", [(43, 1), (12, 1), (39, 1)]),
            (-22.9519, -43.2108),
        ),
    ];
    for (lat, lon, expected) in cases {
        let p = probe_exif(&Exif {
            gps_latitude: Some(lat),
            gps_longitude: Some(lon),
            ..Exif::default()
        });
        assert_position(&p, expected);
    }
}

#[test]
fn decimal_degrees_with_zero_minutes_read_too() {
    // Phones and geotagging tools often store decimal degrees (or minutes) in one component.
    let p = probe_exif(&Exif {
        gps_latitude: Some(("N", [(48_858_222, 1_000_000), (0, 1), (0, 1)])),
        gps_longitude: Some(("E", [(2, 1), (177_000, 10_000), (0, 1)])),
        ..Exif::default()
    });
    assert_position(&p, (48.8582, 2.2950));
}

#[test]
fn exposure_times_read_as_photographers_write_them() {
    for ((num, den), expected) in [
        ((1, 250), "1/250"),
        ((1, 1), "1"),
        ((30, 1), "30"),
        ((10, 20), "1/2"),
        ((13, 10), "1.3"),
        ((5, 10), "1/2"),
        ((10, 2500), "1/250"),
    ] {
        let p = probe_exif(&Exif {
            exposure_time: Some((num, den)),
            ..Exif::default()
        });
        assert_eq!(p.exposure_time.as_deref(), Some(expected), "{num}/{den}");
    }
}

#[test]
fn malformed_values_lose_only_their_field() {
    let p = probe_exif(&Exif {
        raw_exif: vec![
            (0x829A, Val::Rational(1, 0)), // ExposureTime with a zero denominator
            (0x829D, Val::Short(4)),       // FNumber as SHORT instead of RATIONAL
            (0x9011, Val::Ascii("25:00".to_owned())),
        ],
        gps_latitude: Some(("N", [(95, 1), (0, 1), (0, 1)])),
        ..r5()
    });
    assert_eq!(p.exposure_time, None);
    assert_eq!(p.f_number, None);
    assert_eq!(p.taken_offset, None);
    assert_eq!(p.gps, None, "latitude beyond the pole");
    // Everything else still reads.
    assert_eq!(p.camera.as_deref(), Some("Canon EOS R5"));
    assert_eq!(p.taken_at.as_deref(), Some("2023-06-14T16:02:11"));
    assert_eq!(p.lens.as_deref(), Some("RF24-105mm F4 L IS USM"));
    assert_eq!(p.iso, Some(400));
    assert_eq!(p.focal_length, Some(50.0));
}

#[test]
fn wrong_counts_and_dangling_offsets_lose_only_their_field() {
    let past_the_end = 0xFFFF_FF00u32.to_be_bytes();
    let p = probe_exif(&Exif {
        raw_exif: vec![
            (0x920A, Val::Rationals(vec![(50, 1), (70, 1)])), // two focal lengths
            (0x8827, Val::Ascii("400".to_owned())),           // ISO as text
            (0xA434, Val::Raw(2, 40, past_the_end)),          // LensModel out of the file
        ],
        raw_gps: vec![(0x0004, Val::Raw(5, 3, past_the_end))], // GPSLongitude out of the file
        ..r5()
    });
    assert_eq!(p.focal_length, None);
    assert_eq!(p.iso, None);
    assert_eq!(p.lens, None);
    assert_eq!(p.gps, None);
    assert_eq!(p.camera.as_deref(), Some("Canon EOS R5"));
    assert_eq!(p.exposure_time.as_deref(), Some("1/250"));
    assert_eq!(p.f_number, Some(4.0));
    assert_eq!(p.taken_offset.as_deref(), Some("+01:00"));

    let short_latitude = probe_exif(&Exif {
        raw_gps: vec![(0x0002, Val::Rationals(vec![(48, 1), (51, 1)]))],
        ..r5()
    });
    assert_eq!(short_latitude.gps, None);
    assert_eq!(short_latitude.iso, Some(400));
}

#[test]
fn zeroed_or_unreferenced_gps_is_no_position() {
    let zero = [(0, 1), (0, 1), (0, 1)];
    let zeroed = probe_exif(&Exif {
        gps_latitude: Some(("N", zero)),
        gps_longitude: Some(("E", zero)),
        ..Exif::default()
    });
    assert_eq!(zeroed.gps, None, "receiver without a fix");

    // Without its reference the hemisphere is unknown.
    let mut unreferenced = r5();
    unreferenced.raw_gps = vec![(0x0001, Val::Ascii(String::new()))];
    assert_eq!(probe_exif(&unreferenced).gps, None);
    unreferenced.raw_gps = vec![(0x0003, Val::Ascii("X".to_owned()))];
    assert_eq!(probe_exif(&unreferenced).gps, None);

    let only_latitude = probe_exif(&Exif {
        gps_longitude: None,
        ..r5()
    });
    assert_eq!(only_latitude.gps, None);
}

#[test]
fn lens_make_is_joined_unless_the_model_names_it() {
    let lens = |make, model| {
        probe_exif(&Exif {
            lens_make: make,
            lens_model: model,
            ..Exif::default()
        })
        .lens
    };
    assert_eq!(
        lens(Some("SIGMA"), Some("24-70mm F2.8 DG DN | Art 019")).as_deref(),
        Some("SIGMA 24-70mm F2.8 DG DN | Art 019")
    );
    assert_eq!(
        lens(
            Some("Apple"),
            Some("Apple iPhone 12 back camera 4.2mm f/1.6 ")
        )
        .as_deref(),
        Some("Apple iPhone 12 back camera 4.2mm f/1.6")
    );
    assert_eq!(lens(Some("Canon"), None), None, "a maker is not a lens");
    assert_eq!(lens(None, Some("  ")), None);
}

#[test]
fn jpeg_without_exif_has_no_metadata() {
    let p = probe(&jpeg(33, 17, 90, |_, _| GREY)).unwrap();
    assert_eq!(
        (p.lens, p.exposure_time, p.f_number, p.iso),
        (None, None, None, None)
    );
    assert_eq!((p.focal_length, p.gps, p.taken_offset), (None, None, None));
}
