//! Limits on failed password attempts, for logins and for share-link passwords.
//!
//! Failures are counted for the *target* (an account, by the username as typed, or a share
//! link) from anywhere, for the target from one client address, and for the address alone.
//! A target, or a target from one address, is locked out after its limit. An address alone is
//! never locked: behind a reverse proxy every visitor comes from the proxy's address, and
//! locking it would lock everyone out. Its failures only slow its further attempts, by a delay
//! that grows with them and has a ceiling.
//!
//! Counters live in memory: a deployment of several instances gets per-instance limits, and a
//! restart forgets them. Memory is bounded: names are kept as fixed-size digests whatever their
//! length, and at most [`MAX_ENTRIES`] counters are kept (the stalest unlocked ones go first).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use albumen_core::ShareId;

use crate::config::AuthConfig;

/// Prune stale entries at most this often.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// The most counters kept, about 100 bytes each (so about 10 MB). A new key beyond it evicts
/// the stalest entries, unlocked ones before locked ones; an attacker needs that many failed
/// attempts, each one checked against a password hash and slowed per address, to evict a lock.
pub const MAX_ENTRIES: usize = 100_000;

/// An address's failures are forgotten one per this long, so the occasional mistyped password
/// behind a busy proxy never adds up to a delay.
const ADDRESS_FORGETS_ONE_EVERY: Duration = Duration::from_secs(60);

/// What a password opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// An account, by the username as typed (existing or not, so the limiter does not reveal
    /// which names exist).
    Account(&'a str),
    /// A password-protected share link.
    ShareLink(ShareId),
}

/// A username as typed, reduced to a fixed-size digest: a megabyte-long name costs what a
/// short one does, and a digest never equals a share link's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Name([u8; 32]);

impl Name {
    fn of(username: &str) -> Self {
        Self(*blake3::hash(username.as_bytes()).as_bytes())
    }
}

/// A client address as counted: `None` when not known (no TCP listener, e.g. in-process
/// requests), IPv4-mapped IPv6 as IPv4, other IPv6 by its /64 network (one host usually holds a
/// whole /64, so counting single addresses would let it rotate freely).
type Source = Option<IpAddr>;

fn source(address: Option<IpAddr>) -> Source {
    address.map(|ip| match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(Ipv6Addr::from(segments))
            }
        },
    })
}

/// What is being counted: one namespace per kind, so no username can touch a share link's
/// counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Account(Name),
    AccountFrom(Name, Source),
    ShareLink(ShareId),
    ShareLinkFrom(ShareId, Source),
    Address(Source),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: Instant,
    locked_until: Option<Instant>,
}

#[derive(Debug)]
struct Counters {
    entries: HashMap<Key, Entry>,
    last_prune: Instant,
}

/// Failed-attempt counters. After `per_target` failures for a target, or `per_target_and_
/// address` for a target from one address, it is locked for `lockout`, doubled for every
/// further failure up to `max_lockout`; those failures are forgotten once `max_lockout` has
/// passed without a new one. From one address, each failure beyond `address_free_failures`
/// delays its next attempts by `address_delay` more, up to `address_delay_max`.
#[derive(Debug)]
pub struct LoginLimiter {
    per_target: u32,
    per_target_and_address: u32,
    lockout: Duration,
    max_lockout: Duration,
    address_free_failures: u32,
    address_delay: Duration,
    address_delay_max: Duration,
    max_entries: usize,
    counters: Mutex<Counters>,
}

/// A refused attempt: try again in this many seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked {
    pub retry_after: u64,
}

/// An attempt under way, already counted as a failure (so concurrent guesses cannot slip past
/// a limit). Dropped as it is, it stays a failure; [`Attempt::succeeded`] and
/// [`Attempt::abandoned`] take it back.
#[derive(Debug)]
#[must_use = "an attempt is a failure unless it is marked succeeded or abandoned"]
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    target: Key,
    pair: Key,
    address: Key,
    /// The lock this attempt set on `target` and `pair` (if any), and the one it replaced.
    locks: [Option<(Instant, Option<Instant>)>; 2],
    delay: Duration,
}

