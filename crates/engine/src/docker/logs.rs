//! Container logs: waiting for a line (`deploy.wait_log`) and reading what was logged since a
//! time (the validation engineer's `log.scan` uses [`logs_since`]).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptions;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use regex::Regex;

use super::{Connection, DockerError, container};

/// Lines kept for evidence.
const TAIL_LINES: usize = 20;

/// The last lines of a stream, bounded.
#[derive(Debug, Clone, Default)]
pub struct Tail(VecDeque<String>);

impl Tail {
    pub fn push(&mut self, line: &str) {
        if self.0.len() == TAIL_LINES {
            self.0.pop_front();
        }
        self.0.push_back(line.to_owned());
    }

    pub fn into_lines(self) -> Vec<String> {
        self.0.into()
    }
}

/// Which stream a log line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStream {
    Stdout,
    Stderr,
}

/// One line of a container's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub stream: LogStream,
    pub text: String,
}

/// How waiting for a log line ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogWait {
    /// The line appeared after this long.
    Found { line: String, after: Duration },
    /// Not within the timeout; the last lines seen.
    TimedOut { last_lines: Vec<String> },
    /// The container stopped before the line appeared.
    Ended { last_lines: Vec<String> },
}

/// Wait until a line matching `pattern` appears in the log of the container's current run (lines
/// from before its last start do not count), passing each line to `output`.
pub fn wait_for_line(
    conn: &Connection,
    name: &str,
    pattern: &Regex,
    timeout: Duration,
    output: &dyn Fn(&str),
) -> Result<LogWait, DockerError> {
    let since = started_at(conn, name)?;
    let options = LogsOptions {
        follow: true,
        stdout: true,
        stderr: true,
        since: since.map_or(0, |t| i32::try_from(t.timestamp()).unwrap_or(0)),
        tail: "all".to_owned(),
        ..Default::default()
    };
    let started = Instant::now();
    let name_owned = name.to_owned();
    conn.stream("follow logs", timeout + Duration::from_secs(10), |d| async move {
        let mut tail = Tail::default();
        let follow = async {
            let mut stream = d.logs(&name_owned, Some(options));
            while let Some(item) = stream.next().await {
                let item = item?;
                for line in String::from_utf8_lossy(item.as_ref()).lines() {
                    output(line);
                    tail.push(line);
                    if pattern.is_match(line) {
                        return Ok(Some(line.to_owned()));
                    }
                }
            }
            Ok::<_, bollard::errors::Error>(None)
        };
        match tokio::time::timeout(timeout, follow).await {
            Ok(Ok(Some(line))) => Ok(LogWait::Found { line, after: started.elapsed() }),
            Ok(Ok(None)) => Ok(LogWait::Ended { last_lines: tail.into_lines() }),
            Ok(Err(e)) => Err(e),
            Err(_) => Ok(LogWait::TimedOut { last_lines: tail.into_lines() }),
        }
    })
}

/// Every line the container logged since `since` (its whole log when `None`), at most the last
/// `tail` lines when given. Does not follow.
pub fn logs_since(
    conn: &Connection,
    name: &str,
    since: Option<DateTime<Utc>>,
    tail: Option<usize>,
) -> Result<Vec<LogLine>, DockerError> {
    let options = LogsOptions {
        follow: false,
        stdout: true,
        stderr: true,
        since: since.map_or(0, |t| i32::try_from(t.timestamp()).unwrap_or(0)),
        tail: tail.map_or_else(|| "all".to_owned(), |n| n.to_string()),
        ..Default::default()
    };
    let name_owned = name.to_owned();
    conn.stream("read logs", Duration::from_secs(60), |d| async move {
        let mut lines = Vec::new();
        let mut stream = d.logs(&name_owned, Some(options));
        while let Some(item) = stream.next().await {
            let item = item?;
            let stream_kind = match item {
                LogOutput::StdErr { .. } => LogStream::Stderr,
                _ => LogStream::Stdout,
            };
            for line in String::from_utf8_lossy(item.as_ref()).lines() {
                lines.push(LogLine { stream: stream_kind, text: line.to_owned() });
            }
        }
        Ok(lines)
    })
    .map_err(|e| {
        if e.is_not_found() { DockerError::NoSuchContainer { name: name.to_owned() } } else { e }
    })
}

/// When the container last started.
fn started_at(conn: &Connection, name: &str) -> Result<Option<DateTime<Utc>>, DockerError> {
    let c = container::inspect(conn, name)?;
    Ok(c.state
        .and_then(|s| s.started_at)
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc)))
}
