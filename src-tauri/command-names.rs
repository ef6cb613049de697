// Every command the UI may call (the contract between the shell and the UI), by name: read by
// build.rs, which puts them under the capability's access control, and by the access test,
// which checks the capability allows each of them. Keep in step with `commands::handler` in
// src/commands/mod.rs (a command missing there cannot be called; one missing here is refused).
&[
    "app_info",
    "inspect_repo",
    "list_templates",
    "find_plans",
    "preview_plan",
    "create_demo",
    "start_run",
    "drive_run",
    "answer_manual",
    "waive_step",
    "record_signoff",
    "get_run",
    "list_runs",
    "report_markdown",
    "report_html",
    "save_report",
    "rollback_readiness",
    "request_rollback",
    "agree_waiver",
    "signing_setup",
    "sign_report",
    "attach_signature",
    "verify_report",
]
