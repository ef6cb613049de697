//! Who is at the keyboard, as git knows them: "Name <email>" from the repository's
//! configuration, else the user's global one.

use std::path::Path;

/// "Name <email>" (or whichever of the two git has), from `repo`'s configuration when given,
/// else from the global configuration. `None` when git knows neither.
pub fn git_identity(repo: Option<&Path>) -> Option<String> {
    let config = match repo.and_then(|r| git2::Repository::discover(r).ok()) {
        Some(repo) => repo.config().ok()?,
        None => git2::Config::open_default().ok()?,
    };
    let name = config.get_string("user.name").ok().filter(|s| !s.trim().is_empty());
    let email = config.get_string("user.email").ok().filter(|s| !s.trim().is_empty());
    match (name, email) {
        (Some(name), Some(email)) => Some(format!("{name} <{email}>")),
        (Some(one), None) | (None, Some(one)) => Some(one),
        (None, None) => None,
    }
}
