//! The archive's layout (APPNOTE 6.3.10): where every record starts and how long the whole is,
//! computed from entry names and sizes only. With STORE and data descriptors nothing else
//! shapes it, which is what lets the server announce `Content-Length` and serve ranges.

const LOCAL_HEADER_SIG: u32 = 0x0403_4b50;
const DATA_DESCRIPTOR_SIG: u32 = 0x0807_4b50;
const CENTRAL_HEADER_SIG: u32 = 0x0201_4b50;
const ZIP64_END_SIG: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const END_SIG: u32 = 0x0605_4b50;

/// Bit 3: sizes and CRC follow the data; bit 11: names are UTF-8.
const FLAGS: u16 = 0x0808;
const VERSION_PLAIN: u16 = 20;
const VERSION_ZIP64: u16 = 45;
/// Made by: Unix (so the external attributes are a file mode), spec 4.5.
const MADE_BY: u16 = (3 << 8) | VERSION_ZIP64;
/// A regular file, rw-r--r--.
const EXTERNAL_ATTRS: u32 = 0o100_644 << 16;
const ZIP64_EXTRA_ID: u16 = 0x0001;

const LOCAL_HEADER_LEN: u64 = 30;
const CENTRAL_HEADER_LEN: u64 = 46;
const ZIP64_END_LEN: u64 = 56;
const ZIP64_LOCATOR_LEN: u64 = 20;
const END_LEN: u64 = 22;

/// Fields at or above this are stored in the zip64 extra field instead.
const MAX32: u64 = 0xFFFF_FFFF;
const MAX16: usize = 0xFFFF;

/// A DOS timestamp (local time, 2-second steps, 1980–2107), as ZIP stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DosDateTime {
    pub date: u16,
    pub time: u16,
}

impl DosDateTime {
    /// 1980-01-01 00:00:00, the earliest DOS time.
    pub const EPOCH: Self = Self {
        date: (1 << 5) | 1,
        time: 0,
    };

    /// Out-of-range dates are clamped to what the format can hold.
    pub fn new(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Self {
        if year < 1980 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return Self::EPOCH;
        }
        let year = u16::try_from((year - 1980).min(127)).unwrap_or(127);
        let field = |v: u32, max: u32| u16::try_from(v.min(max)).unwrap_or(0);
        Self {
            date: (year << 9) | (field(month, 12) << 5) | field(day, 31),
            time: (field(hour, 23) << 11) | (field(minute, 59) << 5) | (field(second, 59) / 2),
        }
    }
}

/// What the archive holds for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryMeta {
    /// `/`-separated, unique within the archive.
    pub name: String,
    pub size: u64,
    pub modified: DosDateTime,
}

#[derive(Debug, Clone)]
struct Placed {
    meta: EntryMeta,
    /// Where the local header starts.
    offset: u64,
    /// Sizes need 64 bits: zip64 extra in the local header and a 64-bit data descriptor.
    large: bool,
}

impl Placed {
    fn local_header_len(&self) -> u64 {
        LOCAL_HEADER_LEN + name_len(&self.meta) + if self.large { 20 } else { 0 }
    }

    fn data_offset(&self) -> u64 {
        self.offset + self.local_header_len()
    }

    fn descriptor_len(&self) -> u64 {
        if self.large { 24 } else { 16 }
    }

    /// The zip64 extra field's values in the central directory, in the order the format fixes.
    fn central_zip64_fields(&self) -> Vec<u64> {
        let mut fields = Vec::new();
        if self.large {
            fields.push(self.meta.size);
            fields.push(self.meta.size);
        }
        if self.offset >= MAX32 {
            fields.push(self.offset);
        }
        fields
    }

    fn central_header_len(&self) -> u64 {
        let fields = self.central_zip64_fields().len() as u64;
        CENTRAL_HEADER_LEN + name_len(&self.meta) + if fields > 0 { 4 + 8 * fields } else { 0 }
    }
}

fn name_len(meta: &EntryMeta) -> u64 {
    meta.name.len() as u64
}

/// The layout of a whole archive.
#[derive(Debug, Clone)]
pub struct ZipPlan {
    entries: Vec<Placed>,
    central_offset: u64,
    central_len: u64,
    zip64_end: bool,
    len: u64,
}

impl ZipPlan {
    /// Lays out `entries` in order. Names longer than 65535 bytes are cut (on a character
    /// boundary), since the format cannot hold them.
    pub fn new(entries: Vec<EntryMeta>) -> Self {
        let mut offset = 0;
        let entries: Vec<Placed> = entries
            .into_iter()
            .map(|mut meta| {
                truncate_name(&mut meta.name);
                let placed = Placed {
                    large: meta.size >= MAX32,
                    meta,
                    offset,
                };
                offset = placed.data_offset() + placed.meta.size + placed.descriptor_len();
                placed
            })
            .collect();
        let central_offset = offset;
        let central_len: u64 = entries.iter().map(Placed::central_header_len).sum();
        let zip64_end = entries.len() >= MAX16 || central_offset >= MAX32 || central_len >= MAX32;
        let len = central_offset
            + central_len
            + if zip64_end {
                ZIP64_END_LEN + ZIP64_LOCATOR_LEN
            } else {
                0
            }
            + END_LEN;
        Self {
            entries,
            central_offset,
            central_len,
            zip64_end,
            len,
        }
    }

