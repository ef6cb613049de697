//! End-to-end tests of the `pilot` binary.
