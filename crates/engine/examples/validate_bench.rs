//! The measuring side of `scripts/bench-validate.sh`, through the same engine code the
//! executors use.
//!
//! Usage:
//! - `validate_bench latency <url> <requests> <concurrency>`: prints
//!   `latency: p50_ms=… p95_ms=… p99_ms=… wall_ms=… errors=…`
//! - `validate_bench junit <file>`: prints `junit: total=… failed=… ms=…`

use std::path::Path;
use std::time::{Duration, Instant};

use pilot_engine::validate::{junit, latency};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["latency", url, n, c] => {
            let load = latency::Load {
                requests: n.parse()?,
                concurrency: c.parse()?,
                duration: None,
                timeout: Duration::from_secs(10),
            };
            let sample = latency::run(url, &load)?;
            let st = latency::stats(&sample).ok_or("no request was answered")?;
            println!(
                "latency: p50_ms={:.3} p95_ms={:.3} p99_ms={:.3} wall_ms={:.1} errors={}",
                st.p50_ms,
                st.p95_ms,
                st.p99_ms,
                sample.wall.as_secs_f64() * 1000.0,
                sample.errors
            );
        }
        ["junit", file] => {
            let start = Instant::now();
            let t = junit::read(Path::new(file), None)?;
            println!(
                "junit: total={} failed={} ms={:.1}",
                t.total,
                t.failed,
                start.elapsed().as_secs_f64() * 1000.0
            );
        }
        _ => return Err("usage: validate_bench latency <url> <n> <c> | junit <file>".into()),
    }
    Ok(())
}
