//! Validation: the measurements behind "is it really working?" after a deploy.
//!
//! - [`probe`]: one HTTP request with a bounded body, on a shared keep-alive client (rustls).
//! - [`latency`]: a load of N requests at concurrency C, and the statistics of its latencies
//!   (percentiles, error rate, histogram); [`connection`] carries it over plain http, one
//!   HTTP/1.1 connection per worker.
//! - [`junit`] and [`playwright`]: test reports read into one [`tests::TestTally`], streaming so
//!   a 50 MB report stays in bounded memory.
//! - [`logs`]: forbidden and required patterns in a log file.
//!
//! Everything here is synchronous at its edges: the engine's API is blocking, so the HTTP code
//! runs a tokio runtime of its own for the duration of one step.

pub mod connection;
pub mod junit;
pub mod latency;
mod load;
pub mod logs;
pub mod playwright;
pub mod probe;
pub mod tests;

/// Why a validation could not even be measured (as opposed to a measurement that missed).
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a valid {format} report: {reason}")]
    Malformed { path: String, format: &'static str, reason: String },
    #[error("could not prepare the HTTP client: {0}")]
    Client(String),
    #[error("invalid pattern {pattern:?}: {reason}")]
    Pattern { pattern: String, reason: String },
}

/// Cut `s` to at most `max` characters (on a character boundary), marking the cut.
pub fn bounded(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}
