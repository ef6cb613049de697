//! Built-in plan templates, written from the real runbooks in `../shared/runbooks/`.

/// A built-in plan.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    pub name: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// The plan's TOML source.
    pub source: &'static str,
}

/// Every built-in template.
pub fn templates() -> &'static [Template] {
    &[]
}

/// The template with this name.
pub fn template(name: &str) -> Option<&'static Template> {
    templates().iter().find(|t| t.name == name)
}
