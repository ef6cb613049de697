//! Secrets never show: random secret values of awkward shapes (quotes, backslashes, unicode,
//! control characters, the shortest allowed and very long), used in a step's title and hint,
//! printed by a command to its standard output and error, and kept in an env file a command
//! `cat`s, are found nowhere afterwards: not in the store file (nor its WAL), not in the report,
//! not on `pilot`'s standard output (`--json`) or error (the live output), and not when the
//! run is resumed in another process with the secret given again.

use std::path::Path;

use crate::common::{Sandbox, text};

/// A small deterministic generator: the seed is printed with every failure, so a failing case
/// can be replayed by setting `PILOT_SECRET_SEED`.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Characters a secret is made of: ordinary ones, the ones that are escaped somewhere on the
/// way out (JSON, TOML, Debug, Markdown, URLs), non-ASCII, and control characters.
const POOL: &[char] = &[
    'a', 'b', 'Z', '7', '0', '"', '\\', '\'', '$', '%', '&', '|', '<', '>', '*', '_', '`', '#',
    ' ', '{', '}', '=', 'é', '漢', '🔑', '\t', '\u{1}', '\u{1b}', '\u{7f}',
];

fn secret(rng: &mut Rng, len: usize) -> String {
    // Starts and ends with an ordinary character: a value with leading or trailing blanks is
    // trimmed by the env file format, which is a different value.
    let mut s = String::from("k");
    while s.chars().count() < len - 1 {
        let c = POOL[rng.below(POOL.len())];
        // `{{` opens a variable and there is no escape for it: such a value cannot be written
        // in a plan.
        if !(c == '{' && s.ends_with('{')) {
            s.push(c);
        }
    }
    s.push('q');
    s
}

/// Every form a leaked secret would be found in: raw, JSON-escaped, Debug-escaped; and for a
/// long secret every 24-character piece of it (a truncated excerpt is a leak too).
fn leak_forms(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).expect("json");
    let debug = format!("{secret:?}");
    let mut forms = vec![
        secret.to_string(),
        json[1..json.len() - 1].to_string(),
        debug[1..debug.len() - 1].to_string(),
    ];
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() > 48 {
        for start in (0..chars.len() - 24).step_by(12) {
            forms.push(chars[start..start + 24].iter().collect());
        }
    }
    forms
}

fn toml_string(value: &str) -> String {
    // TOML basic strings escape like JSON (\" \\ \uXXXX), which serde_json produces.
    // DEL is not allowed raw in TOML and serde_json leaves it as it is.
    serde_json::to_string(value).expect("json").replace('\u{7f}', "\\u007f")
}

fn dotenv_quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn plan(token: &str) -> String {
    format!(
        r#"[plan]
name = "secrets"
title = "Secret shapes"
environment = "staging"
secrets = ["token"]

[vars]
token = {token}

[[phase]]
id = "checks"
title = "Checks"
stage = "checks"

[[phase.step]]
id = "api-key"
title = "API key present"
kind = "file.env_key"
path = ".env"
key = "API_KEY"

[[phase.step]]
id = "print"
title = "Log in as {{{{token}}}}"
description = "If it fails, try {{{{token}}}} by hand"
kind = "command"
program = "sh"
args = ["-c", "printf '%s\n' \"$1\"; printf 'err %s\n' \"$1\" >&2; cat .env; exit 3", "sh", "{{{{token}}}}"]
read_only = true
blocking = false

[[phase.step]]
id = "wait"
title = "Looked at by a person"
kind = "manual"
hint = "Log in with {{{{token}}}}"
"#,
        token = toml_string(token)
    )
}

fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("data dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(read_all(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path.display().to_string(), bytes));
        }
    }
    found
}

