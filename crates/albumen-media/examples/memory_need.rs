//! Checks `memory_need` against reality: renders one file with the server's three default
//! presets from one decode (as background generation does) and prints the estimate next to
//! the growth of peak resident memory the render caused.
//!
//!     cargo run -p albumen-media --example memory_need -- FILE [jpeg|webp|avif]
//!
//! Prints one tab-separated line: file, estimate MB, measured MB, measured / estimate. Run it
//! once per file: a process keeps some buffers between renders. Linux only (`/proc`).
#![allow(clippy::unwrap_used, clippy::disallowed_methods)] // a measuring tool reading its input

use albumen_media::{Encoding, Fit, Limits, Output, Preset, memory_need, render_outputs};

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("a file to render");
    let encoding = match args.next().as_deref() {
        Some("webp") => Encoding::Webp,
        Some("avif") => Encoding::Avif,
        _ => Encoding::Jpeg,
    };
    let preset = |width, fit, quality| Preset {
        width,
        height: width,
        fit,
        quality,
    };
    let outputs: Vec<Output> = [
        preset(2560, Fit::Contain, 82),
        preset(1600, Fit::Contain, 85),
        preset(256, Fit::Crop, 82),
    ]
    .into_iter()
    .map(|preset| Output { preset, encoding })
    .collect();
    let data = std::fs::read(&path).unwrap();
    let limits = Limits::default();
    let estimate = memory_need(&data, &outputs, &limits).unwrap();
    // Writing 5 resets the peak (VmHWM) to the current resident size.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let before = status_kb("VmRSS:");
    render_outputs(&data, &outputs, &limits).unwrap();
    let peak = status_kb("VmHWM:");
    let measured = (peak - before) as f64 / 1024.0;
    let estimate = estimate as f64 / (1 << 20) as f64;
    println!(
        "{path}\t{estimate:.1}\t{measured:.1}\t{:.2}",
        measured / estimate
    );
}
