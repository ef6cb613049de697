//! `pilot plan import` on the real runbooks of `../shared/runbooks/` (issue 17, first part):
//! each imports to a plan that loads; every checkbox and every table row of the file — found
//! here by reading its lines, independently of the importer — is a step whose `source` names
//! its line; known commands become native kinds with the runbook's thresholds; the same bytes
//! (or the same text with CRLF and a BOM) give the same plan; a dry run of the plan performs no
//! action; and what is not a runbook is refused with why.

use std::path::{Path, PathBuf};

use pilot_engine::SystemClock;
use pilot_engine::plan::import::{ImportError, import_runbook};
use pilot_engine::plan::{StepAction, parse_plan};
use pilot_engine::run::{
    Answers, DriveOptions, NoProgress, PlanOrigin, StartRequest, StepStatus, drive_run, start_run,
};
use pilot_engine::store::RunStore;

fn runbooks() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/runbooks");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the shared runbooks are at {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    found.sort();
    assert!(found.len() >= 3, "three runbooks to import: {found:?}");
    found
}

/// The lines of `text` that hold an item a person reads as one: a checkbox, or a row of a
/// table's body (not its header, not the separator).
fn item_lines(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let checkbox =
            ["- [ ]", "- [x]", "- [X]", "* [ ]", "* [x]"].iter().any(|m| t.starts_with(m));
        let separator = |l: &str| {
            let l = l.trim();
            l.starts_with('|') && l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
        };
        let row = t.starts_with('|')
            && !separator(t)
            && !lines.get(i + 1).is_some_and(|next| separator(next))
            && i > 0
            && (separator(lines[i - 1]) || lines[i - 1].trim_start().starts_with('|'));
        if (checkbox && t.len() > 6)
            || (row && !t.trim_matches(|c| c == '|' || c == ' ').is_empty())
        {
            out.push(i + 1);
        }
    }
    out
}

#[test]
fn every_checkbox_and_table_row_of_each_runbook_is_a_step_with_its_line() {
    for path in runbooks() {
        let bytes = std::fs::read(&path).expect("readable");
        let file = path.file_name().expect("a name").to_string_lossy().into_owned();
        let imported =
            import_runbook(&bytes, &file).unwrap_or_else(|e| panic!("{file} imports: {e}"));
        let plan = parse_plan(&imported.toml, &file).expect("the imported plan loads");
        let sources: Vec<String> = plan.steps().filter_map(|(_, s)| s.source.clone()).collect();
        let text = String::from_utf8_lossy(&bytes);
        let wanted = item_lines(&text);
        assert!(!wanted.is_empty(), "{file} has items");
        let missing: Vec<String> = wanted
            .iter()
            .filter(|line| !sources.contains(&format!("{file}:{line}")))
            .map(|line| format!("{line}: {}", text.lines().nth(line - 1).unwrap_or_default()))
            .collect();
        assert!(missing.is_empty(), "{file}: items without a step:\n{}", missing.join("\n"));
        assert_eq!(
            plan.steps().count(),
            imported.summary.items,
            "{file}: one step per item, none dropped"
        );
        // Deterministic, and CRLF with a BOM reads the same.
        let again = import_runbook(&bytes, &file).expect("imports again");
        assert_eq!(again.toml, imported.toml, "{file}: the same bytes give the same plan");
        let windows = [b"\xEF\xBB\xBF".as_slice(), text.replace('\n', "\r\n").as_bytes()].concat();
        assert_eq!(
            import_runbook(&windows, &file).expect("CRLF imports").toml,
            imported.toml,
            "{file}: CRLF and a BOM change nothing"
        );
    }
}

