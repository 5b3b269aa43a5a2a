//! `Range: bytes=…` (RFC 9110 §14): parsed strictly, so anything malformed is ignored and the
//! whole representation is sent, as the RFC asks.

/// More ranges than this in one request are treated as no `Range` at all: a client seeking in
/// a video asks for one, and hundreds of tiny ranges only amplify work.
const MAX_RANGES: usize = 16;

/// An inclusive byte range within a representation of known length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ByteRange {
    pub start: u64,
    /// Inclusive.
    pub end: u64,
}

impl ByteRange {
    pub(super) fn len(self) -> u64 {
        self.end - self.start + 1
    }
}

/// What a `Range` header asks of a representation `len` bytes long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RangeRequest {
    /// No header, an invalid one, another unit or too many ranges: send everything (200).
    Full,
    /// Sorted, non-overlapping ranges within the representation (206).
    Partial(Vec<ByteRange>),
    /// Valid syntax but no range overlaps the representation (416).
    Unsatisfiable,
}

/// Parses `value` (the `Range` header, if any) against a representation of `len` bytes.
pub(super) fn parse(value: Option<&[u8]>, len: u64) -> RangeRequest {
    let Some(value) = value.and_then(|v| std::str::from_utf8(v).ok()) else {
        return RangeRequest::Full;
    };
    let Some(specs) = strip_unit(value) else {
        return RangeRequest::Full;
    };
    let mut ranges = Vec::new();
    let mut count = 0;
    for spec in specs.split(',') {
        let spec = spec.trim_matches([' ', '\t']);
        if spec.is_empty() {
            // Empty list elements are allowed by the list syntax (RFC 9110 §5.6.1).
            continue;
        }
        count += 1;
        if count > MAX_RANGES {
            return RangeRequest::Full;
        }
        match parse_spec(spec, len) {
            Spec::Invalid => return RangeRequest::Full,
            Spec::Unsatisfiable => {}
            Spec::Range(range) => ranges.push(range),
        }
    }
    if count == 0 {
        return RangeRequest::Full;
    }
    if ranges.is_empty() {
        return RangeRequest::Unsatisfiable;
    }
    RangeRequest::Partial(coalesce(ranges))
}

/// `bytes=` (the unit is case-insensitive; no whitespace around `=`), returning what follows.
fn strip_unit(value: &str) -> Option<&str> {
    let (unit, rest) = value.split_once('=')?;
    unit.eq_ignore_ascii_case("bytes").then_some(rest)
}

enum Spec {
    Invalid,
    Unsatisfiable,
    Range(ByteRange),
}

fn parse_spec(spec: &str, len: u64) -> Spec {
    let Some((first, last)) = spec.split_once('-') else {
        return Spec::Invalid;
    };
    let (first, last) = (digits(first), digits(last));
    match (first, last) {
        // `-N`: the last N bytes.
        (None, Some(Some(suffix))) => {
            if suffix == 0 || len == 0 {
                Spec::Unsatisfiable
            } else {
                Spec::Range(ByteRange {
                    start: len.saturating_sub(suffix),
                    end: len - 1,
                })
            }
        }
        // `N-` or `N-M`.
        (Some(Some(start)), last) => {
            let end = match last {
                None => u64::MAX,
                Some(Some(end)) if end >= start => end,
                _ => return Spec::Invalid,
            };
            if start >= len {
                Spec::Unsatisfiable
            } else {
                Spec::Range(ByteRange {
                    start,
                    end: end.min(len - 1),
                })
            }
        }
        _ => Spec::Invalid,
    }
}

/// `None` for an empty string, `Some(None)` for anything but ASCII digits (or an overflow).
fn digits(s: &str) -> Option<Option<u64>> {
    if s.is_empty() {
        return None;
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Some(None);
    }
    Some(s.parse().ok())
}

/// Sorts and merges overlapping or adjacent ranges (RFC 9110 §14.2 allows it), so no byte is
/// sent twice.
fn coalesce(mut ranges: Vec<ByteRange>) -> Vec<ByteRange> {
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<ByteRange> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end.saturating_add(1) => {
                last.end = last.end.max(range.end);
            }
            _ => merged.push(range),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: u64, end: u64) -> ByteRange {
        ByteRange { start, end }
    }

    fn p(value: &str, len: u64) -> RangeRequest {
        parse(Some(value.as_bytes()), len)
    }

    #[test]
    fn single_ranges() {
        assert_eq!(p("bytes=0-0", 10), RangeRequest::Partial(vec![r(0, 0)]));
        assert_eq!(p("bytes=2-", 10), RangeRequest::Partial(vec![r(2, 9)]));
        assert_eq!(p("bytes=-3", 10), RangeRequest::Partial(vec![r(7, 9)]));
        assert_eq!(p("bytes=-30", 10), RangeRequest::Partial(vec![r(0, 9)]));
        assert_eq!(p("bytes=5-100", 10), RangeRequest::Partial(vec![r(5, 9)]));
        assert_eq!(p("Bytes=1-2", 10), RangeRequest::Partial(vec![r(1, 2)]));
        assert_eq!(parse(None, 10), RangeRequest::Full);
    }

    #[test]
    fn several_ranges_are_sorted_and_merged() {
        assert_eq!(
            p("bytes=8-9, 0-1", 10),
            RangeRequest::Partial(vec![r(0, 1), r(8, 9)])
        );
        assert_eq!(
            p("bytes=0-4,3-6,7-7,,", 10),
            RangeRequest::Partial(vec![r(0, 7)])
        );
        // A satisfiable range among unsatisfiable ones is still served.
        assert_eq!(
            p("bytes=20-30,1-1", 10),
            RangeRequest::Partial(vec![r(1, 1)])
        );
    }

    #[test]
    fn unsatisfiable_ranges() {
        assert_eq!(p("bytes=10-", 10), RangeRequest::Unsatisfiable);
        assert_eq!(p("bytes=10-20,30-", 10), RangeRequest::Unsatisfiable);
        assert_eq!(p("bytes=-0", 10), RangeRequest::Unsatisfiable);
        assert_eq!(p("bytes=0-", 0), RangeRequest::Unsatisfiable);
    }

    #[test]
    fn invalid_headers_are_ignored() {
        for bad in [
            "bytes=5-1",
            "bytes=a-b",
            "bytes=1-2-3",
            "bytes=--1",
            "bytes=+1-2",
            "bytes=0x1-2",
            "bytes=",
            "bytes=,",
            "bytes = 1-2",
            "bytes=1 -2",
            "items=0-1",
            "0-1",
            "bytes=1-2,x",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(p(bad, 10), RangeRequest::Full, "{bad}");
        }
        let many = format!("bytes={}", vec!["0-0"; MAX_RANGES + 1].join(","));
        assert_eq!(p(&many, 10), RangeRequest::Full);
        assert_eq!(parse(Some(b"bytes=\xff-1"), 10), RangeRequest::Full);
    }
}