    /// The archive's exact size in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    pub fn entry(&self, index: usize) -> &EntryMeta {
        &self.entries[index].meta
    }

    /// Where entry `index`'s data starts.
    pub fn data_offset(&self, index: usize) -> u64 {
        self.entries[index].data_offset()
    }

    /// Where entry `index`'s data descriptor starts, and its length.
    pub fn descriptor_span(&self, index: usize) -> (u64, u64) {
        let entry = &self.entries[index];
        (
            entry.data_offset() + entry.meta.size,
            entry.descriptor_len(),
        )
    }

    pub fn central_offset(&self) -> u64 {
        self.central_offset
    }

    pub fn local_header(&self, index: usize) -> Vec<u8> {
        let entry = &self.entries[index];
        let mut out = Vec::with_capacity(usize::try_from(entry.local_header_len()).unwrap_or(0));
        put32(&mut out, LOCAL_HEADER_SIG);
        put16(
            &mut out,
            if entry.large {
                VERSION_ZIP64
            } else {
                VERSION_PLAIN
            },
        );
        put16(&mut out, FLAGS);
        put16(&mut out, 0); // STORE
        put16(&mut out, entry.meta.modified.time);
        put16(&mut out, entry.meta.modified.date);
        put32(&mut out, 0); // CRC-32: in the data descriptor
        // Sizes are in the data descriptor too; all ones announce the zip64 extra field.
        let size = if entry.large { u32::MAX } else { 0 };
        put32(&mut out, size);
        put32(&mut out, size);
        put16(&mut out, len16(entry.meta.name.len()));
        put16(&mut out, if entry.large { 20 } else { 0 });
        out.extend_from_slice(entry.meta.name.as_bytes());
        if entry.large {
            // The sizes are unknown here by the rules of bit 3: zeros.
            put16(&mut out, ZIP64_EXTRA_ID);
            put16(&mut out, 16);
            put64(&mut out, 0);
            put64(&mut out, 0);
        }
        out
    }

    pub fn data_descriptor(&self, index: usize, crc: u32) -> Vec<u8> {
        let entry = &self.entries[index];
        let mut out = Vec::with_capacity(24);
        put32(&mut out, DATA_DESCRIPTOR_SIG);
        put32(&mut out, crc);
        if entry.large {
            put64(&mut out, entry.meta.size);
            put64(&mut out, entry.meta.size);
        } else {
            put32(&mut out, low32(entry.meta.size));
            put32(&mut out, low32(entry.meta.size));
        }
        out
    }

    pub fn central_header(&self, index: usize, crc: u32) -> Vec<u8> {
        let entry = &self.entries[index];
        let fields = entry.central_zip64_fields();
        let mut out = Vec::with_capacity(usize::try_from(entry.central_header_len()).unwrap_or(0));
        put32(&mut out, CENTRAL_HEADER_SIG);
        put16(&mut out, MADE_BY);
        put16(
            &mut out,
            if fields.is_empty() {
                VERSION_PLAIN
            } else {
                VERSION_ZIP64
            },
        );
        put16(&mut out, FLAGS);
        put16(&mut out, 0);
        put16(&mut out, entry.meta.modified.time);
        put16(&mut out, entry.meta.modified.date);
        put32(&mut out, crc);
        let size = if entry.large {
            u32::MAX
        } else {
            low32(entry.meta.size)
        };
        put32(&mut out, size);
        put32(&mut out, size);
        put16(&mut out, len16(entry.meta.name.len()));
        put16(
            &mut out,
            if fields.is_empty() {
                0
            } else {
                len16(4 + 8 * fields.len())
            },
        );
        put16(&mut out, 0); // comment
        put16(&mut out, 0); // disk
        put16(&mut out, 0); // internal attributes
        put32(&mut out, EXTERNAL_ATTRS);
        put32(&mut out, clamp32(entry.offset));
        out.extend_from_slice(entry.meta.name.as_bytes());
        if !fields.is_empty() {
            put16(&mut out, ZIP64_EXTRA_ID);
            put16(&mut out, len16(8 * fields.len()));
            for field in fields {
                put64(&mut out, field);
            }
        }
        out
    }

    /// The zip64 end record and locator when needed, then the end of central directory.
    pub fn end_records(&self) -> Vec<u8> {
        let count = self.entries.len() as u64;
        let mut out = Vec::with_capacity(98);
        if self.zip64_end {
            let zip64_end_offset = self.central_offset + self.central_len;
            put32(&mut out, ZIP64_END_SIG);
            put64(&mut out, ZIP64_END_LEN - 12); // size of the rest of this record
            put16(&mut out, MADE_BY);
            put16(&mut out, VERSION_ZIP64);
            put32(&mut out, 0); // this disk
            put32(&mut out, 0); // disk with the central directory
            put64(&mut out, count);
            put64(&mut out, count);
            put64(&mut out, self.central_len);
            put64(&mut out, self.central_offset);
            put32(&mut out, ZIP64_LOCATOR_SIG);
            put32(&mut out, 0);
            put64(&mut out, zip64_end_offset);
            put32(&mut out, 1); // disks in total
        }
        let count16 = u16::try_from(count).ok().filter(|&c| c != u16::MAX);
        put32(&mut out, END_SIG);
        put16(&mut out, 0);
        put16(&mut out, 0);
        put16(&mut out, count16.unwrap_or(u16::MAX));
        put16(&mut out, count16.unwrap_or(u16::MAX));
        put32(&mut out, clamp32(self.central_len));
        put32(&mut out, clamp32(self.central_offset));
        put16(&mut out, 0); // comment
        out
    }
}

