//! A step's program is run exactly once, even across a crash of the driver.
//!
//! The program starts in a process group of its own (on Unix; Windows keeps the program's own
//! process id), and the step's evidence records which one, before anything waits on it
//! ([`recorded`], stored by a checkpoint). If the driver dies (`kill -9`, a power cut on the
//! workstation only, a closed terminal) the program may go on; the next drive finds the step
//! "running" and asks [`still_alive`] before running it again: while the program, or anything it
//! started in its group, is still there, the run is not driven (a second deploy or migration at
//! the same time is the one thing worse than an interrupted one).

use std::process::Command;

use sysinfo::{Pid, ProcessRefreshKind, ProcessesToUpdate, System};

/// The evidence fact that names a step's running program.
pub const PROCESS_FACT: &str = "process";

/// Start `command` in a process group of its own, so that everything it starts can be found
/// (and stopped) as one.
pub(super) fn in_own_group(command: &mut Command) -> &mut Command {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    command
}

/// The fact recorded for a started program: "pid 1234, group 1234, started 1733580000" (the
/// start time tells a reused process id from the program itself).
pub(super) fn recorded(pid: u32) -> String {
    let started = start_time(pid).unwrap_or(0);
    let group = if cfg!(unix) { format!(", group {pid}") } else { String::new() };
    format!("pid {pid}{group}, started {started}")
}

/// The program a step recorded, when it (or, on Unix, anything left in its process group) is
/// still running: a description for the person, e.g. "pid 1234 (sleep) is still running".
pub fn still_alive(fact: &str) -> Option<String> {
    let (pid, group, started) = parse(fact)?;
    if let Some(now) = start_time(pid)
        && (started == 0 || now == started)
    {
        return Some(format!("pid {pid}{} is still running", name_of(pid)));
    }
    let group = group?;
    let left = group_members(group);
    let first = left.first()?;
    Some(format!(
        "{} process{} of its group {group} (pid {first}{}) still running",
        left.len(),
        if left.len() == 1 { " is" } else { "es are" },
        name_of(*first)
    ))
}

fn parse(fact: &str) -> Option<(u32, Option<u32>, u64)> {
    let mut pid = None;
    let mut group = None;
    let mut started = 0;
    for part in fact.split(", ") {
        let (word, value) = part.split_once(' ')?;
        match word {
            "pid" => pid = value.parse().ok(),
            "group" => group = value.parse().ok(),
            "started" => started = value.parse().ok()?,
            _ => {}
        }
    }
    Some((pid?, group, started))
}

fn system_with(pid: Option<u32>) -> Option<System> {
    let mut system = System::new().ok()?;
    let which = match pid {
        Some(p) => ProcessesToUpdate::Some(&[Pid::from_u32(p)]),
        None => ProcessesToUpdate::All,
    };
    system.refresh_processes_specifics(which, true, ProcessRefreshKind::nothing());
    Some(system)
}

fn start_time(pid: u32) -> Option<u64> {
    let system = system_with(Some(pid))?;
    let process = system.process(Pid::from_u32(pid))?;
    // A zombie has ended; only its parent has not collected it yet.
    (process.status() != sysinfo::ProcessStatus::Zombie).then(|| process.start_time())
}

fn name_of(pid: u32) -> String {
    system_with(Some(pid))
        .as_ref()
        .and_then(|system| system.process(Pid::from_u32(pid)))
        .map(|p| format!(" ({})", p.name().to_string_lossy()))
        .unwrap_or_default()
}

/// The live processes of a process group, by `ps` (POSIX; the same on Linux and macOS).
fn group_members(group: u32) -> Vec<u32> {
    if !cfg!(unix) {
        return Vec::new();
    }
    let Ok(out) = Command::new("ps").args(["-A", "-o", "pid=,pgid=,stat="]).output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let pid: u32 = words.next()?.parse().ok()?;
            let pgid: u32 = words.next()?.parse().ok()?;
            let stat = words.next().unwrap_or("");
            (pgid == group && !stat.starts_with('Z')).then_some(pid)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_fact_reads_back() {
        assert_eq!(parse("pid 12, group 12, started 99"), Some((12, Some(12), 99)));
        assert_eq!(parse("pid 12, started 99"), Some((12, None, 99)));
        assert_eq!(parse("nonsense"), None);
    }

    #[test]
    fn this_process_is_alive_and_a_finished_one_is_not() {
        let me = std::process::id();
        assert!(still_alive(&recorded(me)).is_some(), "the test process runs");
        let mut child = Command::new(if cfg!(windows) { "cmd" } else { "true" })
            .args(if cfg!(windows) { &["/C", "exit"][..] } else { &[][..] })
            .spawn()
            .expect("a program that ends");
        let fact = format!("pid {}, started 1", child.id());
        child.wait().expect("ended");
        assert_eq!(still_alive(&fact), None, "an ended program is not running");
    }
}
