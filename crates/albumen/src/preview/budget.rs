//! The memory budget every decode reserves from before it starts (`previews.decode_memory_mb`):
//! what `albumen_media::memory_need` says the render will hold at its peak, worked out from
//! the file's header. Decodes that do not fit wait, first come first served; one that needs
//! more than the whole budget is refused, never decoded. One budget per [`super::Previews`],
//! which a process has one of.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{Semaphore, SemaphorePermit};

/// The budget counts in KiB, so a permit count fits the semaphore's `u32` requests.
const UNIT: u64 = 1024;

#[derive(Debug)]
pub struct DecodeBudget {
    total: u64,
    /// One permit per [`UNIT`]; tokio's semaphore is fair, so a large request at the head of
    /// the queue is not starved by smaller ones behind it.
    units: Semaphore,
    /// Bytes (in whole units) held by reservations now, and the most ever held at once.
    reserved: AtomicU64,
    peak: AtomicU64,
}

/// A decode's share of the budget, given back when dropped.
#[derive(Debug)]
pub struct Reservation<'a> {
    budget: &'a DecodeBudget,
    bytes: u64,
    _units: SemaphorePermit<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "needs {} MB to decode and resize, more than previews.decode_memory_mb ({} MB)",
    .need.div_ceil(1 << 20),
    .total >> 20
)]
pub struct OverBudget {
    pub need: u64,
    pub total: u64,
}

impl DecodeBudget {
    /// A budget of `total` bytes (rounded down to whole KiB, at least one).
    pub fn new(total: u64) -> Self {
        let units = (total / UNIT).clamp(1, Semaphore::MAX_PERMITS as u64);
        Self {
            total: units * UNIT,
            units: Semaphore::new(usize::try_from(units).unwrap_or(Semaphore::MAX_PERMITS)),
            reserved: AtomicU64::new(0),
            peak: AtomicU64::new(0),
        }
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// Bytes reserved now.
    pub fn reserved(&self) -> u64 {
        self.reserved.load(Ordering::SeqCst)
    }

    /// The most bytes ever reserved at once.
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::SeqCst)
    }

    /// Reserves `need` bytes, waiting behind earlier reservations until they fit; refuses a
    /// need larger than the whole budget.
    pub async fn reserve(&self, need: u64) -> Result<Reservation<'_>, OverBudget> {
        let over = OverBudget {
            need,
            total: self.total,
        };
        let units = need.div_ceil(UNIT).max(1);
        if units * UNIT > self.total {
            return Err(over);
        }
        let permit = self
            .units
            .acquire_many(u32::try_from(units).map_err(|_| over)?)
            .await
            // Never closed.
            .map_err(|_| over)?;
        let bytes = units * UNIT;
        // Counted only once the permits are held (and uncounted before they are returned), so
        // `reserved` never exceeds what the semaphore handed out.
        let now = self.reserved.fetch_add(bytes, Ordering::SeqCst) + bytes;
        self.peak.fetch_max(now, Ordering::SeqCst);
        Ok(Reservation {
            budget: self,
            bytes,
            _units: permit,
        })
    }
}

impl Reservation<'_> {
    /// Bytes held, rounded up to whole KiB.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        // Runs before the permit field is dropped, i.e. before the units go back.
        self.budget.reserved.fetch_sub(self.bytes, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    const MB: u64 = 1 << 20;

    #[tokio::test]
    async fn a_need_above_the_whole_budget_is_refused_at_once() {
        let budget = DecodeBudget::new(64 * MB);
        let err = budget.reserve(64 * MB + 1).await.expect_err("refused");
        assert_eq!(err.total, 64 * MB);
        assert!(
            err.to_string().contains("previews.decode_memory_mb"),
            "{err}"
        );
        let all = budget
            .reserve(64 * MB)
            .await
            .expect("exactly the budget fits");
        assert_eq!((all.bytes(), budget.reserved()), (64 * MB, 64 * MB));
        drop(all);
        assert_eq!(budget.reserved(), 0);
    }

    /// Many decodes of mixed sizes at once: all get their turn, and the budget's own count
    /// never shows more held than it has.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_reservations_never_exceed_the_budget() {
        let budget = Arc::new(DecodeBudget::new(100 * MB));
        let tasks: Vec<_> = (0..64u64)
            .map(|i| {
                let budget = budget.clone();
                tokio::spawn(async move {
                    let need = [60, 45, 30, 10, 100][usize::try_from(i % 5).unwrap_or(0)] * MB;
                    let held = budget.reserve(need).await.expect("fits the budget");
                    assert!(budget.reserved() <= budget.total());
                    tokio::task::yield_now().await;
                    held.bytes()
                })
            })
            .collect();
        let mut granted = 0;
        for task in tasks {
            granted += task.await.expect("task");
        }
        assert_eq!(granted, (60 + 45 + 30 + 10 + 100) * 13 * MB - 100 * MB);
        assert!(budget.peak() <= budget.total(), "peak {}", budget.peak());
        assert!(
            budget.peak() >= 100 * MB,
            "the whole budget was used at least once"
        );
        assert_eq!(budget.reserved(), 0);
    }
}
