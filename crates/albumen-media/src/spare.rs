//! One reusable pixel buffer per thread for the decoder's output. A 24 MP photo decodes into
//! 18 MB; a fresh buffer every time is fresh pages every time (faults, zeroing in the kernel,
//! unmapping on free), about 5% of a render. Buffers above [`SPARE_MAX`] are not kept, so a
//! rare panorama does not pin its memory to a worker thread.

use std::cell::RefCell;

/// The largest buffer a thread keeps: a 50 MP photo decoded at 1/2.
pub(crate) const SPARE_MAX: usize = 48 << 20;

thread_local! {
    static SPARE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `len` bytes, this thread's spare if it is big enough. The contents are
/// initialised but unspecified: the caller overwrites all of it.
pub(crate) fn take(len: usize) -> Vec<u8> {
    let mut buf = SPARE.take();
    if buf.capacity() < len {
        return vec![0; len];
    }
    buf.resize(len, 0);
    buf
}

/// Keeps `buf` as this thread's spare if it is larger than the one kept (and not too large).
pub(crate) fn give_back(buf: Vec<u8>) {
    if buf.capacity() <= SPARE_MAX {
        SPARE.with_borrow_mut(|spare| {
            if buf.capacity() > spare.capacity() {
                *spare = buf;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_the_spare_and_sizes_it_exactly() {
        let mut first = take(1000);
        first.fill(7);
        let at = first.as_ptr();
        give_back(first);
        let second = take(600);
        assert_eq!(second.len(), 600);
        assert_eq!(second.as_ptr(), at, "the same allocation");
        give_back(second);
        // Growing within the capacity keeps the allocation; beyond it, a new buffer.
        let third = take(1000);
        assert_eq!((third.len(), third.as_ptr()), (1000, at));
        let fourth = take(5000);
        assert_eq!(fourth.len(), 5000);
        assert!(fourth.iter().all(|b| *b == 0));
    }

    #[test]
    fn does_not_keep_huge_buffers() {
        give_back(vec![0; SPARE_MAX + 1]);
        assert!(SPARE.with_borrow(|spare| spare.capacity() <= SPARE_MAX));
    }
}