#[test]
fn known_commands_become_native_kinds_with_the_runbooks_thresholds() {
    let staging = runbooks()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("staging"))
        .expect("the staging runbook");
    let bytes = std::fs::read(&staging).expect("readable");
    let imported = import_runbook(&bytes, "staging-deployment-plan.md").expect("imports");
    let plan = parse_plan(&imported.toml, "staging").expect("loads");
    let disk = plan
        .steps()
        .find_map(|(_, s)| match &s.action {
            StepAction::SystemDisk(p) => Some((s, p.min_free_gb)),
            _ => None,
        })
        .expect("`df -h` with “≥5GB free” is a disk check");
    assert_eq!(disk.1, 5.0, "the runbook's threshold");
    assert!(disk.0.description.contains("5GB"), "the phrase is quoted: {}", disk.0.description);
    assert!(
        plan.steps().any(
            |(_, s)| matches!(&s.action, StepAction::SystemMemory(p) if p.min_available_gb == 4.0)
        ),
        "`free -h` with “≥4GB available” is a memory check"
    );
    assert!(plan.steps().any(|(_, s)| s.kind() == "git.clean"), "`git status` is git.clean");
    // A threshold written in prose: the person answers the number measured, judged by it.
    let list = plan
        .steps()
        .find(|(_, s)| s.title == "List performance <100ms")
        .expect("the list-performance checkbox");
    match &list.1.action {
        StepAction::Manual(p) => {
            let number = p.number.as_ref().expect("a number is asked for");
            assert_eq!((number.unit.as_deref(), number.at_most), (Some("ms"), Some(100.0)));
        }
        other => panic!("a manual item: {other:?}"),
    }
    assert!(
        imported.summary.guesses.iter().any(|(line, g)| *line == 285 && g.contains("<100ms")),
        "the bound is listed for review: {:?}",
        imported.summary.guesses
    );
    // The service the runbook reaches is a variable, its default the runbook's own value.
    assert_eq!(
        plan.vars.get("base_url").map(String::as_str),
        Some("http://localhost:8080"),
        "{}",
        imported.toml
    );
    assert!(
        plan.steps().any(|(_, s)| matches!(&s.action, StepAction::HttpCheck(p) if p.url == "{{base_url}}/api/v1/health")),
        "`curl …/api/v1/health` checks {{{{base_url}}}}/api/v1/health"
    );
    assert!(plan.steps().any(|(_, s)| s.kind() == "git.version"), "`cat VERSION` is git.version");
    // A command Release Pilot does not know is an action unless known to only look.
    let down = plan
        .steps()
        .find(|(_, s)| s.title.contains("docker-compose down"))
        .expect("the compose shutdown is a step");
    assert!(matches!(&down.1.action, StepAction::Command(p) if !p.read_only), "an action");
    let ps = plan.steps().find(|(_, s)| s.title == "Run `docker ps`").expect("docker ps");
    assert!(matches!(&ps.1.action, StepAction::Command(p) if p.read_only), "only looks");
}

#[test]
fn a_dry_run_of_an_imported_plan_performs_no_action() {
    let repo = tempfile::tempdir().expect("temp dir");
    std::fs::write(repo.path().join("VERSION"), "1.15.2\n").expect("VERSION");
    crate::common::git_raw_in(repo.path(), &["init", "-q", "-b", "main"]);
    crate::common::git_raw_in(repo.path(), &["add", "."]);
    crate::common::git_raw_in(repo.path(), &["commit", "-q", "-m", "Release 1.15.2"]);
    let data = tempfile::tempdir().expect("temp dir");
    let store = RunStore::open(&data.path().join("runs.sqlite3")).expect("store");
    for path in runbooks() {
        let imported =
            import_runbook(&std::fs::read(&path).expect("read"), "runbook.md").expect("imports");
        let plan = parse_plan(&imported.toml, "runbook.md").expect("loads");
        let header = start_run(
            &store,
            &SystemClock,
            StartRequest {
                repo: repo.path(),
                plan: plan.clone(),
                plan_source: imported.toml.clone(),
                origin: PlanOrigin::File("runbook.toml".into()),
                version: None,
                environment: None,
                operator: Some("Ada <ada@example.com>".into()),
                dry_run: true,
                vars: Default::default(),
            },
        )
        .expect("a dry run starts");
        let run = drive_run(
            &store,
            &SystemClock,
            &NoProgress,
            &header.id,
            &Answers::default(),
            DriveOptions::default(),
        )
        .expect("a dry run is driven");
        for (_, step) in plan.steps() {
            if let StepAction::Command(p) = &step.action
                && !p.read_only
            {
                let rec = run.step(&step.id).expect("recorded");
                assert!(
                    matches!(rec.status, StepStatus::Skipped | StepStatus::Pending),
                    "{}: an action is never run by a dry run ({:?}: {})",
                    step.title,
                    rec.status,
                    rec.summary
                );
                assert!(rec.evidence.command.is_none(), "{}: nothing ran", step.title);
            }
        }
    }
}

