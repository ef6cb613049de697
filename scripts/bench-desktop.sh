#!/usr/bin/env bash
# Desktop benchmarks: cold start to the first screen interactive, memory idle on the checks
# screen (PSS over the app and its WebKit processes) and the longest frame gap while a step
# streams output — for Release Pilot's release build and for an empty Tauri v2 window measured
# the same way. Records the "Desktop app" section of docs/benchmarks.md (replaced on every run).
#
# Usage: scripts/bench-desktop.sh            (RUNS=5 starts per app by default)
# The measuring itself is tests/e2e/src/bin/bench-desktop (it explains the methods); it drives
# the apps through tauri-driver on a private Xvfb, so the figures do not depend on a desktop.
# When Release Pilot cannot be built yet, the empty window is measured alone, and the section
# says so.
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/benchmarks.sh"
cd "$ROOT"
RUNS="${RUNS:-5}"

ensure_packages "${ENGINE_PACKAGES[@]}"
ensure_desktop_packages
ensure_rust
ensure_tauri_driver

log "Release build of the empty window (--features custom-protocol)"
cargo build --locked --release -p empty-window --features custom-protocol
EMPTY="$CARGO_TARGET_DIR/release/empty-window"

APP_ARGS=()
APP_NOTE=""
if [ -f src-tauri/Cargo.toml ] && [ -f ui/package.json ]; then
  if ensure_node_modules && build_ui && build_app release; then
    cargo build --locked -q -p pilot-cli --bin pilot
    APP_ARGS=(--app "$(app_binary release)" --pilot "$CARGO_TARGET_DIR/debug/pilot")
  else
    APP_NOTE="Release Pilot did not build at the time of measuring: only the empty window was measured."
  fi
else
  APP_NOTE="Release Pilot (src-tauri/, ui/) is not in this checkout yet: only the empty window was measured."
fi

log "Building the benchmark runner"
cargo build --locked -q -p pilot-e2e --bin bench-desktop
section="$(mktemp)"
add_cleanup "rm -f '$section' '$section.doc'"
log "Measuring ($RUNS starts per app)"
"$CARGO_TARGET_DIR/debug/bench-desktop" --empty "$EMPTY" "${APP_ARGS[@]}" --runs "$RUNS" --section "$section"

cpu="$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || uname -m)"
webkit="$(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0 2>/dev/null || echo unknown)"
tauri="$(awk '/^name = "tauri"$/ { getline; print $3; exit }' Cargo.lock | tr -d '"')"
DOC="docs/benchmarks.md"
{
  printf '## Desktop app\n\n'
  printf -- '- Command: `scripts/bench-desktop.sh` (RUNS=%s)\n' "$RUNS"
  printf -- '- Machine: %s cores, %s, %s; WebKitGTK %s, tauri %s\n' "$(nproc)" "$cpu" "$(uname -sr)" "$webkit" "$tauri"
  printf -- '- Builds: release, `--features custom-protocol` (assets embedded, as shipped)\n'
  printf -- '- Date: %s\n\n' "$(date -u +%Y-%m-%d)"
  [ -z "$APP_NOTE" ] || printf '%s\n\n' "$APP_NOTE"
  cat "$section"
} >"$section.doc"
record_section "$DOC" "Desktop app" "$section.doc"
log "Recorded in $DOC"
