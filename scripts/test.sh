#!/usr/bin/env bash
# Installs whatever is missing, then runs every check and test: formatting, the UI's type check
# and unit tests, clippy with warnings denied, all Rust test suites, and the end-to-end test of
# the desktop app in its real webview (tauri-driver + WebKitWebDriver, under Xvfb when there is
# no display). This is the README's test command; .ci/run calls it.
#
# Order matters for time (CI: 90 minutes on 2 cores): the UI is built before clippy because the
# app embeds ui/dist at compile time; everything shares $CARGO_TARGET_DIR; the e2e build of the
# app goes to its own folder ($CARGO_TARGET_DIR/e2e), where the empty window of the harness test
# reuses its compiled tauri crates.
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
source "$ROOT/scripts/lib/verify-tools.sh"
cd "$ROOT"
started=$SECONDS
stage() { log "[$((SECONDS - started))s] $*"; }

stage "Set-up: system packages, Rust, node modules, tauri-driver"
ensure_packages "${ENGINE_PACKAGES[@]}" "${TEST_REPORT_PACKAGES[@]}"
ensure_desktop_packages
ensure_rust
ensure_node_modules
ensure_node_modules "$ROOT/tests/test-reports"
ensure_tauri_driver

stage "Each tool, called as the tests call it"
verify_git
verify_openssh
verify_python_pytest
verify_chromium
verify_webdriver
# Required here: without pytest or Playwright and Chromium the report tests fail, not skip.
export RELEASE_PILOT_REQUIRE_TEST_TOOLS=1

stage "Docker engine for the deploy, backup and rollback tests"
source "$ROOT/scripts/lib/docker.sh"
ensure_docker
verify_docker
# Required here: without an engine the Docker tests fail instead of skipping.
export RELEASE_PILOT_REQUIRE_DOCKER=1
remove_test_docker_resources
add_cleanup remove_test_docker_resources

stage "Formatting (cargo fmt --check)"
cargo fmt --all -- --check

stage "UI type check (npm run check)"
npm --prefix ui run check

stage "UI unit tests (Vitest)"
# CI=1: Vitest runs once instead of watching.
CI=1 npm --prefix ui test

build_ui

stage "Lints (cargo clippy, warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

stage "Tests (cargo test; the end-to-end tests run on their own below)"
cargo test --workspace --locked --exclude pilot-e2e

stage "End-to-end build of the app"
build_app e2e

stage "End-to-end tests in the real webview (harness, the walkthrough, signed approvals)"
# Each test starts its own private Xvfb (nothing pops up on a desktop; screenshots show only
# the app). Required here: a missing prerequisite fails the tests instead of skipping them.
export PILOT_E2E_REQUIRED=1 RELEASE_PILOT_E2E_APP="$(app_binary e2e)"
cargo test --locked -p pilot-e2e --test harness --test walkthrough --test approvals -- --nocapture --test-threads=1

stage "All checks and tests passed"
