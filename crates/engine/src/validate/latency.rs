//! A load (N requests, or as many as fit in a duration, at concurrency C) and the statistics of
//! its latencies. Each worker owns one keep-alive connection and records every latency
//! locally; they are merged once at the end, so recording costs nothing the service would
//! notice. Plain http goes through [`super::connection`]; https through the rustls client.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use super::ValidateError;
use super::connection::{self, Target};
pub use super::load::{Load, Sample};
use super::probe::{self, ClientOptions, Request};

/// Run the load against `url` with runtimes of its own (the engine API is blocking). Plain
/// `http://` goes through [`connection`] (one HTTP/1.1 connection per worker, like `oha`);
/// `https://` through the TLS client of [`probe`], pooled one connection per worker.
pub fn run(url: &str, load: &Load) -> Result<Sample, ValidateError> {
    match Target::parse(url)? {
        Some(target) => connection::run(&target, load),
        None => run_tls(url, load),
    }
}

/// The load through the shared rustls client.
fn run_tls(url: &str, load: &Load) -> Result<Sample, ValidateError> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let rt = probe::runtime(workers)?;
    let client = probe::client(&ClientOptions {
        timeout: load.timeout,
        ca_file: None,
        pool: load.concurrency,
    })?;
    let issued = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let sample = rt.block_on(async {
        let mut tasks = Vec::with_capacity(load.concurrency);
        for _ in 0..load.concurrency.max(1) {
            let client = client.clone();
            let issued = Arc::clone(&issued);
            let url = url.to_owned();
            let load = load.clone();
            tasks.push(tokio::spawn(async move {
                let headers = std::collections::BTreeMap::new();
                let req = Request { method: "GET", url: &url, headers: &headers, body: None };
                let mut s = Sample::default();
                while load.another(&issued, started) {
                    s.total += 1;
                    // The body is read (and dropped) so the connection can be reused.
                    match probe::send(&client, &req, 64 * 1024).await {
                        Ok(a) => s.answered(a.latency, a.status),
                        Err(f) => s.fail(f.reason),
                    }
                }
                s
            }));
        }
        let mut all = Sample::default();
        for t in tasks {
            if let Ok(s) = t.await {
                all.merge(s);
            }
        }
        all
    });
    Ok(Sample { wall: started.elapsed(), ..sample })
}

/// Percentiles and the rest, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub count: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
    pub error_rate_pct: f64,
    /// Cumulative counts, Prometheus-style: (upper bound in ms, answers at or under it).
    pub histogram: Vec<(u64, u64)>,
}

/// Bucket upper bounds in ms; answers slower than the last are counted in `count` only.
pub const BUCKETS_MS: &[u64] = &[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

/// Statistics of a sample (`None` when nothing answered).
pub fn stats(sample: &Sample) -> Option<Stats> {
    let mut ms: Vec<f64> = sample.latencies.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    if ms.is_empty() {
        return None;
    }
    ms.sort_by(f64::total_cmp);
    let max_ms = ms.last().copied().unwrap_or_default();
    let histogram =
        BUCKETS_MS.iter().map(|&b| (b, ms.partition_point(|&v| v <= b as f64) as u64)).collect();
    Some(Stats {
        count: ms.len(),
        p50_ms: percentile(&ms, 50.0),
        p95_ms: percentile(&ms, 95.0),
        p99_ms: percentile(&ms, 99.0),
        max_ms,
        mean_ms: ms.iter().sum::<f64>() / ms.len() as f64,
        error_rate_pct: if sample.total == 0 {
            0.0
        } else {
            sample.errors as f64 * 100.0 / sample.total as f64
        },
        histogram,
    })
}

/// Nearest-rank percentile of sorted values: the smallest value with at least p% at or under it.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
