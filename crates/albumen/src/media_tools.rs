//! The only place Albumen runs another program: `ffprobe` for a video's facts, `ffmpeg` for its
//! poster frame. Both read a video Albumen has already opened inside the library, never a path,
//! and are held to it:
//!
//! * the file is their standard input, which they open as `/dev/stdin` (the `file` protocol:
//!   that reopen gives them their own offset, so they can seek, and it is the same file);
//! * the demuxer is fixed from the file's first bytes ([`Container`]), so a `.mp4` that is
//!   really an HLS or concat playlist is read as the MP4 it claims to be, and fails, instead of
//!   sending ffmpeg to the files it lists (finding 5);
//! * `-protocol_whitelist file` refuses every network and meta protocol (http, concat, crypto,
//!   subfile…) should any demuxer try a nested open; QuickTime data references, the one way
//!   the MP4 demuxer opens another file, stay off (`-enable_drefs 0`);
//! * a wall-clock limit kills the process; under util-linux `prlimit` (when installed) the
//!   kernel also caps its CPU time and address space, and it may write no file;
//! * the environment is cleared (ffmpeg reads `FFREPORT`, proxies and more from it).

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What a probe or a frame grab may cost.
#[derive(Debug, Clone, Copy)]
struct Limits {
    wall: Duration,
    cpu_seconds: u64,
    /// Address space, in bytes. ffmpeg maps about 300 MB of shared libraries before reading
    /// anything; one thread decoding a 4K HEVC frame needed between 384 and 512 MB.
    address_space: u64,
    /// Largest standard output kept; more is an error.
    output: u64,
}

const PROBE: Limits = Limits {
    wall: Duration::from_secs(20),
    cpu_seconds: 20,
    address_space: 1 << 30,
    output: 4 << 20,
};

const GRAB: Limits = Limits {
    wall: Duration::from_secs(30),
    cpu_seconds: 30,
    address_space: 2 << 30,
    output: 64 << 20,
};

/// Bytes of standard error kept for the problem text.
const MESSAGE_BYTES: u64 = 16 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("not a video container Albumen reads")]
    NotAVideo,
    #[error("cannot run {tool}: {source}")]
    Spawn {
        tool: &'static str,
        source: std::io::Error,
    },
    #[error("{tool} took longer than {seconds} s")]
    TimedOut { tool: &'static str, seconds: u64 },
    #[error("{tool} wrote more than {bytes} bytes")]
    TooMuchOutput { tool: &'static str, bytes: u64 },
    #[error("{tool} cannot read the video: {message}")]
    Failed { tool: &'static str, message: String },
    #[error("reading the video failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The video containers Albumen catalogues, told apart by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// ISO base media (MP4, M4V, 3GP) and QuickTime.
    IsoMedia,
    /// Matroska and WebM.
    Matroska,
    Avi,
    /// MPEG transport stream: 188-byte packets, or 192 in M2TS/MTS (AVCHD cameras).
    MpegTs,
}

/// Bytes [`Container::sniff`] looks at.
const SNIFF_BYTES: usize = 512;

impl Container {
    /// The container `head` (a file's first bytes) starts, if any.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        let at = |offset: usize, magic: &[u8]| {
            head.get(offset..offset + magic.len())
                .is_some_and(|s| s == magic)
        };
        // QuickTime files from before `ftyp` existed start with one of these atoms.
        const ISO_FIRST_BOXES: [&[u8]; 7] = [
            b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot",
        ];
        if ISO_FIRST_BOXES.iter().any(|name| at(4, name)) {
            Some(Self::IsoMedia)
        } else if at(0, b"\x1A\x45\xDF\xA3") {
            Some(Self::Matroska)
        } else if at(0, b"RIFF") && at(8, b"AVI ") {
            Some(Self::Avi)
        } else if Self::transport_stream(head) {
            Some(Self::MpegTs)
        } else {
            None
        }
    }

    /// A sync byte at the start of each of the first packets, for one of the packet layouts.
    fn transport_stream(head: &[u8]) -> bool {
        // (packet size, offset of the sync byte in a packet)
        [(188, 0), (192, 4), (204, 0)].iter().any(|&(size, start)| {
            (0..3).all(|packet| head.get(start + packet * size) == Some(&0x47))
        })
    }

    /// ffmpeg's name for the demuxer that reads it.
    fn demuxer(self) -> &'static str {
        match self {
            Self::IsoMedia => "mov",
            Self::Matroska => "matroska",
            Self::Avi => "avi",
            Self::MpegTs => "mpegts",
        }
    }

    /// `-f <demuxer>` and the input options that hold the tool to the file on standard input.
    fn input_args(self) -> Vec<&'static str> {
        let mut args = vec!["-f", self.demuxer(), "-protocol_whitelist", "file"];
        if self == Self::IsoMedia {
            // Off by default; stated so that a changed default cannot turn it on.
            args.extend(["-enable_drefs", "0", "-use_absolute_path", "0"]);
        }
        args
    }
}