impl LoginLimiter {
    pub fn new(config: &AuthConfig) -> Self {
        Self::with_max_entries(config, MAX_ENTRIES)
    }

    fn with_max_entries(config: &AuthConfig, max_entries: usize) -> Self {
        let lockout = Duration::from_secs(config.login_lockout_seconds);
        Self {
            per_target: config.login_attempts_per_account,
            per_target_and_address: config.login_attempts_per_account_and_address,
            lockout,
            max_lockout: Duration::from_secs(config.login_lockout_max_seconds).max(lockout),
            address_free_failures: config.login_address_free_failures,
            address_delay: Duration::from_millis(config.login_address_delay_ms),
            address_delay_max: Duration::from_millis(config.login_address_delay_max_ms),
            max_entries: max_entries.max(3),
            counters: Mutex::new(Counters {
                entries: HashMap::new(),
                last_prune: Instant::now(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counters> {
        // The counters stay consistent even if a holder panicked: every update is one assignment.
        self.counters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts an attempt: refused while the target is locked, for everyone or from this
    /// address; otherwise counted as a failure right away, before the password is checked.
    /// The caller waits [`Attempt::wait`] before checking the password.
    pub fn begin(
        &self,
        target: Target<'_>,
        address: Option<IpAddr>,
    ) -> Result<Attempt<'_>, Locked> {
        let from = source(address);
        let (target, pair) = match target {
            Target::Account(username) => {
                let name = Name::of(username);
                (Key::Account(name), Key::AccountFrom(name, from))
            }
            Target::ShareLink(id) => (Key::ShareLink(id), Key::ShareLinkFrom(id, from)),
        };
        let address = Key::Address(from);
        let now = Instant::now();
        let mut counters = self.lock();
        let wait = [target, pair]
            .iter()
            .filter_map(|key| counters.entries.get(key)?.locked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max();
        if let Some(wait) = wait {
            return Err(Locked {
                retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            });
        }
        self.make_room(&mut counters, now, &[target, pair, address]);

        let mut locks = [None; 2];
        for (key, set) in [target, pair].into_iter().zip(&mut locks) {
            let limit = self.limit(key);
            let entry = counters.entries.entry(key).or_insert(Entry::new(now));
            if entry.is_stale(now, self.max_lockout) {
                *entry = Entry::new(now);
            }
            entry.failures = entry.failures.saturating_add(1);
            entry.last_failure = now;
            if entry.failures >= limit {
                let doublings = (entry.failures - limit).min(20);
                let lockout = self
                    .lockout
                    .saturating_mul(1 << doublings)
                    .min(self.max_lockout);
                *set = Some((now + lockout, entry.locked_until));
                entry.locked_until = Some(now + lockout);
            }
        }

        let entry = counters.entries.entry(address).or_insert(Entry::new(now));
        entry.forget_leaked(now);
        let excess = entry.failures.saturating_sub(self.address_free_failures);
        let delay = self
            .address_delay
            .saturating_mul(excess)
            .min(self.address_delay_max);
        entry.failures = entry.failures.saturating_add(1);
        entry.last_failure = now;
        Ok(Attempt {
            limiter: self,
            target,
            pair,
            address,
            locks,
            delay,
        })
    }

    fn limit(&self, key: Key) -> u32 {
        match key {
            Key::Account(_) | Key::ShareLink(_) => self.per_target,
            Key::AccountFrom(..) | Key::ShareLinkFrom(..) => self.per_target_and_address,
            Key::Address(_) => u32::MAX,
        }
    }

    /// Makes room for `keys` under the entry cap: stale entries go first (at most once a
    /// [`PRUNE_EVERY`] unless the map is full), then the stalest, unlocked before locked. A
    /// sixteenth of the cap goes at once, so a stream of new keys does not sort on every one.
    fn make_room(&self, counters: &mut Counters, now: Instant, keys: &[Key]) {
        let new = keys
            .iter()
            .filter(|key| !counters.entries.contains_key(key))
            .count();
        let full = counters.entries.len() + new > self.max_entries;
        if full || now.duration_since(counters.last_prune) >= PRUNE_EVERY {
            let max_lockout = self.max_lockout;
            counters.entries.retain(|key, entry| match key {
                Key::Address(_) => {
                    entry.forget_leaked(now);
                    entry.failures > 0
                }
                _ => !entry.is_stale(now, max_lockout),
            });
            counters.last_prune = now;
        }
        let len = counters.entries.len();
        if len + new <= self.max_entries {
            return;
        }
        let evict = (len + new - self.max_entries).max(self.max_entries / 16);
        let mut order: Vec<_> = counters
            .entries
            .iter()
            .filter(|(key, _)| !keys.contains(key))
            .map(|(key, entry)| {
                let locked = entry.locked_until.is_some_and(|until| until > now);
                ((locked, entry.last_failure), *key)
            })
            .collect();
        let evict = evict.min(order.len());
        if evict == 0 {
            return;
        }
        order.select_nth_unstable_by_key(evict - 1, |(rank, _)| *rank);
        for (_, key) in &order[..evict] {
            counters.entries.remove(key);
        }
    }

    /// Takes back one counted failure; a lock `set` by it is undone if nothing replaced it.
    fn uncount(&self, counters: &mut Counters, key: Key, set: Option<(Instant, Option<Instant>)>) {
        let limit = self.limit(key);
        let Some(entry) = counters.entries.get_mut(&key) else {
            return;
        };
        entry.failures = entry.failures.saturating_sub(1);
        if entry.failures == 0 {
            counters.entries.remove(&key);
        } else if entry.failures < limit {
            entry.locked_until = None;
        } else if let Some((until, before)) = set
            && entry.locked_until == Some(until)
        {
            entry.locked_until = before;
        }
    }

    /// How many counters are kept, and the bytes they take in the map (keys and values are
    /// fixed-size: nothing of theirs lives elsewhere).
    #[cfg(test)]
    fn footprint(&self) -> (usize, usize) {
        let len = self.lock().entries.len();
        (len, len * std::mem::size_of::<(Key, Entry)>())
    }
}

impl Attempt<'_> {
    /// How long to wait before checking the password: the address's slow-down.
    pub fn delay(&self) -> Duration {
        self.delay
    }

    /// Waits out [`Self::delay`].
    pub async fn wait(&self) {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
    }

    /// The password was right: the target's counters are cleared, everywhere and from this
    /// address, so no lock follows a success; the address keeps its earlier failures.
    pub fn succeeded(self) {
        let mut counters = self.limiter.lock();
        counters.entries.remove(&self.target);
        counters.entries.remove(&self.pair);
        self.limiter.uncount(&mut counters, self.address, None);
    }

    /// The attempt could not be decided (a server error): it counts against nothing.
    pub fn abandoned(self) {
        let mut counters = self.limiter.lock();
        let [target, pair] = self.locks;
        self.limiter.uncount(&mut counters, self.target, target);
        self.limiter.uncount(&mut counters, self.pair, pair);
        self.limiter.uncount(&mut counters, self.address, None);
    }
}

impl Entry {
    fn new(now: Instant) -> Self {
        Self {
            failures: 0,
            last_failure: now,
            locked_until: None,
        }
    }

    /// No failure for `max_lockout` and no lock in force: nothing left to remember.
    fn is_stale(&self, now: Instant, max_lockout: Duration) -> bool {
        now.duration_since(self.last_failure) >= max_lockout
            && self.locked_until.is_none_or(|until| until <= now)
    }

    /// An address's count leaks: one failure forgotten per [`ADDRESS_FORGETS_ONE_EVERY`] since
    /// the last one counted.
    fn forget_leaked(&mut self, now: Instant) {
        let every = ADDRESS_FORGETS_ONE_EVERY.as_secs();
        let forgotten = now.duration_since(self.last_failure).as_secs() / every;
        if forgotten > 0 {
            self.failures = self
                .failures
                .saturating_sub(u32::try_from(forgotten).unwrap_or(u32::MAX));
            // Whole periods only, so a partly elapsed one still counts towards the next.
            self.last_failure += Duration::from_secs(forgotten * every);
        }
    }
}

#[cfg(test)]
mod tests;
