//! Video posters: one frame grabbed by `ffmpeg`, when it is installed, then rendered like any
//! photo. `ffmpeg` runs as a separate process with a timeout, reading the video the storage
//! opened (as its standard input, reopened through `/dev/stdin` so it can seek), so a hostile
//! file can neither take the server down nor hang it, and no path is handed over.

use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use tokio::process::Command;

/// Longest a frame grab may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Whether `ffmpeg` can be run (checked once).
pub(super) fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        std::process::Command::new("ffmpeg")
            .arg("-version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// A JPEG of the frame one second in (or the first frame, for shorter videos).
pub(super) async fn frame(video: std::fs::File) -> Result<Vec<u8>, String> {
    for at in ["1", "0"] {
        // ffmpeg reopens /dev/stdin, so each grab reads from the start whatever the offset.
        let input = video.try_clone().map_err(|e| e.to_string())?;
        let grabbed = grab(input, at).await?;
        if !grabbed.is_empty() {
            return Ok(grabbed);
        }
    }
    Err("ffmpeg found no video frame".to_owned())
}

async fn grab(input: std::fs::File, at: &str) -> Result<Vec<u8>, String> {
    let child = Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-ss", at, "-i", "/dev/stdin"])
        .args(["-frames:v", "1", "-an", "-sn", "-f", "image2pipe"])
        .args(["-c:v", "mjpeg", "-q:v", "2", "-"])
        .stdin(Stdio::from(input))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run ffmpeg: {e}"))?;
    let output = tokio::time::timeout(TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| format!("ffmpeg took longer than {} s", TIMEOUT.as_secs()))?
        .map_err(|e| format!("ffmpeg failed: {e}"))?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr);
        let first = message.lines().next().unwrap_or("no message");
        return Err(format!("ffmpeg cannot read the video: {first}"));
    }
    Ok(output.stdout)
}
