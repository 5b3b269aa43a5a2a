//! Limits on failed password logins, per account (the username as typed) and per client
//! address. Counters live in memory: a deployment of several instances gets per-instance limits,
//! and a restart forgets them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::AuthConfig;

/// Prune stale entries at most this often.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// What is being counted. Unknown usernames are counted like known ones, so the limiter does not
/// reveal which names exist.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    /// `None`: the peer address is not known (requests not coming through a TCP listener).
    Address(Option<IpAddr>),
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

/// Failed-login counters. After `limit` failures an account or address is locked for
/// `lockout`, doubled for every further failure up to `max_lockout`. Failures are forgotten once
/// `max_lockout` has passed without a new one.
#[derive(Debug)]
pub struct LoginLimiter {
    per_account: u32,
    per_address: u32,
    lockout: Duration,
    max_lockout: Duration,
    counters: Mutex<Counters>,
}

/// A refused attempt: try again in this many seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked {
    pub retry_after: u64,
}

impl LoginLimiter {
    pub fn new(config: &AuthConfig) -> Self {
        Self {
            per_account: config.login_attempts_per_account,
            per_address: config.login_attempts_per_address,
            lockout: Duration::from_secs(config.login_lockout_seconds),
            max_lockout: Duration::from_secs(config.login_lockout_max_seconds)
                .max(Duration::from_secs(config.login_lockout_seconds)),
            counters: Mutex::new(Counters {
                entries: HashMap::new(),
                last_prune: Instant::now(),
            }),
        }
    }

    fn keys(username: &str, address: Option<IpAddr>) -> [Key; 2] {
        [Key::Account(username.to_owned()), Key::Address(address)]
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counters> {
        // The counters stay consistent even if a holder panicked: every update is one assignment.
        self.counters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts an attempt: refused while the account or the address is locked out, otherwise
    /// counted as a failure right away, before the password is checked, so concurrent guesses
    /// cannot slip past the limit. [`Self::succeeded`] and [`Self::abandoned`] take it back.
    pub fn begin(&self, username: &str, address: Option<IpAddr>) -> Result<(), Locked> {
        let now = Instant::now();
        let mut counters = self.lock();
        let wait = Self::keys(username, address)
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
        if now.duration_since(counters.last_prune) >= PRUNE_EVERY {
            let max_lockout = self.max_lockout;
            counters
                .entries
                .retain(|_, entry| !entry.is_stale(now, max_lockout));
            counters.last_prune = now;
        }
        for key in Self::keys(username, address) {
            let limit = self.limit(&key);
            let entry = counters.entries.entry(key).or_insert(Entry {
                failures: 0,
                last_failure: now,
                locked_until: None,
            });
            if entry.is_stale(now, self.max_lockout) {
                entry.failures = 0;
                entry.locked_until = None;
            }
            entry.failures = entry.failures.saturating_add(1);
            entry.last_failure = now;
            if entry.failures >= limit {
                let doublings = (entry.failures - limit).min(20);
                let lockout = self
                    .lockout
                    .saturating_mul(1 << doublings)
                    .min(self.max_lockout);
                entry.locked_until = Some(now + lockout);
            }
        }
        Ok(())
    }

    /// The attempt begun was a successful login: the account's counter is cleared, and the
    /// attempt no longer counts against the address (earlier failures still do).
    pub fn succeeded(&self, username: &str, address: Option<IpAddr>) {
        let mut counters = self.lock();
        counters.entries.remove(&Key::Account(username.to_owned()));
        self.uncount(&mut counters, &Key::Address(address));
    }

    /// The attempt begun could not be decided (a server error): it counts against neither.
    pub fn abandoned(&self, username: &str, address: Option<IpAddr>) {
        let mut counters = self.lock();
        for key in Self::keys(username, address) {
            self.uncount(&mut counters, &key);
        }
    }

    fn limit(&self, key: &Key) -> u32 {
        match key {
            Key::Account(_) => self.per_account,
            Key::Address(_) => self.per_address,
        }
    }

    /// Takes back one counted attempt, and the lockout it started if it was the one reaching
    /// the limit.
    fn uncount(&self, counters: &mut Counters, key: &Key) {
        let limit = self.limit(key);
        let Some(entry) = counters.entries.get_mut(key) else {
            return;
        };
        entry.failures = entry.failures.saturating_sub(1);
        if entry.failures == 0 {
            counters.entries.remove(key);
        } else if entry.failures < limit {
            entry.locked_until = None;
        }
    }
}

impl Entry {
    /// No failure for `max_lockout` and no lock in force: nothing left to remember.
    fn is_stale(&self, now: Instant, max_lockout: Duration) -> bool {
        now.duration_since(self.last_failure) >= max_lockout
            && self.locked_until.is_none_or(|until| until <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_account: u32, per_address: u32) -> LoginLimiter {
        LoginLimiter::new(&AuthConfig {
            login_attempts_per_account: per_account,
            login_attempts_per_address: per_address,
            login_lockout_seconds: 60,
            login_lockout_max_seconds: 900,
            ..AuthConfig::default()
        })
    }

    #[test]
    fn locks_after_the_limit_until_a_success() {
        let l = limiter(3, 100);
        for _ in 0..3 {
            assert_eq!(l.begin("ann", None), Ok(()));
        }
        assert_eq!(l.begin("ann", None), Err(Locked { retry_after: 60 }));
        assert_eq!(l.begin("bob", None), Ok(()));
        l.succeeded("ann", None);
        assert_eq!(l.begin("ann", None), Ok(()));
        assert_eq!(l.begin("ann", None), Ok(()));
        assert_eq!(l.begin("ann", None), Ok(()));
        assert_eq!(l.begin("ann", None), Err(Locked { retry_after: 60 }));
    }

    #[test]
    fn every_failure_past_the_limit_doubles_the_lockout_up_to_the_cap() {
        let l = limiter(1, 100);
        let mut counters = l.lock();
        let now = Instant::now();
        for (failures, expected) in [(2, 120), (3, 240), (5, 900), (40, 900)] {
            counters.entries.insert(
                Key::Account("ann".to_owned()),
                Entry {
                    failures: failures - 1,
                    last_failure: now,
                    locked_until: None,
                },
            );
            drop(counters);
            assert_eq!(l.begin("ann", None), Ok(()));
            let Err(Locked { retry_after }) = l.begin("ann", None) else {
                panic!("not locked after {failures} failures");
            };
            assert_eq!(retry_after, expected, "after {failures} failures");
            counters = l.lock();
        }
    }

    #[test]
    fn the_address_limit_covers_every_name() {
        let l = limiter(100, 2);
        assert_eq!(l.begin("ann", None), Ok(()));
        assert_eq!(l.begin("bob", None), Ok(()));
        assert!(l.begin("carol", None).is_err());
        let other = Some(IpAddr::from([192, 0, 2, 1]));
        assert_eq!(l.begin("carol", other), Ok(()));
    }

    #[test]
    fn successes_and_abandoned_attempts_do_not_count_against_the_address() {
        let l = limiter(100, 2);
        for _ in 0..5 {
            assert_eq!(l.begin("ann", None), Ok(()));
            l.succeeded("ann", None);
            assert_eq!(l.begin("bob", None), Ok(()));
            l.abandoned("bob", None);
        }
        assert!(l.lock().entries.is_empty());
    }
}
