//! Time is injected: business logic asks a [`Clock`] for "now" instead of calling
//! `Utc::now()`, so tests (and the report snapshots) run on a fixed or stepping clock.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// A source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock for tests: starts at a fixed instant and advances by `step` every time it is read,
/// so that durations are non-zero yet deterministic.
#[derive(Debug)]
pub struct FixedClock {
    next: Mutex<DateTime<Utc>>,
    step: Duration,
}

impl FixedClock {
    /// A clock that always answers `at`.
    pub fn at(at: DateTime<Utc>) -> Self {
        Self::stepping(at, Duration::zero())
    }

    /// A clock that answers `start`, then `start + step`, then `start + 2 * step`, ...
    pub fn stepping(start: DateTime<Utc>, step: Duration) -> Self {
        Self { next: Mutex::new(start), step }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        // A poisoned lock only means another test thread panicked; the time is still valid.
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let now = *next;
        *next = now + self.step;
        now
    }
}
