#!/usr/bin/env bash
# Installs whatever is missing, then runs every check and test: formatting, clippy with
# warnings denied, and all test suites. This is the README's test command; .ci/run calls it.
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
cd "$ROOT"

ensure_packages "${ENGINE_PACKAGES[@]}"
ensure_rust

log "Formatting (cargo fmt --check)"
cargo fmt --all -- --check

log "Lints (cargo clippy, warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "Tests"
cargo test --workspace --locked
