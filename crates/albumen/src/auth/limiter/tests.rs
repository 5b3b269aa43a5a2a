#![allow(clippy::unwrap_used)]

use super::*;

const HERE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1)));
const THERE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7)));

fn config(per_account: u32, per_pair: u32) -> AuthConfig {
    AuthConfig {
        login_attempts_per_account: per_account,
        login_attempts_per_account_and_address: per_pair,
        login_address_free_failures: 1000,
        login_lockout_seconds: 60,
        login_lockout_max_seconds: 900,
        ..AuthConfig::default()
    }
}

fn limiter(per_account: u32, per_pair: u32) -> LoginLimiter {
    LoginLimiter::new(&config(per_account, per_pair))
}

fn ann() -> Target<'static> {
    Target::Account("ann")
}

/// A failed attempt (dropped as it is); the lock if it was refused.
fn fail(l: &LoginLimiter, target: Target<'_>, address: Option<IpAddr>) -> Result<(), Locked> {
    l.begin(target, address).map(drop)
}

/// Moves every lock and failure `by` into the past, as if that much time had gone by.
fn age(l: &LoginLimiter, by: Duration) {
    for entry in l.lock().entries.values_mut() {
        entry.last_failure = entry.last_failure.checked_sub(by).unwrap();
        entry.locked_until = entry.locked_until.map(|t| t.checked_sub(by).unwrap());
    }
}

#[test]
fn locks_after_the_limit_until_a_success() {
    let l = limiter(3, 100);
    for _ in 0..3 {
        assert_eq!(fail(&l, ann(), None), Ok(()));
    }
    assert_eq!(fail(&l, ann(), None), Err(Locked { retry_after: 60 }));
    assert_eq!(fail(&l, Target::Account("bob"), None), Ok(()));
    age(&l, Duration::from_secs(61));
    l.begin(ann(), None).unwrap().succeeded();
    for _ in 0..3 {
        assert_eq!(fail(&l, ann(), None), Ok(()));
    }
    assert_eq!(fail(&l, ann(), None), Err(Locked { retry_after: 60 }));
}

#[test]
fn every_failure_past_the_limit_doubles_the_lockout_up_to_the_cap() {
    let l = limiter(1, 100);
    let now = Instant::now();
    for (failures, expected) in [(2, 120), (3, 240), (5, 900), (40, 900)] {
        l.lock().entries.insert(
            Key::Account(Name::of("ann")),
            Entry {
                failures: failures - 1,
                last_failure: now,
                locked_until: None,
            },
        );
        assert_eq!(fail(&l, ann(), None), Ok(()));
        let Err(Locked { retry_after }) = fail(&l, ann(), None) else {
            panic!("not locked after {failures} failures");
        };
        assert_eq!(retry_after, expected, "after {failures} failures");
    }
}

#[test]
fn the_pair_limit_locks_one_address_out_of_one_account() {
    let l = limiter(100, 3);
    for _ in 0..3 {
        assert_eq!(fail(&l, ann(), HERE), Ok(()));
    }
    assert!(fail(&l, ann(), HERE).is_err());
    assert_eq!(fail(&l, ann(), THERE), Ok(()));
    assert_eq!(fail(&l, Target::Account("bob"), HERE), Ok(()));
}

#[test]
fn the_account_limit_covers_every_address() {
    let l = limiter(4, 100);
    for i in 0..4 {
        let from = Some(IpAddr::from([203, 0, 113, i]));
        assert_eq!(fail(&l, ann(), from), Ok(()));
    }
    assert!(fail(&l, ann(), THERE).is_err());
    assert_eq!(fail(&l, Target::Account("bob"), THERE), Ok(()));
}

#[test]
fn an_address_is_slowed_down_never_locked() {
    let l = LoginLimiter::new(&AuthConfig {
        login_address_free_failures: 2,
        login_address_delay_ms: 100,
        login_address_delay_max_ms: 250,
        ..config(1000, 1000)
    });
    let delays: Vec<u128> = (0..7)
        .map(|i| {
            let attempt = l
                .begin(Target::Account(&format!("guess {i}")), HERE)
                .unwrap();
            attempt.delay().as_millis()
        })
        .collect();
    assert_eq!(delays, [0, 0, 0, 100, 200, 250, 250]);
    // Another address is not slowed; successes do not add to the delay.
    assert_eq!(l.begin(ann(), THERE).unwrap().delay(), Duration::ZERO);
    for _ in 0..3 {
        let attempt = l.begin(ann(), HERE).unwrap();
        assert_eq!(attempt.delay().as_millis(), 250);
        attempt.succeeded();
    }
}

#[test]
fn an_address_forgets_one_failure_a_minute() {
    let l = LoginLimiter::new(&AuthConfig {
        login_address_free_failures: 0,
        login_address_delay_ms: 100,
        login_address_delay_max_ms: 10_000,
        ..config(1000, 1000)
    });
    for i in 0..5 {
        fail(&l, Target::Account(&format!("guess {i}")), HERE).unwrap();
    }
    age(&l, Duration::from_secs(150));
    assert_eq!(l.begin(ann(), HERE).unwrap().delay().as_millis(), 300);
}

