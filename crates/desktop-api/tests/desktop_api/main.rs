//! Tests of the desktop boundary: the generated TypeScript is fresh, the error JSON is pinned,
//! and the demo can be walked from project to report through the same calls the UI makes.

mod bindings;
mod openssh;
mod signature;
mod walk;
