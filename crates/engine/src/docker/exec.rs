//! `deploy.exec`: run a command inside a running container (migrations), passing its output on
//! line by line and returning its exit code.

use std::time::{Duration, Instant};

use bollard::container::LogOutput;
use bollard::exec::{StartExecOptions, StartExecResults};
use bollard::models::ExecConfig;
use futures_util::StreamExt;

use super::logs::Tail;
use super::{Connection, DockerError};

/// How a command inside a container ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecResult {
    /// `None` when it was still running at the deadline.
    pub exit_code: Option<i64>,
    pub timed_out: bool,
    pub duration: Duration,
    /// Last lines of standard output.
    pub stdout: Vec<String>,
    /// Last lines of standard error.
    pub stderr: Vec<String>,
}

/// Run `command` in `container` (with `env`, `KEY=value` entries, added to the container's),
/// giving each output line to `output`, for at most `timeout`.
pub fn run(
    conn: &Connection,
    container: &str,
    command: &[String],
    env: &[String],
    timeout: Duration,
    output: &dyn Fn(&str),
) -> Result<ExecResult, DockerError> {
    if command.is_empty() {
        return Err(DockerError::Invalid(
            "deploy.exec needs a command: set `command` in the plan".into(),
        ));
    }
    let config = ExecConfig {
        cmd: Some(command.to_vec()),
        env: (!env.is_empty()).then(|| env.to_vec()),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        ..Default::default()
    };
    let created = conn.call("create exec", conn.api().create_exec(container, config))?;
    let started = Instant::now();
    let exec_id = created.id.clone();
    let (stdout, stderr, timed_out) =
        conn.stream("run exec", timeout + Duration::from_secs(10), |d| async move {
            let mut out = Tail::default();
            let mut err = Tail::default();
            let results = d
                .start_exec(
                    &exec_id,
                    Some(StartExecOptions { detach: false, tty: false, output_capacity: None }),
                )
                .await?;
            let StartExecResults::Attached { output: mut stream, .. } = results else {
                return Ok((out, err, false));
            };
            let follow = async {
                while let Some(item) = stream.next().await {
                    let (tail, message) = match item? {
                        LogOutput::StdErr { message } => (&mut err, message),
                        LogOutput::StdOut { message } | LogOutput::Console { message } => {
                            (&mut out, message)
                        }
                        LogOutput::StdIn { .. } => continue,
                    };
                    for line in String::from_utf8_lossy(&message).lines() {
                        output(line);
                        tail.push(line);
                    }
                }
                Ok::<(), bollard::errors::Error>(())
            };
            let timed_out = match tokio::time::timeout(timeout, follow).await {
                Ok(result) => {
                    result?;
                    false
                }
                Err(_) => true,
            };
            Ok((out, err, timed_out))
        })?;
    let duration = started.elapsed();
    let exit_code = if timed_out {
        None
    } else {
        conn.call("inspect exec", conn.api().inspect_exec(&created.id))?.exit_code
    };
    Ok(ExecResult {
        exit_code,
        timed_out,
        duration,
        stdout: stdout.into_lines(),
        stderr: stderr.into_lines(),
    })
}