fn assert_nowhere(seed: u64, what: &str, secrets: &[&String], places: &[(String, Vec<u8>)]) {
    for secret in secrets {
        for form in leak_forms(secret) {
            for (place, bytes) in places {
                let haystack = String::from_utf8_lossy(bytes);
                if let Some(at) = haystack.find(&form) {
                    let from = haystack.floor_char_boundary(at.saturating_sub(120));
                    let to =
                        haystack.ceil_char_boundary((at + form.len() + 60).min(haystack.len()));
                    panic!(
                        "seed {seed}: {what}: the secret {secret:?} shows in {place} as {form:?}, \
                         here: {:?}",
                        &haystack[from..to]
                    );
                }
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn random_secrets_of_every_shape_show_nowhere() {
    let seed =
        std::env::var("PILOT_SECRET_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64 | 1)
                .unwrap_or(0x9E37_79B9_7F4A_7C15)
        });
    let mut rng = Rng(seed);
    let lengths = [4, 5, 9, 17, 33, 64, 700];
    for (case, len) in lengths.iter().enumerate() {
        let sandbox = Sandbox::new();
        let repo = sandbox.demo("project");
        let token = secret(&mut rng, *len);
        let api_key = secret(&mut rng, (*len).max(8));
        std::fs::write(
            repo.join(".env"),
            format!("OTHER=1\nAPI_KEY={}\n", dotenv_quoted(&api_key)),
        )
        .expect("env file");
        let plan_file = sandbox.root.path().join("plan.toml");
        std::fs::write(&plan_file, plan(&token)).expect("plan");
        let repo_arg = repo.to_str().expect("utf-8");
        let plan_arg = plan_file.to_str().expect("utf-8");
        let run = sandbox.pilot(&["run", "--repo", repo_arg, "--plan", plan_arg, "--json"]);
        let value: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap_or_else(|e| {
            panic!("seed {seed} case {case}: --json ({e}): {}", text(&run.stderr))
        });
        assert_eq!(value["status"], "waiting", "seed {seed} case {case}: {}", text(&run.stderr));
        let id = value["run_id"].as_str().expect("run id").to_string();
        let step = |id: &str| {
            value["steps"].as_array().expect("steps").iter().find(|s| s["id"] == id).cloned()
        };
        assert_eq!(
            step("print").expect("print")["status"],
            "warned",
            "seed {seed} case {case}: the command ran with the real value (and failed, exit 3)"
        );
        assert_eq!(
            step("api-key").expect("api-key")["status"],
            "passed",
            "seed {seed} case {case}"
        );

        // Resumed in another process with the plan file unchanged: the secret comes from it.
        let resume = sandbox.pilot(&["resume", &id, "--json"]);
        let report = sandbox.root.path().join("report.md");
        let exported = sandbox.pilot(&["report", &id, "--output", report.to_str().expect("utf-8")]);
        assert!(
            exported.status.success(),
            "seed {seed} case {case}: report: {}",
            text(&exported.stderr)
        );

        let mut places = read_all(sandbox.data.path());
        places.push(("the report".into(), std::fs::read(&report).expect("report")));
        for (what, out) in [("run", &run), ("resume", &resume), ("report", &exported)] {
            places.push((format!("stdout of pilot {what}"), out.stdout.clone()));
            places.push((format!("stderr of pilot {what}"), out.stderr.clone()));
        }
        assert_nowhere(seed, &format!("case {case} (length {len})"), &[&token, &api_key], &places);
    }
}

/// A secret too short to be masked without mangling ordinary text is refused before the run
/// exists, saying so.
#[test]
fn a_secret_too_short_to_mask_is_refused() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    let plan_file = sandbox.root.path().join("plan.toml");
    std::fs::write(&plan_file, plan("abc")).expect("plan");
    let out = sandbox.pilot(&[
        "run",
        "--repo",
        repo.to_str().expect("utf-8"),
        "--plan",
        plan_file.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2), "refused: {}", text(&out.stderr));
    let said = text(&out.stderr);
    assert!(said.contains("token") && said.contains("shorter than 4"), "{said}");
    let runs = sandbox.pilot(&["runs", "--json"]);
    assert!(!text(&runs.stdout).contains("secrets"), "no run was created: {}", text(&runs.stdout));
}

/// A secret given for the run (`--var`) is not in the plan file: another process resuming the
/// run must be given it again, and is told so; given again, the run goes on.
#[cfg(unix)]
#[test]
fn a_secret_given_for_a_run_must_be_given_again_to_resume_it() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo("project");
    std::fs::write(repo.join(".env"), "API_KEY=abcdefgh12\n").expect("env file");
    let plan_file = sandbox.root.path().join("plan.toml");
    std::fs::write(&plan_file, plan("in-the-plan-file")).expect("plan");
    let (repo_arg, plan_arg) = (repo.to_str().expect("utf-8"), plan_file.to_str().expect("utf-8"));
    let run = sandbox.pilot(&[
        "run",
        "--repo",
        repo_arg,
        "--plan",
        plan_arg,
        "--var",
        "token=given-for-this-run",
        "--json",
    ]);
    let id = crate::common::json(&run)["run_id"].as_str().expect("id").to_string();
    let refused = sandbox.pilot(&["resume", &id]);
    let said = text(&refused.stderr);
    assert!(
        said.contains("token") && said.contains(&format!("pilot resume {id} --var token=")),
        "asks for the secret again: {said}"
    );
    let wrong = sandbox.pilot(&["resume", &id, "--var", "OTHER=1"]);
    assert!(text(&wrong.stderr).contains("only secret variables"), "{}", text(&wrong.stderr));
    let resumed = sandbox.pilot(&["resume", &id, "--var", "token=given-for-this-run", "--json"]);
    assert_eq!(
        crate::common::json(&resumed)["status"],
        "waiting",
        "given again, the run goes on: {}",
        text(&resumed.stderr)
    );
    let store = std::fs::read(sandbox.store_file()).expect("store");
    assert!(!String::from_utf8_lossy(&store).contains("given-for-this-run"));
    assert!(!String::from_utf8_lossy(&store).contains("in-the-plan-file"));
}