fn truncate_name(name: &mut String) {
    if name.len() > MAX16 {
        let mut cut = MAX16;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn len16(len: usize) -> u16 {
    u16::try_from(len).unwrap_or(u16::MAX)
}

/// The value itself when it fits, else all ones (the real value is in the zip64 field).
fn clamp32(v: u64) -> u32 {
    u32::try_from(v)
        .ok()
        .filter(|&v| v != u32::MAX)
        .unwrap_or(u32::MAX)
}

fn low32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, size: u64) -> EntryMeta {
        EntryMeta {
            name: name.to_owned(),
            size,
            modified: DosDateTime::new(2013, 1, 19, 14, 30, 59),
        }
    }

    #[test]
    fn dos_times() {
        let t = DosDateTime::new(2013, 1, 19, 14, 30, 59);
        assert_eq!(t.date, (33 << 9) | (1 << 5) | 19);
        assert_eq!(t.time, (14 << 11) | (30 << 5) | 29);
        assert_eq!(DosDateTime::new(1970, 1, 1, 0, 0, 0), DosDateTime::EPOCH);
        assert_eq!(DosDateTime::new(3000, 1, 1, 0, 0, 0).date >> 9, 127);
    }

    #[test]
    fn the_length_is_the_sum_of_the_records() {
        let plan = ZipPlan::new(vec![entry("a.jpg", 10), entry("é.jpg", 0)]);
        let mut total = 0;
        for i in 0..plan.entry_count() {
            assert_eq!(
                plan.local_header(i).len() as u64 + total,
                plan.data_offset(i)
            );
            total = plan.data_offset(i) + plan.entry(i).size;
            let (at, len) = plan.descriptor_span(i);
            assert_eq!((at, len), (total, plan.data_descriptor(i, 0).len() as u64));
            total += len;
        }
        assert_eq!(total, plan.central_offset());
        for i in 0..plan.entry_count() {
            total += plan.central_header(i, 0).len() as u64;
        }
        total += plan.end_records().len() as u64;
        assert_eq!(total, plan.len());
        assert_eq!(
            plan.end_records().len(),
            22,
            "no zip64 records for a small archive"
        );
    }

    #[test]
    fn large_entries_and_offsets_use_zip64() {
        let plan = ZipPlan::new(vec![entry("big.mov", 5 << 30), entry("after.jpg", 7)]);
        assert_eq!(plan.local_header(0).len(), 30 + 7 + 20);
        assert_eq!(
            plan.local_header(1).len(),
            30 + 9,
            "a small entry stays plain"
        );
        assert_eq!(plan.data_descriptor(0, 1).len(), 24);
        assert_eq!(plan.data_descriptor(1, 1).len(), 16);
        // The second entry's offset is past 4 GiB: only the offset goes to the extra field.
        assert_eq!(plan.central_header(1, 0).len(), 46 + 9 + 4 + 8);
        assert_eq!(plan.central_header(0, 0).len(), 46 + 7 + 4 + 16);
        let end = plan.end_records();
        assert_eq!(end.len(), 56 + 20 + 22);
        assert_eq!(&end[..4], &ZIP64_END_SIG.to_le_bytes());
    }

    #[test]
    fn many_entries_use_zip64_end_records() {
        let entries = (0..70_000).map(|i| entry(&format!("{i}.jpg"), 1)).collect();
        let plan = ZipPlan::new(entries);
        let end = plan.end_records();
        assert_eq!(end.len(), 56 + 20 + 22);
        // The classic record says "see zip64" for the count.
        assert_eq!(&end[end.len() - 12..end.len() - 10], &[0xFF, 0xFF]);
    }
}
