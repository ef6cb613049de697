//! What a step will do, in plain words with its resolved values: shown before it runs (the
//! wizard's "what will happen" line) and recorded instead of running it in a dry run.

use crate::plan::{Step, StepAction};

/// One sentence saying what the step does, with the values it will use.
pub fn describe(step: &Step) -> String {
    use StepAction as A;
    match &step.action {
        A::Manual(p) => match &p.hint {
            Some(hint) => format!("ask a person to confirm \"{}\" (hint: `{hint}`)", step.title),
            None => format!("ask a person to confirm \"{}\"", step.title),
        },
        A::Gate(p) => {
            format!("stop unless these steps passed or were waived: {}", p.requires.join(", "))
        }
        A::GitClean(p) if p.allow_untracked => {
            "check the working tree has no uncommitted changes (untracked files allowed)".into()
        }
        A::GitClean(_) => "check the working tree has no uncommitted or untracked changes".into(),
        A::GitBranch(p) => format!("check HEAD is on branch `{}`", p.expect),
        A::GitHead(p) => match (&p.expect_commit, &p.expect_tag) {
            (Some(c), Some(t)) => format!("check HEAD is commit `{c}` and carries tag `{t}`"),
            (Some(c), None) => format!("check HEAD is commit `{c}`"),
            (None, Some(t)) => format!("check tag `{t}` points at HEAD"),
            (None, None) => "read the HEAD commit".into(),
        },
        A::GitVersion(p) => format!(
            "check {} holds a valid version{}",
            p.file.as_deref().unwrap_or("VERSION"),
            p.expect.as_deref().map(|v| format!(" equal to {v}")).unwrap_or_default()
        ),
        A::GitChangelog(p) => format!(
            "check {} has an entry for {}",
            p.file.as_deref().unwrap_or("CHANGELOG.md"),
            p.version.as_deref().unwrap_or("the target version")
        ),
        A::GitReleaseNotes(p) => format!(
            "look for release notes matching `{}`",
            p.pattern.as_deref().unwrap_or("RELEASE_NOTES*{{version}}*.md")
        ),
        A::GitUpstream(p) => {
            format!("check the branch is at most {} commit(s) behind its upstream", p.max_behind)
        }
        A::GitTag(p) if p.at_head => format!("check tag `{}` exists and points at HEAD", p.name),
        A::GitTag(p) => format!("check tag `{}` exists", p.name),
        A::GitPreviousRelease(_) => "find the previous release tag (the rollback target)".into(),
        A::SystemDisk(p) => format!(
            "measure free disk space at {} (need ≥ {} GB)",
            p.path.as_deref().unwrap_or("the repository"),
            p.min_free_gb
        ),
        A::SystemMemory(p) => {
            format!("measure available memory (need ≥ {} GB)", p.min_available_gb)
        }
        A::FileExists(p) => match p.min_size_bytes {
            Some(min) => format!("check {} exists and holds at least {min} bytes", p.path),
            None => format!("check {} exists", p.path),
        },
        A::FileAge(p) => format!("check {} was modified within {} hours", p.path, p.max_age_hours),
        A::FileEnvKey(p) => format!(
            "check {} defines {} with at least {} characters (the value is never shown)",
            p.path,
            p.key,
            p.min_length.unwrap_or(1)
        ),
        A::Command(p) | A::DeployCommand(p) => format!(
            "run `{}` in {} (timeout {} s, success = exit code {}){}",
            command_line(&p.program, &p.args),
            p.cwd.as_deref().unwrap_or("the repository"),
            p.timeout_secs.unwrap_or(300),
            p.expect_exit,
            p.stdout_file
                .as_deref()
                .map(|f| format!(", saving its output to {f}"))
                .unwrap_or_default()
        ),
        A::DockerEngine(_) => "check the Docker engine answers".into(),
        A::DockerImage(p) => format!("check image `{}` exists", p.image),
        A::DockerVolume(p) => format!("check volume `{}` exists", p.volume),
        A::DockerContainer(p) => format!(
            "check container `{}` is running{}",
            p.container,
            if p.healthy { " and healthy" } else { "" }
        ),
        A::BackupSqlite(p) => {
            let source = match (&p.path, &p.container, &p.volume) {
                (Some(path), _, _) => path.clone(),
                (None, Some(c), _) => {
                    format!("{} in container {c}", p.db_path.as_deref().unwrap_or("the database"))
                }
                (None, None, Some(v)) => {
                    format!("{} in volume {v}", p.db_path.as_deref().unwrap_or("the database"))
                }
                _ => "the database".into(),
            };
            format!(
                "back up {source} to {} and verify it",
                p.dest_dir.as_deref().unwrap_or("the backups folder")
            )
        }
        A::BackupCommand(p) => {
            format!("run `{}` and check it wrote {}", command_line(&p.program, &p.args), p.output)
        }
        A::BackupRecent(p) => {
            format!("check a verified backup younger than {} hours exists", p.max_age_hours)
        }
        A::DeployRecreate(p) => format!(
            "stop container `{}`, keep it as the fallback, start it again on image `{}` with the same configuration, and wait up to {} s for it to be healthy",
            p.container,
            p.image,
            p.health_timeout_secs.unwrap_or(120)
        ),
        A::DeployExec(p) => {
            format!("run `{}` inside container `{}`", p.command.join(" "), p.container)
        }
        A::DeployWaitLog(p) => format!(
            "wait up to {} s for `{}` in the logs of `{}`",
            p.timeout_secs.unwrap_or(120),
            p.pattern,
            p.container
        ),
        A::Rollback(p) => format!(
            "restore the verified backup{} and put back {}",
            p.backup_step.as_deref().map(|s| format!(" from step {s}")).unwrap_or_default(),
            p.image.as_deref().or(p.container.as_deref()).unwrap_or("the previous version")
        ),
        A::HttpCheck(p) => format!(
            "{} {} and expect status {}",
            p.method.as_deref().unwrap_or("GET"),
            p.url,
            p.expect_status.unwrap_or(200)
        ),
        A::HttpLatency(p) => format!(
            "send {} requests to {} ({} at a time) and measure latency",
            p.requests.unwrap_or(100),
            p.url,
            p.concurrency.unwrap_or(4)
        ),
        A::HttpRateLimit(p) => format!(
            "send {} requests to {} within {} s and expect status {}",
            p.requests + 1,
            p.url,
            p.window_secs,
            p.expect_status.unwrap_or(429)
        ),
        A::LogScan(p) => format!(
            "scan the logs of {} for {}",
            p.container.as_deref().or(p.file.as_deref()).unwrap_or("the service"),
            p.forbid.join(", ")
        ),
        A::TestReport(p) => format!("import the test report {}", p.path),
        A::Soak(p) => {
            let what: Vec<String> = p
                .url
                .iter()
                .map(|u| format!("load {u}"))
                .chain((!p.checks.is_empty()).then(|| format!("repeat {}", p.checks.join(", "))))
                .collect();
            format!("{} every {} s for {} s", what.join(" and "), p.interval_secs, p.duration_secs)
        }
        A::Signoff(p) if p.roles.is_empty() => "collect the sign-off of every role".into(),
        A::Signoff(p) => format!("collect the sign-off of {}", p.roles.join(", ")),
    }
}

/// A program and its arguments as one readable line, quoting arguments with spaces.
pub fn command_line(program: &str, args: &[String]) -> String {
    std::iter::once(program)
        .chain(args.iter().map(String::as_str))
        .map(|a| {
            if a.is_empty() || a.contains([' ', '"', '\'']) {
                format!("{a:?}")
            } else {
                a.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