/// Whether `ffprobe` can be run (asked once).
pub fn ffprobe_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| runs("ffprobe", "-version"))
}

/// Whether `ffmpeg` can be run (asked once).
pub fn ffmpeg_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| runs("ffmpeg", "-version"))
}

/// `ffprobe`'s JSON description of the video's format and streams.
pub fn probe(video: &File) -> Result<Vec<u8>, ToolError> {
    let container = sniff(video)?;
    let mut args = vec!["-hide_banner", "-v", "error", "-threads", "1"];
    args.extend(container.input_args());
    args.extend(["-i", "/dev/stdin"]);
    args.extend(["-print_format", "json", "-show_format", "-show_streams"]);
    run("ffprobe", &args, video, PROBE)
}

/// A JPEG of the frame `seconds` into the video; empty when there is no frame there (a video
/// shorter than that).
pub fn frame(video: &File, seconds: &str) -> Result<Vec<u8>, ToolError> {
    let container = sniff(video)?;
    // One thread to decode and one to encode: a poster is one frame, and ffmpeg's automatic
    // thread count grows its memory with the number of cores.
    let mut args = vec!["-hide_banner", "-v", "error", "-nostdin", "-threads", "1"];
    args.extend(container.input_args());
    args.extend(["-ss", seconds, "-i", "/dev/stdin"]);
    args.extend(["-frames:v", "1", "-an", "-sn", "-dn", "-threads", "1"]);
    args.extend(["-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "2", "pipe:1"]);
    run("ffmpeg", &args, video, GRAB)
}

/// The container of an opened video, read without moving its offset.
fn sniff(video: &File) -> Result<Container, ToolError> {
    let mut head = [0u8; SNIFF_BYTES];
    let mut filled = 0;
    while filled < head.len() {
        let read = video.read_at(&mut head[filled..], filled as u64)?;
        if read == 0 {
            break;
        }
        filled += read;
    }
    Container::sniff(&head[..filled]).ok_or(ToolError::NotAVideo)
}

/// Runs `tool` with `args` on `video` as its standard input, under `limits`; its standard
/// output when it succeeds.
fn run(
    tool: &'static str,
    args: &[&str],
    video: &File,
    limits: Limits,
) -> Result<Vec<u8>, ToolError> {
    let spawn = |source| ToolError::Spawn { tool, source };
    let mut child = confined(tool, limits)
        .args(args)
        .stdin(Stdio::from(video.try_clone()?))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn)?;
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    std::thread::scope(|scope| {
        // Both pipes are drained while the process runs, so it never blocks on a full one.
        let output = scope.spawn(move || read_capped(stdout, limits.output));
        let message = scope.spawn(move || read_capped(stderr, MESSAGE_BYTES));
        let status = wait_or_kill(&mut child, limits.wall);
        let output = output.join().map_err(|_| worker_panicked())?;
        let message = message.join().map_err(|_| worker_panicked())?;
        let Some(status) = status? else {
            return Err(ToolError::TimedOut {
                tool,
                seconds: limits.wall.as_secs(),
            });
        };
        let (output, complete) = output?;
        if !complete {
            return Err(ToolError::TooMuchOutput {
                tool,
                bytes: limits.output,
            });
        }
        if !status.success() {
            let (message, _) = message?;
            let message = String::from_utf8_lossy(&message);
            let first = message.lines().find(|l| !l.trim().is_empty());
            return Err(ToolError::Failed {
                tool,
                message: first.map_or_else(|| status.to_string(), str::to_owned),
            });
        }
        Ok(output)
    })
}

fn worker_panicked() -> ToolError {
    ToolError::Io(std::io::Error::other("pipe reader panicked"))
}

/// The command for `tool`, under `prlimit` when that is installed, with an empty environment.
#[expect(
    clippy::disallowed_methods,
    reason = "media_tools is the one place that runs other programs"
)]
fn confined(tool: &str, limits: Limits) -> Command {
    let mut command = if prlimit_available() {
        let mut command = Command::new("prlimit");
        command
            .arg(format!("--as={}", limits.address_space))
            .arg(format!("--cpu={}", limits.cpu_seconds))
            // No core file when the CPU limit strikes (SIGXCPU), no file written at all.
            .args(["--core=0", "--fsize=0", "--"])
            .arg(tool);
        command
    } else {
        Command::new(tool)
    };
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    // glibc reserves 64 MB of address space per malloc arena; two are enough for one thread.
    command.env("MALLOC_ARENA_MAX", "2");
    command
}

/// Whether util-linux `prlimit` can be run (asked once; without it only the wall clock holds).
fn prlimit_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let found = runs("prlimit", "--version");
        if !found {
            tracing::warn!(
                "prlimit (util-linux) is not installed: ffmpeg and ffprobe run without CPU and \
                 memory limits"
            );
        }
        found
    })
}

