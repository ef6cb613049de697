//! Processes as Linux's `/proc` describes them: finding the app, its descendants (the WebKit
//! web and network processes, and the sandbox launchers between), when a process started, and
//! how much memory it holds. Used by the desktop benchmarks; on other systems every answer is
//! empty.

use std::path::{Path, PathBuf};

/// Memory of one process or a sum, in KiB, from `/proc/PID/smaps_rollup`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    /// Proportional set size: private pages plus a fair share of the shared ones, so the sum
    /// over processes counts each shared page once.
    pub pss_kib: u64,
    /// Pages no other process maps (Private_Clean + Private_Dirty).
    pub private_kib: u64,
}

impl std::ops::Add for Memory {
    type Output = Memory;
    fn add(self, other: Memory) -> Memory {
        Memory {
            pss_kib: self.pss_kib + other.pss_kib,
            private_kib: self.private_kib + other.private_kib,
        }
    }
}

/// One process of a tree, with its memory.
#[derive(Debug, Clone)]
pub struct ProcessMemory {
    pub pid: u32,
    pub name: String,
    pub memory: Memory,
}

/// Every process id in `/proc`.
fn pids() -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries.filter_map(Result::ok).filter_map(|e| e.file_name().to_str()?.parse().ok()).collect()
}

/// The fields of `/proc/PID/stat` after the command name (which may contain spaces and
/// parentheses, hence the split at the last `)`): index 0 is the state, 1 the parent pid,
/// 19 the start time in clock ticks after boot.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    Some(after.split_whitespace().map(str::to_string).collect())
}

fn parent(pid: u32) -> Option<u32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

/// The short command name (`/proc/PID/comm`).
pub fn name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// The processes running `exe` (compared after resolving links).
pub fn find_by_exe(exe: &Path) -> Vec<u32> {
    let wanted: PathBuf = std::fs::canonicalize(exe).unwrap_or_else(|_| exe.to_path_buf());
    pids()
        .into_iter()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|p| p == wanted))
        .collect()
}

/// `pid` and every process below it.
pub fn tree(pid: u32) -> Vec<u32> {
    let all: Vec<(u32, Option<u32>)> = pids().into_iter().map(|p| (p, parent(p))).collect();
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let current = found[i];
        found.extend(all.iter().filter(|(_, pp)| *pp == Some(current)).map(|(p, _)| *p));
        i += 1;
    }
    found
}

/// The memory of one process, or `None` when it is gone or not readable.
pub fn memory(pid: u32) -> Option<Memory> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let field = |name: &str| -> u64 {
        rollup
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    Some(Memory {
        pss_kib: field("Pss"),
        private_kib: field("Private_Clean") + field("Private_Dirty"),
    })
}

/// The memory of `pid` and every process below it, one entry per process.
pub fn tree_memory(pid: u32) -> Vec<ProcessMemory> {
    tree(pid)
        .into_iter()
        .filter_map(|p| Some(ProcessMemory { pid: p, name: name(p), memory: memory(p)? }))
        .collect()
}

/// When the process started, in milliseconds since the Unix epoch, to 10 ms: the kernel gives
/// the start in clock ticks after boot (USER_HZ, 1/100 s on every Linux architecture), and the
/// boot's wall-clock time is now minus `/proc/uptime` (also to 1/100 s — `btime` in
/// `/proc/stat` is only whole seconds, too coarse to time a start-up).
pub fn started_at_epoch_ms(pid: u32) -> Option<f64> {
    let ticks: f64 = stat_fields(pid)?.get(19)?.parse().ok()?;
    let uptime: f64 =
        std::fs::read_to_string("/proc/uptime").ok()?.split_whitespace().next()?.parse().ok()?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?;
    let boot_ms = now.as_secs_f64() * 1000.0 - uptime * 1000.0;
    Some(boot_ms + ticks * 10.0)
}
