//! How much load to send ([`Load`]) and what it saw ([`Sample`]): shared by the plain-http
//! connection workers (`connection.rs`) and the latency statistics (`latency.rs`), neither of
//! which owns the other.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How much load.
#[derive(Debug, Clone)]
pub struct Load {
    pub requests: u64,
    pub concurrency: usize,
    /// When set, keep going until it has passed (and ignore `requests`).
    pub duration: Option<Duration>,
    pub timeout: Duration,
}

impl Load {
    /// Whether a worker sends another request: until the duration has passed, or (without
    /// one) until `requests` have been issued across all workers, counted in `issued`.
    pub(crate) fn another(&self, issued: &AtomicU64, started: Instant) -> bool {
        match self.duration {
            Some(d) => started.elapsed() < d,
            None => issued.fetch_add(1, Ordering::Relaxed) < self.requests,
        }
    }
}

/// What a load saw.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    /// Latency of every answered request (any status).
    pub latencies: Vec<Duration>,
    /// Requests with no answer (timeout, refused, reset) or an answer of 400 or above.
    pub errors: u64,
    pub total: u64,
    pub wall: Duration,
    /// The first error seen, for the evidence.
    pub first_error: Option<String>,
}

impl Sample {
    /// Add another worker's sample to this one (the first error seen is kept).
    pub fn merge(&mut self, other: Sample) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        self.total += other.total;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    /// Count an answered request (an answer of 400 or above is an error too).
    pub fn answered(&mut self, latency: Duration, status: u16) {
        self.latencies.push(latency);
        if status >= 400 {
            self.errors += 1;
            self.first_error.get_or_insert_with(|| format!("status {status}"));
        }
    }

    /// Count a request that got no answer.
    pub fn fail(&mut self, reason: String) {
        self.errors += 1;
        self.first_error.get_or_insert(reason);
    }
}
