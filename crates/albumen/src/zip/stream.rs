//! The archive's bytes, produced while the entries are read: one chunk buffer, one open entry
//! at a time, so memory stays flat however large the archive. A byte range of the archive is
//! the same walk with everything outside the range dropped; entries whose bytes and CRC are
//! both outside it are not even read.

use std::io;
use std::pin::Pin;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures::Stream;
use futures::future::BoxFuture;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::plan::ZipPlan;

/// Read size per chunk of entry data.
const CHUNK: usize = 256 * 1024;

pub type EntryReader = Pin<Box<dyn AsyncRead + Send>>;

/// Opens an entry's content. Called once per entry, in order, only when its bytes are needed.
pub trait EntrySource: Send + 'static {
    fn open(&mut self, index: usize) -> BoxFuture<'static, io::Result<EntryReader>>;
}

/// The bytes of `plan` from `start` to `end` inclusive (the whole archive for `0..=len-1`).
/// An entry that turns out shorter than planned fails the stream: the length was promised.
pub fn stream<S: EntrySource>(
    plan: Arc<ZipPlan>,
    source: S,
    start: u64,
    end: u64,
) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
    let writer = Writer {
        crcs: vec![0; plan.entry_count()],
        plan,
        source,
        step: Step::LocalHeader(0),
        pos: 0,
        start,
        end,
        buf: BytesMut::new(),
    };
    futures::stream::try_unfold(writer, |mut writer| async move {
        let chunk = writer.next_chunk().await?;
        Ok::<_, io::Error>(chunk.map(|chunk| (chunk, writer)))
    })
}

enum Step {
    LocalHeader(usize),
    Data {
        index: usize,
        reader: EntryReader,
        hasher: crc32fast::Hasher,
        remaining: u64,
    },
    /// Entry data outside the range whose CRC is not needed either.
    Skip {
        index: usize,
        size: u64,
    },
    Descriptor(usize),
    Central(usize),
    End,
    Done,
}

struct Writer<S> {
    plan: Arc<ZipPlan>,
    source: S,
    step: Step,
    /// Archive offset of the next byte produced.
    pos: u64,
    start: u64,
    end: u64,
    crcs: Vec<u32>,
    buf: BytesMut,
}

impl<S: EntrySource> Writer<S> {
    /// The next non-empty piece of the requested range, or `None` at its end.
    async fn next_chunk(&mut self) -> io::Result<Option<Bytes>> {
        loop {
            if self.pos > self.end {
                self.step = Step::Done;
            }
            let produced = match std::mem::replace(&mut self.step, Step::Done) {
                Step::Done => return Ok(None),
                Step::LocalHeader(index) if index == self.plan.entry_count() => {
                    self.step = Step::Central(0);
                    continue;
                }
                Step::LocalHeader(index) => {
                    let header = self.plan.local_header(index);
                    self.step = self.start_data(index).await?;
                    Bytes::from(header)
                }
                Step::Data {
                    index,
                    mut reader,
                    mut hasher,
                    remaining,
                } => {
                    if remaining == 0 {
                        self.crcs[index] = hasher.finalize();
                        self.step = Step::Descriptor(index);
                        continue;
                    }
                    let want = usize::try_from(remaining).map_or(CHUNK, |r| r.min(CHUNK));
                    self.buf.reserve(want);
                    let read = (&mut reader)
                        .take(want as u64)
                        .read_buf(&mut self.buf)
                        .await?;
                    if read == 0 {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!(
                                "{} is shorter than when the archive was planned",
                                self.plan.entry(index).name
                            ),
                        ));
                    }
                    let chunk = self.buf.split().freeze();
                    hasher.update(&chunk);
                    self.step = Step::Data {
                        index,
                        reader,
                        hasher,
                        remaining: remaining - read as u64,
                    };
                    chunk
                }
                Step::Skip { index, size } => {
                    self.pos += size;
                    self.step = Step::Descriptor(index);
                    continue;
                }
                Step::Descriptor(index) => {
                    self.step = Step::LocalHeader(index + 1);
                    Bytes::from(self.plan.data_descriptor(index, self.crcs[index]))
                }
                Step::Central(index) if index == self.plan.entry_count() => {
                    self.step = Step::End;
                    continue;
                }
                Step::Central(index) => {
                    self.step = Step::Central(index + 1);
                    Bytes::from(self.plan.central_header(index, self.crcs[index]))
                }
                Step::End => {
                    self.step = Step::Done;
                    Bytes::from(self.plan.end_records())
                }
            };
            if let Some(chunk) = self.clip(&produced) {
                return Ok(Some(chunk));
            }
        }
    }

    /// Opens entry `index` if its bytes or its CRC are needed; otherwise jumps over its data.
    async fn start_data(&mut self, index: usize) -> io::Result<Step> {
        let size = self.plan.entry(index).size;
        let data_at = self.plan.data_offset(index);
        let (descriptor_at, descriptor_len) = self.plan.descriptor_span(index);
        let data_wanted = size > 0 && self.overlaps(data_at, size);
        let crc_wanted =
            self.overlaps(descriptor_at, descriptor_len) || self.end >= self.plan.central_offset();
        if !data_wanted && !crc_wanted {
            // Nothing of this entry is sent and its CRC is never written: skip it unread.
            return Ok(Step::Skip { index, size });
        }
        let reader = self.source.open(index).await?;
        Ok(Step::Data {
            index,
            reader,
            hasher: crc32fast::Hasher::new(),
            remaining: size,
        })
    }

    fn overlaps(&self, at: u64, len: u64) -> bool {
        len > 0 && at <= self.end && at + len > self.start
    }

    /// The part of `chunk` (which starts at `pos`) inside the range; advances `pos`.
    fn clip(&mut self, chunk: &Bytes) -> Option<Bytes> {
        let at = self.pos;
        let len = chunk.len() as u64;
        self.pos += len;
        let from = self.start.saturating_sub(at).min(len);
        let to = (self.end + 1).saturating_sub(at).min(len);
        if from >= to {
            return None;
        }
        let (from, to) = (usize::try_from(from).ok()?, usize::try_from(to).ok()?);
        Some(chunk.slice(from..to))
    }
}