#[test]
fn a_success_at_the_limit_does_not_lock_again() {
    let l = LoginLimiter::new(&AuthConfig {
        login_address_free_failures: 2,
        ..config(3, 2)
    });
    for _ in 0..3 {
        let _ = fail(&l, ann(), HERE);
        let _ = fail(&l, ann(), THERE);
    }
    for i in 0..5 {
        fail(&l, Target::Account(&format!("guess {i}")), HERE).unwrap();
    }
    assert!(fail(&l, ann(), HERE).is_err());
    age(&l, Duration::from_secs(61));
    l.begin(ann(), HERE).unwrap().succeeded();
    for _ in 0..2 {
        l.begin(ann(), HERE).unwrap().succeeded();
        l.begin(Target::Account("bob"), HERE).unwrap().succeeded();
    }
    assert_eq!(fail(&l, ann(), THERE), Ok(()));
}

#[test]
fn an_abandoned_attempt_takes_back_its_count_and_its_lock() {
    let l = limiter(2, 100);
    assert_eq!(fail(&l, ann(), None), Ok(()));
    l.begin(ann(), None).unwrap().abandoned();
    assert_eq!(fail(&l, ann(), None), Ok(()));
    assert!(fail(&l, ann(), None).is_err());
    // Past the limit, once the lock has passed: abandoning restores the lock as it was.
    age(&l, Duration::from_secs(61));
    l.begin(ann(), None).unwrap().abandoned();
    assert_eq!(fail(&l, ann(), None), Ok(()));
}

#[test]
fn successes_and_abandoned_attempts_leave_nothing_behind() {
    let l = limiter(100, 100);
    for _ in 0..5 {
        l.begin(ann(), None).unwrap().succeeded();
        l.begin(Target::Account("bob"), HERE).unwrap().abandoned();
        l.begin(Target::ShareLink(ShareId::new(1)), THERE)
            .unwrap()
            .abandoned();
    }
    assert_eq!(l.footprint().0, 0);
}

#[test]
fn share_links_and_accounts_are_counted_apart() {
    let l = limiter(2, 2);
    let link = Target::ShareLink(ShareId::new(1));
    for _ in 0..2 {
        assert_eq!(fail(&l, Target::Account("share link 1"), None), Ok(()));
        assert_eq!(fail(&l, Target::Account("1"), None), Ok(()));
    }
    assert!(fail(&l, Target::Account("share link 1"), None).is_err());
    assert_eq!(fail(&l, link, None), Ok(()));
    assert_eq!(fail(&l, link, None), Ok(()));
    assert!(fail(&l, link, None).is_err());
    assert!(fail(&l, Target::ShareLink(ShareId::new(2)), None).is_ok());
}

#[test]
fn a_megabyte_username_costs_what_a_short_one_does() {
    let short = limiter(5, 5);
    fail(&short, ann(), HERE).unwrap();
    let long = limiter(5, 5);
    fail(&long, Target::Account(&"x".repeat(1 << 20)), HERE).unwrap();
    assert_eq!(long.footprint(), short.footprint());
    let (entries, bytes) = long.footprint();
    assert_eq!(entries, 3);
    assert!(bytes < 1024, "{bytes} bytes");
    // Still counted as itself: the long name locks only itself.
    for _ in 0..4 {
        fail(&long, Target::Account(&"x".repeat(1 << 20)), HERE).unwrap();
    }
    assert!(fail(&long, Target::Account(&"x".repeat(1 << 20)), HERE).is_err());
    assert!(fail(&long, Target::Account(&"x".repeat((1 << 20) - 1)), HERE).is_ok());
}

#[test]
fn the_entry_cap_holds_and_evicts_unlocked_entries_first() {
    let l = LoginLimiter::with_max_entries(&config(2, 1000), 64);
    for _ in 0..2 {
        assert!(fail(&l, ann(), THERE).is_ok());
    }
    assert!(fail(&l, ann(), THERE).is_err(), "locked");
    for i in 0..1000_u32 {
        let from = Some(IpAddr::from(i.to_be_bytes()));
        let _ = fail(&l, Target::Account(&format!("guess {i}")), from);
        assert!(l.footprint().0 <= 64, "{} entries", l.footprint().0);
    }
    assert!(
        fail(&l, ann(), HERE).is_err(),
        "the lock survived the flood"
    );
    // The production cap takes what the documentation says.
    assert!(MAX_ENTRIES * std::mem::size_of::<(Key, Entry)>() <= 10_000_000);
}

#[test]
fn ipv6_addresses_count_by_their_64_network() {
    let l = limiter(100, 2);
    let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
    let two: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
    let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
    fail(&l, ann(), Some(one)).unwrap();
    fail(&l, ann(), Some(two)).unwrap();
    assert!(fail(&l, ann(), Some(one)).is_err());
    assert!(fail(&l, ann(), Some(other)).is_ok());
    let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
    fail(&l, Target::Account("bob"), HERE).unwrap();
    fail(&l, Target::Account("bob"), Some(mapped)).unwrap();
    assert!(fail(&l, Target::Account("bob"), HERE).is_err());
}
