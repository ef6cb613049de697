//! Tests of the desktop boundary: the generated TypeScript is fresh, the error JSON is pinned,
//! the demo can be walked from project to report through the same calls the UI makes, and
//! paths the user did not choose are refused (`grants`).

mod approvals;
mod bindings;
mod grants;
/// Real OpenSSH (tests/openssh-support).
use pilot_test_openssh as openssh;
mod signature;
mod walk;