#[test]
fn what_is_not_a_runbook_is_refused_with_why() {
    assert!(matches!(
        import_runbook(b"\x89PNG\r\n\x1a\n\0\0\0", "logo.png"),
        Err(ImportError::Source(_))
    ));
    assert!(matches!(import_runbook(b"  \n\n", "empty.md"), Err(ImportError::Source(_))));
    let prose = import_runbook(b"# Notes\n\nJust words, no items.\n", "notes.md");
    assert!(
        matches!(&prose, Err(e @ ImportError::NoItems { .. }) if e.to_string().contains("no checkbox")),
        "{prose:?}"
    );
    // Messy but fine: MyST fences, HTML comments, nested lists, a code block in a list item.
    let messy = "# Run\n\n<!-- hidden -->\n```{note}\nRead first\n```\n\n- [ ] Outer\n  - [ ] Inner `df -h` (≥ 2 GB)\n  ```bash\n  git status\n  ```\n";
    let imported = import_runbook(messy.as_bytes(), "messy.md").expect("imports");
    let plan = parse_plan(&imported.toml, "messy.md").expect("loads");
    let kinds: Vec<&str> = plan.steps().map(|(_, s)| s.kind()).collect();
    assert_eq!(kinds, ["system.disk", "git.clean", "manual"], "{}", imported.toml);
}

/// Mutated runbooks (a deterministic generator, so a failure reproduces): bytes dropped,
/// duplicated and inserted, lines swapped, fences and table bars and checkboxes thrown in. The
/// importer never panics, and every plan it returns loads; otherwise it says why.
#[test]
fn mutated_runbooks_never_panic_and_always_load_or_say_why() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let pieces: [&[u8]; 10] = [
        b"```",
        b"```text\n",
        b"- [ ] ",
        b"| a | b |\n",
        b"|---|---|\n",
        b"# ",
        b"\r\n",
        "≥".as_bytes(),
        b"$ df -h # x\n",
        b"\xff\xfe",
    ];
    for path in runbooks() {
        let original = std::fs::read(&path).expect("read");
        for round in 0..200 {
            let mut bytes = original.clone();
            for _ in 0..(1 + next() % 12) {
                let len = bytes.len().max(1);
                let at = (next() as usize) % len;
                match next() % 5 {
                    0 => {
                        let end = (at + (next() as usize) % 200).min(bytes.len());
                        bytes.drain(at.min(bytes.len())..end);
                    }
                    1 => {
                        let piece = pieces[(next() as usize) % pieces.len()];
                        let at = at.min(bytes.len());
                        bytes.splice(at..at, piece.iter().copied());
                    }
                    2 => {
                        let end = (at + (next() as usize) % 300).min(bytes.len());
                        let copy = bytes[at.min(end)..end].to_vec();
                        bytes.splice(end..end, copy);
                    }
                    3 => {
                        let mut lines: Vec<Vec<u8>> =
                            bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
                        let n = lines.len();
                        if n > 1 {
                            lines.swap((next() as usize) % n, (next() as usize) % n);
                        }
                        bytes = lines.join(&b'\n');
                    }
                    _ => bytes.truncate(at),
                }
            }
            let name = format!("mutant-{round}.md");
            let result = std::panic::catch_unwind(|| import_runbook(&bytes, &name));
            match result {
                Err(_) => panic!("{}: round {round} panicked", path.display()),
                Ok(Ok(imported)) => {
                    parse_plan(&imported.toml, &name).unwrap_or_else(|e| {
                        panic!("{}: round {round}: the plan does not load: {e}", path.display())
                    });
                }
                Ok(Err(ImportError::Invalid { detail, .. })) => {
                    panic!("{}: round {round}: an invalid plan was made: {detail}", path.display())
                }
                Ok(Err(e)) => assert!(!e.to_string().is_empty(), "an error says why"),
            }
        }
    }
}
