//! Video posters: one frame grabbed by `ffmpeg` (through [`crate::media_tools`], which runs it
//! confined, on the file storage opened), then rendered like any photo.

/// Whether posters can be grabbed at all.
pub(super) fn available() -> bool {
    crate::media_tools::ffmpeg_available()
}

/// A JPEG of the frame one second in (or the first frame, for shorter videos).
pub(super) async fn frame(video: std::fs::File) -> Result<Vec<u8>, String> {
    tokio::task::spawn_blocking(move || {
        for at in ["1", "0"] {
            let grabbed = crate::media_tools::frame(&video, at).map_err(|e| e.to_string())?;
            if !grabbed.is_empty() {
                return Ok(grabbed);
            }
        }
        Err("ffmpeg found no video frame".to_owned())
    })
    .await
    .map_err(|e| format!("poster worker failed: {e}"))?
}
