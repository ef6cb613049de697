#!/usr/bin/env bash
# The README's first command: on a fresh Debian/Ubuntu machine, install what is missing, build
# the UI and the app, create the demo project once, and open the app on it.
#
# Usage: scripts/run.sh
# The demo lives in ${RELEASE_PILOT_DATA_DIR:-~/.local/share/releasepilot}/demo/project (the
# app's data folder, shared with `pilot`); it is created on the first run and reused after.
# With no display, the app runs in a private Xvfb, and a screenshot shows that it started.
# Ctrl-C closes the app (and the Xvfb).
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
cd "$ROOT"

ensure_packages "${ENGINE_PACKAGES[@]}"
ensure_desktop_packages
ensure_rust
ensure_node_modules

build_ui
build_app dev
log "Building the pilot CLI (for the demo project)"
cargo build --locked -q -p pilot-cli --bin pilot

DATA_DIR="${RELEASE_PILOT_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/releasepilot}"
DEMO="$DATA_DIR/demo/project"
if [ -d "$DEMO/.git" ]; then
  log "Opening the demo project in $DEMO (made earlier; delete the folder for a fresh one)"
else
  log "Creating the demo project in $DEMO"
  rm -rf "$DEMO"
  "$CARGO_TARGET_DIR/debug/pilot" demo init "$DEMO"
fi

ensure_xvfb_display
APP="$(app_binary dev)"
log "Starting Release Pilot: $APP --repo $DEMO"
"$APP" --repo "$DEMO" &
APP_PID=$!
# A background job ignores Ctrl-C in a script, so the exit trap ends it (before the Xvfb).
add_cleanup "kill -TERM $APP_PID 2>/dev/null; wait $APP_PID 2>/dev/null"

if [ "$XVFB_STARTED" = 1 ]; then
  SHOT="${TMPDIR:-/tmp}/release-pilot-started.png"
  sleep 6
  if kill -0 "$APP_PID" 2>/dev/null && import -display "$DISPLAY" -window root "$SHOT" 2>/dev/null; then
    log "The app runs on the virtual display $DISPLAY; what it shows: $SHOT"
  else
    log "The app runs on the virtual display $DISPLAY (no screenshot could be taken)"
  fi
  log "Press Ctrl-C to close it"
fi
status=0
wait "$APP_PID" || status=$?
exit "$status"
