//! Real OpenSSH for the sign-off tests: the shared support crate (tests/openssh-support), with
//! `allowed_signers` writing `dir/allowed_signers`, as these tests use it.

pub use pilot_test_openssh::{
    AgentProcess, Key, allowed_signers_in as allowed_signers, keygen, openssh_accepts,
};
