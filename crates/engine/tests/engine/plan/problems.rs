//! Problem reporting: one of each mistake, each at its exact line and column; syntax errors;
//! Windows line endings.

use super::{VALID, expected_valid_plan, parse_ok, problems};

const BROKEN: &str = r#"[plan]
name = "broken"
titel = "typo"
secrets = ["admin_password", "api_token"]
[[plan.role]]
id = "qa_lead"
title = "QA lead"

[vars]
version = "1.0"
admin_password = "s3cret"
image = "sms:{{version}}-{{image}}"

[extra]
x = 1

[[phase]]
id = "checks"
title = "Checks"
stage = "check"
colour = "red"

[[phase.step]]
id = "clean"
title = "Clean tree"
kind = "git.cleen"

[[phase.step]]
id = "disk"
title = "Disk for {{enviroment}}"
kind = "system.disk"
min_free_gb = "five"
min_free = 5

[[phase.step]]
id = "disk"
title = "Tag {{version"
kind = "git.tag"
name2 = "v1"

[[phase.step]]
id = "gate-empty"
title = "Empty gate"
kind = "gate"
requires = []

[[phase.step]]
id = "gate-missing"
kind = "gate"

[[phase]]
id = "checks"

[[phase.step]]
id = "gate-bad"
title = "Bad gate"
kind = "gate"
requires = ["clean", "nope", "later"]

[[phase.step]]
id = "later"
title = "Later"

[[phase.step]]
id = "odd"
title = "Odd"
kind = "mystery"
whatever = 1

[[phase.step]]
id = "sign"
title = "Sign"
kind = "signoff"
roles = ["qa_lead", "cto"]

[[phase.step]]
id = "http"
title = "HTTP"
kind = "http.check"
url = "http://127.0.0.1:1/"
expect_status = 70000
body_contains = [1]
retry = 3
"#;

#[test]
fn broken_plan_lists_every_problem_at_its_line_and_column() {
    let expected = [
        "1:1: [plan] is missing `title`",
        "3:1: unknown key `titel` in [plan]; expected one of: description, environment, name, role, secrets, signoff, success_criteria, title, waivers; did you mean title?",
        "4:30: secret `api_token` is not a [vars] key",
        "10:1: [vars] key `version` is a built-in variable; choose another name",
        "12:1: [vars] `image` uses itself (image → image): a variable can never be resolved from itself; give one of them a value of its own",
        "14:2: unknown key `extra` in the plan file; expected one of: phase, plan, vars",
        "20:9: `stage` in phase `checks` must be one of checks, backup, deploy, validation, signoff, rollback, found the string \"check\"; did you mean checks?",
        "21:1: unknown key `colour` in phase `checks`; expected one of: description, id, stage, step, title",
        "26:8: unknown step kind `git.cleen`; did you mean git.clean?",
        "30:19: unknown variable `{{enviroment}}`; did you mean environment?",
        "32:15: `min_free_gb` in step `disk` must be a number, found the string \"five\"",
        "33:1: unknown parameter `min_free` for kind system.disk; its parameters are: min_free_gb, path; did you mean min_free_gb?",
        "35:1: step `disk` (git.tag) is missing the parameter `name` (string)",
        "36:6: duplicate step id `disk`; first used on line 29",
        "37:14: `{{` without a closing `}}`",
        "39:1: unknown parameter `name2` for kind git.tag; its parameters are: at_head, name; did you mean name?",
        "45:12: a gate that names no steps: list the steps it waits for in `requires`",
        "47:1: a gate that names no steps: list the steps it waits for in `requires`",
        "47:1: step `gate-missing` is missing `title`",
        "51:1: phase `checks` is missing `title`",
        "52:6: duplicate phase id `checks`; first used on line 18",
        "58:22: gate requires unknown step `nope`",
        "58:30: gate requires `later`, which comes after it (line 61); a gate can only wait for earlier steps",
        "60:1: step `later` is missing `kind`",
        "67:8: unknown step kind `mystery`; the kinds are: manual, gate, git.clean, git.branch, git.head, git.version, git.changelog, git.release_notes, git.upstream, git.tag, git.previous_release, system.disk, system.memory, file.exists, file.age, file.env_key, command, docker.engine, docker.image, docker.volume, docker.container, backup.sqlite, backup.command, backup.recent, deploy.recreate, deploy.exec, deploy.wait_log, deploy.command, rollback, http.check, http.latency, http.rate_limit, log.scan, test.report, soak, signoff",
        "74:21: unknown role `cto` in signoff; the plan's roles are: qa_lead",
        "81:17: `expect_status` in step `http` must be between 0 and 65535",
        "82:18: `body_contains` in step `http` must be a string, found an integer",
        "83:1: unknown parameter `retry` for kind http.check; its parameters are: body, body_contains, body_not_contains, ca_file, expect_status, headers, json_equals, json_pointer, method, retries, timeout_ms, url; did you mean retries?",
    ];
    assert_eq!(
        problems(BROKEN),
        expected,
        "each mistake is reported once, in reading order, at its key or value"
    );
}