/// Whether `program` runs and succeeds when asked its `version` option.
#[expect(
    clippy::disallowed_methods,
    reason = "media_tools is the one place that runs other programs"
)]
fn runs(program: &str, version: &str) -> bool {
    Command::new(program)
        .arg(version)
        .env_clear()
        .envs(std::env::var_os("PATH").map(|path| ("PATH", path)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Reads `pipe` to its end, keeping at most `cap` bytes; whether it ended within the cap.
/// Past the cap it stops reading and closes the pipe, which ends a writer that goes on.
fn read_capped(pipe: Option<impl Read>, cap: u64) -> std::io::Result<(Vec<u8>, bool)> {
    let Some(pipe) = pipe else {
        return Ok((Vec::new(), true));
    };
    let mut bytes = Vec::new();
    pipe.take(cap + 1).read_to_end(&mut bytes)?;
    let complete = bytes.len() as u64 <= cap;
    bytes.truncate(usize::try_from(cap).unwrap_or(usize::MAX));
    Ok((bytes, complete))
}

/// Waits for `child` at most `limit`; past it, kills and reaps it and answers `None`.
fn wait_or_kill(child: &mut Child, limit: Duration) -> std::io::Result<Option<ExitStatus>> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if started.elapsed() >= limit {
            // Still unreaped, so the pid cannot have been reused.
            child.kill()?;
            child.wait()?;
            return Ok(None);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(25));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_told_by_their_first_bytes() {
        let mut ts = vec![0u8; 600];
        let mut m2ts = vec![0u8; 600];
        for packet in 0..3 {
            ts[packet * 188] = 0x47;
            m2ts[4 + packet * 192] = 0x47;
        }
        for (head, expected) in [
            (
                &b"\0\0\0\x18ftypisom\0\0\x02\0"[..],
                Some(Container::IsoMedia),
            ),
            (b"\0\0\0\x14ftypqt  \0\0\x02\0", Some(Container::IsoMedia)),
            (b"\0\0\x10\0moov\0\0\0\0", Some(Container::IsoMedia)),
            (
                b"\x1A\x45\xDF\xA3\xa3\x42\x86\x81",
                Some(Container::Matroska),
            ),
            (b"RIFF\0\0\0\0AVI LIST", Some(Container::Avi)),
            (&ts, Some(Container::MpegTs)),
            (&m2ts, Some(Container::MpegTs)),
            (b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n", None),
            (b"ffconcat version 1.0\nfile /etc/passwd\n", None),
            (b"RIFF\0\0\0\0WEBPVP8 ", None),
            (b"G only one sync byte", None),
            (b"", None),
        ] {
            assert_eq!(
                Container::sniff(head),
                expected,
                "{:?}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn every_demuxer_is_fixed_and_held_to_the_file_protocol() {
        for container in [
            Container::IsoMedia,
            Container::Matroska,
            Container::Avi,
            Container::MpegTs,
        ] {
            let args = container.input_args().join(" ");
            let expected = format!("-f {} -protocol_whitelist file", container.demuxer());
            assert!(args.starts_with(&expected), "{args}");
        }
        let mov = Container::IsoMedia.input_args().join(" ");
        assert!(mov.contains("-enable_drefs 0"), "{mov}");
    }

    /// The limits reach the child: run a shell in their place and ask it.
    #[test]
    fn children_run_confined() {
        if !prlimit_available() {
            return;
        }
        let limits = Limits {
            wall: Duration::from_secs(5),
            cpu_seconds: 7,
            address_space: 300 << 20,
            output: 1024,
        };
        let output = confined("sh", limits)
            .args(["-c", "ulimit -v; ulimit -t; ulimit -f; env"])
            .output()
            .expect("sh runs");
        let text = String::from_utf8_lossy(&output.stdout);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[..3], ["307200", "7", "0"], "{text}");
        // Only what was passed on: PATH, MALLOC_ARENA_MAX and what the shell sets itself.
        assert!(
            lines[3..]
                .iter()
                .all(|l| ["PATH=", "MALLOC_ARENA_MAX=", "PWD=", "SHLVL=", "_="]
                    .iter()
                    .any(|known| l.starts_with(known))),
            "{text}"
        );
    }

    #[test]
    fn a_process_past_its_time_is_killed() {
        #[expect(clippy::disallowed_methods, reason = "a child that overstays")]
        let mut child = Command::new("sleep").arg("30").spawn().expect("sleep runs");
        let started = Instant::now();
        let status = wait_or_kill(&mut child, Duration::from_millis(100)).expect("waits");
        assert!(status.is_none());
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(child.try_wait().expect("reaped").is_some());
    }

    #[test]
    fn output_past_the_cap_is_cut_and_flagged() {
        let (bytes, complete) = read_capped(Some(&b"0123456789"[..]), 4).expect("reads");
        assert_eq!((bytes.as_slice(), complete), (&b"0123"[..], false));
        let (bytes, complete) = read_capped(Some(&b"0123"[..]), 4).expect("reads");
        assert_eq!((bytes.as_slice(), complete), (&b"0123"[..], true));
    }
}
