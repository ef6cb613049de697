//! What an item becomes: a native kind when its command (or the inline code of a checkbox) is
//! one Release Pilot knows, a `command` step with the right program for its shell otherwise, a
//! manual item for the rest. Thresholds written in the item's words ("≥5GB free") become the
//! kind's parameter, the phrase quoted in the step's description.
//!
//! Which commands only look is decided conservatively: a short list of read-only programs;
//! anything else is an action, confirmed before it runs and never executed by a dry run.

use std::sync::LazyLock;

use regex::Regex;

/// A step's kind and its parameters, as TOML key = value lines (values already TOML).
#[derive(Debug, Clone, PartialEq)]
pub struct Classified {
    pub kind: &'static str,
    pub params: Vec<(&'static str, String)>,
    /// A guess the user should review (e.g. a threshold taken as a default), if any.
    pub guess: Option<String>,
    /// The threshold phrase quoted from the runbook, if one set a parameter.
    pub threshold: Option<String>,
}

impl Classified {
    fn new(kind: &'static str) -> Self {
        Self { kind, params: Vec::new(), guess: None, threshold: None }
    }

    fn param(mut self, key: &'static str, value: impl Into<toml::Value>) -> Self {
        self.params.push((key, value.into().to_string()));
        self
    }
}

static GB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:≥|>=|>|at least|need|min(?:imum)?)?\s*(\d+(?:\.\d+)?)\s*(?:GB|GiB|G)\b")
        .expect("a valid pattern")
});
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"https?://[^\s'"`)]+"#).expect("a valid pattern"));

static PROSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(<=|>=|≤|≥|‚â§|‚â•|<|>|under|below|above|at least|at most)\s*(\d+(?:\.\d+)?)\s*(ms|%|s\b|seconds|minutes|min\b|hours?|h\b|mb|kb|gb)?",
    )
    .expect("a valid pattern")
});

/// A threshold written in prose ("< 200ms p95", "error rate < 0.1%", "> 99%"), as the `number`
/// a person answers for a manual item — `{ unit = "ms", at_most = 200.0 }` — and the phrase.
/// A strict bound ("<") is taken as its non-strict one: the phrase is quoted for review.
pub fn prose_threshold(words: &str) -> Option<(String, String)> {
    let m = PROSE.captures(words)?;
    let op = m.get(1)?.as_str().to_lowercase();
    let value: f64 = m.get(2)?.as_str().parse().ok()?;
    let unit = m.get(3).map(|u| u.as_str().to_lowercase()).map(|u| match u.as_str() {
        "s" | "seconds" => "s".to_string(),
        "min" | "minutes" => "min".to_string(),
        "h" | "hour" | "hours" => "h".to_string(),
        "mb" => "MB".to_string(),
        "kb" => "KB".to_string(),
        "gb" => "GB".to_string(),
        other => other.to_string(),
    });
    let bound = match op.as_str() {
        "<" | "<=" | "≤" | "‚â§" | "under" | "below" | "at most" => "at_most",
        _ => "at_least",
    };
    let mut fields = Vec::new();
    if let Some(unit) = unit {
        fields.push(format!("unit = {}", toml::Value::String(unit)));
    }
    fields.push(format!("{bound} = {}", toml::Value::Float(value)));
    Some((format!("{{ {} }}", fields.join(", ")), m.get(0)?.as_str().trim().to_string()))
}

/// A threshold in gigabytes written in `words`, with the phrase.
fn gigabytes(words: &str) -> Option<(f64, String)> {
    let m = GB.captures(words)?;
    let value = m.get(1)?.as_str().parse().ok()?;
    Some((value, m.get(0)?.as_str().trim().to_string()))
}

/// A command line written in `shell`, with the words of the item it belongs to (for
/// thresholds), as a step.
pub fn command(line: &str, shell: &str, words: &str) -> Classified {
    let first: Vec<&str> = line.split_whitespace().collect();
    let program = first.first().copied().unwrap_or("");
    let sub = first.get(1).copied().unwrap_or("");
    match (program, sub) {
        ("df", _) => {
            let mut c = Classified::new("system.disk");
            match gigabytes(words) {
                Some((gb, phrase)) => {
                    c = c.param("min_free_gb", gb);
                    c.threshold = Some(phrase);
                }
                None => {
                    c = c.param("min_free_gb", 1.0);
                    c.guess = Some("no free-space threshold written: 1 GB assumed".into());
                }
            }
            return c;
        }
        ("free", _) => {
            let mut c = Classified::new("system.memory");
            match gigabytes(words) {
                Some((gb, phrase)) => {
                    c = c.param("min_available_gb", gb);
                    c.threshold = Some(phrase);
                }
                None => {
                    c = c.param("min_available_gb", 1.0);
                    c.guess = Some("no memory threshold written: 1 GB assumed".into());
                }
            }
            return c;
        }
        ("git", "status") => return Classified::new("git.clean"),
        ("cat", "VERSION") => return Classified::new("git.version"),
        ("curl", _) => {
            if let Some(url) = URL.find(line).map(|m| m.as_str().to_string())
                && reqwest::Url::parse(&url).is_ok()
                && !line.contains(" -X")
                && !line.contains(" --request")
                && !line.contains(" -d ")
                && !line.contains("--data")
            {
                return Classified::new("http.check").param("url", url).param("expect_status", 200);
            }
        }
        _ => {}
    }
    shell_command(line, shell)
}

/// Programs whose use here only looks (conservative: a program with a subcommand that can
/// change things is listed with the subcommands that cannot).
fn read_only(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let (program, sub) =
        (words.first().copied().unwrap_or(""), words.get(1).copied().unwrap_or(""));
    if line.contains('>') || line.contains("| sh") || line.contains("| bash") {
        return false;
    }
    match program {
        "cd" | "ls" | "cat" | "df" | "free" | "uptime" | "whoami" | "pwd" | "head" | "tail"
        | "wc" | "grep" | "echo" | "date" | "du" | "ps" | "uname" | "hostname" | "nproc"
        | "top" => true,
        "git" => matches!(sub, "status" | "log" | "show" | "diff" | "rev-parse" | "describe"),
        "docker" => {
            matches!(sub, "ps" | "images" | "logs" | "inspect" | "version" | "info" | "stats")
        }
        "docker-compose" => matches!(sub, "ps" | "logs" | "config" | "version" | "--version"),
        "curl" => !line.contains(" -X") && !line.contains("--data") && !line.contains(" -d "),
        _ => false,
    }
}

/// A `command` step running `line` in the shell it was written for.
fn shell_command(line: &str, shell: &str) -> Classified {
    let (program, args): (&str, Vec<String>) = match shell {
        "powershell" | "ps1" | "pwsh" | "ps" => {
            ("pwsh", vec!["-NoProfile".into(), "-Command".into(), line.to_string()])
        }
        "cmd" | "bat" | "batch" => ("cmd", vec!["/C".into(), line.to_string()]),
        _ => ("sh", vec!["-c".into(), line.to_string()]),
    };
    let args = toml::Value::Array(args.into_iter().map(toml::Value::String).collect());
    let mut c = Classified::new("command").param("program", program);
    c.params.push(("args", args.to_string()));
    if read_only(line) {
        c = c.param("read_only", true);
    }
    c
}

/// A checkbox: the automatic step its inline code names, when Release Pilot knows it; else
/// `None` (a manual item).
pub fn task(words: &str, code: &[String]) -> Option<Classified> {
    code.iter().map(|c| command(c, "bash", words)).find(|c| c.kind != "command")
}
