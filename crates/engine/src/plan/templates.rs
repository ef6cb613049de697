//! Built-in plan templates, written from the real runbooks the product replaces
//! (`runbooks/` beside the design documents).
//!
//! Each template is a plan TOML file under `templates/`, embedded at compile time with
//! `include_str!`, so the binary needs no files beside it and a team can start from a template
//! by saving its source into the repository and editing the `[vars]` table. Every checklist item
//! and every verification command of the runbook is a step of the right kind; the TOML files say
//! which runbook section each phase comes from.
//!
//! To add a template: write the TOML next to the others, add an entry to [`TEMPLATES`], and add
//! its coverage phrases to the template tests (`tests/engine/templates.rs`).

/// A built-in plan.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// Machine name, equal to the plan's `[plan] name`, e.g. "staging".
    pub name: &'static str,
    /// Title shown in the app, equal to the plan's `[plan] title`.
    pub title: &'static str,
    /// One sentence saying what the plan covers, for the plan picker.
    pub summary: &'static str,
    /// The plan's TOML source.
    pub source: &'static str,
}

/// The built-in templates, in the order the plan picker shows them: readiness before a release,
/// then staging, then production, as the runbooks sequence them.
const TEMPLATES: &[Template] = &[
    // From `deployment-preparation-summary.md`: the release-readiness summary written before
    // a staging deployment.
    Template {
        name: "readiness",
        title: "Release readiness",
        summary: "Commits since the previous release, deliverables, test and performance \
                  baselines, known issues and the sign-off checklist.",
        source: include_str!("templates/readiness.toml"),
    },
    // From `staging-deployment-plan.md`: the staging deployment plan.
    Template {
        name: "staging",
        title: "Staging deployment",
        summary: "Environment and code checks, a verified backup, stop / update / start with \
                  health checks, smoke and E2E pass rates, performance baseline, log and \
                  metrics review, sign-off and rollback.",
        source: include_str!("templates/staging.toml"),
    },
    // From `production-deployment-execution.md`: the production deployment execution plan.
    Template {
        name: "production",
        title: "Production deployment",
        summary: "Tag and VERSION review, staging first, backup and snapshot, production \
                  deploy, post-deploy latency and error-rate targets, monitoring, approvals \
                  and rollback.",
        source: include_str!("templates/production.toml"),
    },
    // The staging plan with its Docker parts executed through the Docker Engine API (deploy,
    // migrations, log watch, rollback), against the sample service by default.
    Template {
        name: "staging-docker",
        title: "Staging deployment (Docker)",
        summary: "The staging plan with the deploy done through the Docker API: recreate the \
                  container on the new image keeping the old one for rollback, health countdown, \
                  migrations inside the container, log watch, and a rollback that restores the \
                  verified backup.",
        source: include_str!("templates/staging-docker.toml"),
    },
    // The production plan with its Docker parts executed through the Docker Engine API.
    Template {
        name: "production-docker",
        title: "Production deployment (Docker)",
        summary: "The production plan with the deploy done through the Docker API: online backup \
                  from the running container, recreate with a kept fallback, migrations inside \
                  the new container, and a one-step rollback.",
        source: include_str!("templates/production-docker.toml"),
    },
];

/// Every built-in template.
pub fn templates() -> &'static [Template] {
    TEMPLATES
}

/// The template with this name.
pub fn template(name: &str) -> Option<&'static Template> {
    templates().iter().find(|t| t.name == name)
}