#[test]
fn syntax_errors_are_reported_with_the_parser_position() {
    let source =
        "[plan]\nname = \"x\"\ntitle = \"y\"\nbad = \n\n[[phase]]\nid = \"p\"\nid = \"q\"\n";
    assert_eq!(
        problems(source),
        [
            "4:7: TOML syntax error: string values must be quoted, expected literal string",
            "6:1: phase `p` is missing `title`",
            "8:1: TOML syntax error: duplicate key",
        ],
        "every syntax error is listed, and the problems in the rest of the file too"
    );
    // One typo does not hide a wrong role, a missing kind or an unknown variable elsewhere.
    let source = "[plan]\nname = \"x\"\ntitle = \"y\"\n[[plan.role]]\nid = \"qa\"\ntitle = \"QA\"\n\
                  [[phase]]\nid = \"p\"\ntitle = \"P {{nope}}\"\n[[phase.step]]\nid = \"a\"\n\
                  title = \"A\"\nkind = \"manual\"\nprompt = \"ok?\n[[phase.step]]\nid = \"b\"\n\
                  title = \"B\"\nkind = \"signoff\"\nroles = [\"cto\"]\n";
    assert_eq!(
        problems(source),
        [
            "9:12: unknown variable `{{nope}}`",
            "14:14: TOML syntax error: invalid basic string, expected `\"`",
            "19:10: unknown role `cto` in signoff; the plan's roles are: qa",
        ],
        "the typo, and the problems before and after it"
    );
    assert_eq!(
        problems("[plan\nname = 1\n"),
        ["1:6: TOML syntax error: unclosed table, expected `]`"],
        "an unclosed table header points just past it"
    );
}

#[test]
fn a_file_without_plan_table_is_rejected() {
    assert_eq!(
        problems("[[phase]]\nid = \"p\"\ntitle = \"P\"\n"),
        ["1:1: the plan file is missing the [plan] table"],
        "the [plan] table is required"
    );
}

#[test]
fn crlf_and_byte_order_mark_are_tolerated() {
    let windows = format!("\u{feff}{}", VALID.replace('\n', "\r\n"));
    assert_eq!(
        parse_ok(&windows),
        expected_valid_plan(),
        "a plan saved by a Windows editor reads the same"
    );
    let broken = "\u{feff}[plan]\r\nname = \"x\"\r\ntitle = \"y\"\r\n[[phase]]\r\nid = \"p\"\r\ntitle = \"é {{nope}}\"\r\n";
    assert_eq!(
        problems(broken),
        ["6:12: unknown variable `{{nope}}`"],
        "columns count characters (é is one) and ignore the byte-order mark"
    );
}

#[test]
fn a_success_criterion_must_name_steps_that_exist() {
    let source = r#"[plan]
name = "criteria"
title = "Criteria"
success_criteria = [
  "Text alone is allowed",
  { text = "Bound to a step that exists", requires = ["disk"] },
  { text = "Bound to a typo", requires = ["dsik"] },
  { text = "Bound to nothing", requires = [] },
  { text = "A key too many", requires = ["disk"], by = "me" },
  42,
]

[[phase]]
id = "checks"
title = "Checks"

[[phase.step]]
id = "disk"
title = "Disk"
kind = "system.disk"
min_free_gb = 1.0
"#;
    let found = problems(source);
    for expected in [
        "7:43: success criterion requires unknown step `dsik`; did you mean disk?",
        "8:3: a success criterion that names no steps: list the steps that prove it in `requires`, or write the criterion as text alone",
        "9:51: unknown key `by` in `success_criteria`; expected one of: requires, text",
        "10:3: `success_criteria` in [plan] must be a string or table, found an integer",
    ] {
        assert!(found.iter().any(|p| p == expected), "expected {expected:?} in {found:#?}");
    }
    assert_eq!(found.len(), 4, "{found:#?}");
}

#[test]
fn signers_need_signed_approvals_and_must_be_principals() {
    let typed = r#"
[plan]
name = "p"
title = "P"

[[plan.role]]
id = "qa"
title = "QA"
signers = ["alan@example.com"]
"#;
    let found = problems(typed);
    assert!(
        found.iter().any(|p| p
            .starts_with("9:11: role `qa` names `signers`, but the plan has no [plan.signoff]")),
        "{found:#?}"
    );
    let signed = r#"
[plan]
name = "p"
title = "P"

[plan.signoff]
allowed_signers = ".release-pilot/allowed_signers"

[[plan.role]]
id = "qa"
title = "QA"
signers = ["alan@example.com", "Alan Turing"]
"#;
    let found = problems(signed);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("signer \"Alan Turing\" is not a principal"), "{found:#?}");
    let unknown = signed.replace("allowed_signers =", "allowed_signer =");
    assert!(
        problems(&unknown).iter().any(|p| p.contains("unknown key `allowed_signer`")),
        "a misspelt key in [plan.signoff] is named"
    );
}
