//! Throughput of the preview pipeline on a folder of JPEGs, for `bench/pipeline/run.sh`.
//!
//!     cargo run --release -p albumen-media --example pipeline_bench -- DIR [--mode M]
//!         [--threads N] [--passes P] [--format jpeg|webp|avif] [--quality Q] [--save DIR]
//!
//! Modes: `albumen` renders a 256 centre crop and a 1600 fit (q85) from one decode per file;
//! `floor:auto` only reads each file and decodes it at the DCT scale the pipeline would pick for
//! the 1600 fit; `floor:N` decodes at N/8. Files are split between N threads in a fixed
//! interleave; each pass starts all threads together and the best pass counts. Prints one
//! tab-separated line: mode, files, threads, images/s, ms/image, CPU ms/image (user + system
//! over all passes: robust when other processes compete for the cores), peak RSS MB (VmHWM,
//! the whole process), mean preview KB, mean thumb KB. `--quality` replaces the presets' 85;
//! `--save` writes each file's preview there (same stem, the format's extension); PNG files
//! are read too (`avif_quality.py` encodes reference PNGs no larger than the preview, which
//! the pipeline then only encodes).
#![allow(clippy::unwrap_used, clippy::disallowed_methods)] // a bench tool reading its own corpus

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::Instant;

use albumen_media::{Encoding, Fit, Limits, Preset, render_outputs};
use turbojpeg::{Decompressor, PixelFormat, ScalingFactor};

#[derive(Clone, Copy)]
enum Mode {
    Albumen(Encoding),
    /// Decode only, at n/8 (None: the scale the pipeline picks).
    Floor(Option<usize>),
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let (mut mode, mut threads, mut passes) = ("albumen".to_owned(), 1usize, 3usize);
    let mut encoding = Encoding::Jpeg;
    let mut quality = 85u8;
    let mut save: Option<PathBuf> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--mode" => mode = args.next().unwrap(),
            "--threads" => threads = args.next().unwrap().parse().unwrap(),
            "--passes" => passes = args.next().unwrap().parse().unwrap(),
            "--format" => {
                encoding = match args.next().unwrap().as_str() {
                    "webp" => Encoding::Webp,
                    "avif" => Encoding::Avif,
                    _ => Encoding::Jpeg,
                }
            }
            "--quality" => quality = args.next().unwrap().parse().unwrap(),
            "--save" => save = Some(PathBuf::from(args.next().unwrap())),
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let mode = match mode.as_str() {
        "albumen" => Mode::Albumen(encoding),
        "floor:auto" => Mode::Floor(None),
        m => Mode::Floor(Some(m.trim_start_matches("floor:").parse().unwrap())),
    };
    let mut files = Vec::new();
    collect(&dir.expect("usage: pipeline_bench DIR"), &mut files);
    files.sort();
    assert!(!files.is_empty(), "no .jpg or .png files found");

    assert!(
        encoding.available(),
        "{encoding:?} is not available in this build"
    );
    let job = Arc::new(Job {
        mode,
        quality,
        save,
    });
    let files = Arc::new(files);
    let barrier = Arc::new(Barrier::new(threads + 1));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (files, barrier, job) =
                (Arc::clone(&files), Arc::clone(&barrier), Arc::clone(&job));
            std::thread::spawn(move || {
                let mut sizes = (0usize, 0usize);
                for _ in 0..passes {
                    barrier.wait();
                    for path in files.iter().skip(t).step_by(threads) {
                        let (p, th) = one(&job, path);
                        sizes = (sizes.0 + p, sizes.1 + th);
                    }
                    barrier.wait();
                }
                sizes
            })
        })
        .collect();
    let cpu_start = cpu_seconds();
    let mut best = f64::INFINITY;
    for _ in 0..passes {
        barrier.wait();
        let start = Instant::now();
        barrier.wait();
        best = best.min(start.elapsed().as_secs_f64());
    }
    let cpu = cpu_seconds() - cpu_start;
    let (mut preview, mut thumb) = (0, 0);
    for w in workers {
        let (p, t) = w.join().unwrap();
        (preview, thumb) = (preview + p, thumb + t);
    }
    let n = files.len();
    let done = (n * passes) as f64;
    let label = match mode {
        Mode::Albumen(Encoding::Jpeg) => "albumen".to_owned(),
        Mode::Albumen(e) => format!("albumen-{}", e.extension()),
        Mode::Floor(None) => "floor:auto".to_owned(),
        Mode::Floor(Some(s)) => format!("floor:{s}/8"),
    };
    println!(
        "{label}\t{n}\t{threads}\t{:.2}\t{:.1}\t{:.1}\t{:.0}\t{:.0}\t{:.1}",
        n as f64 / best,
        best * 1000.0 / n as f64,
        cpu * 1000.0 / done,
        peak_rss_mb(),
        preview as f64 / done / 1024.0,
        thumb as f64 / done / 1024.0,
    );
}

struct Job {
    mode: Mode,
    quality: u8,
    save: Option<PathBuf>,
}

const PRESETS: [Preset; 2] = [
    Preset {
        width: 256,
        height: 256,
        fit: Fit::Crop,
        quality: 85,
    },
    Preset {
        width: 1600,
        height: 1600,
        fit: Fit::Contain,
        quality: 85,
    },
];

/// Processes one file; returns the encoded sizes (preview, thumb).
fn one(job: &Job, path: &Path) -> (usize, usize) {
    let data = std::fs::read(path).unwrap();
    match job.mode {
        Mode::Albumen(encoding) => {
            let outputs = PRESETS.map(|p| {
                Preset {
                    quality: job.quality,
                    ..p
                }
                .encoded(encoding)
            });
            let out = render_outputs(&data, &outputs, &Limits::default()).unwrap();
            if let Some(dir) = &job.save {
                let name = path.with_extension(encoding.extension());
                std::fs::write(dir.join(name.file_name().unwrap()), &out[1].bytes).unwrap();
            }
            (out[1].bytes.len(), out[0].bytes.len())
        }
        Mode::Floor(scale) => {
            let mut dec = Decompressor::new().unwrap();
            let hdr = dec.read_header(&data).unwrap();
            let num = scale.unwrap_or_else(|| {
                // The smallest n/8 whose output still covers the 1600 fit, as the pipeline picks.
                let long = hdr.width.max(hdr.height);
                (1..=8)
                    .find(|n| (long * n).div_ceil(8) >= 1600)
                    .unwrap_or(8)
            });
            let factor = ScalingFactor::new(num, 8);
            dec.set_scaling_factor(factor).unwrap();
            let s = hdr.scaled(factor);
            let mut img = turbojpeg::Image {
                pixels: vec![0; s.width * s.height * 3],
                width: s.width,
                pitch: s.width * 3,
                height: s.height,
                format: PixelFormat::RGB,
            };
            dec.decompress(&data, img.as_deref_mut()).unwrap();
            std::hint::black_box(&img.pixels);
            (0, 0)
        }
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("png"))
        {
            out.push(path);
        }
    }
}

/// User + system CPU time of the whole process so far (Linux /proc, clock ticks of 10 ms).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0
}

/// Peak resident set of this process (Linux VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
