# Shared set-up for the project's scripts: installs what a fresh Debian/Ubuntu machine lacks.
# Sourced, not run. Every function is idempotent: on a machine that has everything it only
# checks, quickly.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT

# A build cache outside the checkout, so a fresh clone (CI) reuses compiled dependencies.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/release-pilot/target}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: installing system packages needs root (or sudo): $*" >&2; return 1; fi
}

# Debian packages needed to build and test the engine and the CLI (openssh-client: the signing
# tests call the real ssh-keygen and ssh-agent).
ENGINE_PACKAGES=(build-essential pkg-config git sqlite3 ca-certificates curl openssh-client)
# The real tools whose reports the test.report tests import: pytest (--junitxml) and Chromium,
# which the Playwright suite in tests/test-reports drives.
TEST_REPORT_PACKAGES=(python3-pytest chromium)

# Install the Debian packages given that are not installed yet.
ensure_packages() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "Installing Debian packages: ${missing[*]}"
    # The package lists are read once per script run, however many package sets are ensured.
    if [ "${APT_UPDATED:-0}" != 1 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The Rust toolchain pinned in rust-toolchain.toml (rustup installs it when missing).
ensure_rust() {
  if ! command -v cargo >/dev/null; then
    [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
  fi
  if ! command -v cargo >/dev/null; then
    echo "error: Rust is not installed. Install rustup (https://rustup.rs), then run this again." >&2
    return 1
  fi
  (cd "$ROOT" && rustup show active-toolchain >/dev/null 2>&1) || (cd "$ROOT" && rustup toolchain install)
}

# ---------------------------------------------------------------------------------------------
# The desktop app: system packages, the UI's node modules, tauri-driver, a display, builds.

# Debian packages to build the Tauri app, test it in its webview (WebKitWebDriver, Xvfb) and
# take screenshots of a headless display (imagemagick's `import`).
DESKTOP_PACKAGES=(libwebkit2gtk-4.1-dev build-essential file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev webkit2gtk-driver xvfb imagemagick)

ensure_desktop_packages() {
  ensure_packages pkg-config "${DESKTOP_PACKAGES[@]}"
}

# A folder's node modules (`npm ci` in it; ui/ when none is named), installed again when its
# package-lock.json changed since the last install (its hash is kept in node_modules/).
ensure_node_modules() {
  local dir="${1:-$ROOT/ui}"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "error: Node.js (20 or newer) and npm are needed to build the UI, and are not installed." >&2
    echo "       Install them (Debian/Ubuntu: apt-get install nodejs npm, or https://nodejs.org), then run this again." >&2
    return 1
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" -lt 20 ]; then
    echo "error: Node.js $(node --version) is too old for the UI's tools: install Node.js 20 or newer." >&2
    return 1
  fi
  local lock="$dir/package-lock.json" stamp="$dir/node_modules/.release-pilot-lock.sha256"
  if [ ! -f "$lock" ]; then
    echo "error: $lock is missing: the dependencies of $dir are not pinned, so they cannot be installed reproducibly." >&2
    return 1
  fi
  local sum
  sum="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [ ! -d "$dir/node_modules" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    log "Installing the node modules of ${dir#"$ROOT"/} (npm ci)"
    # Playwright (tests/test-reports) drives the system's Chromium: no browser download.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm --prefix "$dir" ci --no-audit --no-fund
    printf '%s\n' "$sum" >"$stamp"
  fi
}

# tauri-driver, the WebDriver server the end-to-end test talks to (in ~/.cargo/bin).
ensure_tauri_driver() {
  case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac
  if ! command -v tauri-driver >/dev/null; then
    log "Installing tauri-driver (cargo install tauri-driver --locked)"
    cargo install tauri-driver --locked
  fi
}

# Commands run when the script exits, last added first (one EXIT trap for all of them).
CLEANUPS=()
add_cleanup() {
  CLEANUPS+=("$1")
  trap run_cleanups EXIT
}
run_cleanups() {
  local i
  for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${CLEANUPS[i]}" || true; done
}

# Whether the X server of display $1 answers.
display_answers() {
  if command -v xdpyinfo >/dev/null; then
    xdpyinfo -display "$1" >/dev/null 2>&1
  else
    local n="${1#:}"
    n="${n%%.*}"
    [[ "$1" == :* ]] && [ -S "/tmp/.X11-unix/X$n" ] || [[ "$1" != :* ]]
  fi
}

# A display for the webview: $DISPLAY when it answers, else a private Xvfb on a free display
# number (Xvfb picks it and writes it to a file descriptor), stopped when the script exits.
# Sets XVFB_STARTED=1 when it started one.
XVFB_STARTED=0
ensure_xvfb_display() {
  if [ -n "${DISPLAY:-}" ] && display_answers "$DISPLAY"; then
    return 0
  fi
  local number_file pid
  number_file="$(mktemp)"
  Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$number_file" >/dev/null 2>&1 &
  pid=$!
  add_cleanup "kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f '$number_file'"
  local tries=0
  while [ ! -s "$number_file" ]; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$tries" -ge 100 ]; then
      echo "error: Xvfb did not start (try \`Xvfb -displayfd 1\` by hand to see why)" >&2
      return 1
    fi
    sleep 0.1
    tries=$((tries + 1))
  done
  DISPLAY=":$(tr -d '[:space:]' <"$number_file")"
  export DISPLAY
  # A blank window under Xvfb without the first; EGL aborts without the second.
  export WEBKIT_DISABLE_COMPOSITING_MODE=1 WEBKIT_DISABLE_DMABUF_RENDERER=1
  XVFB_STARTED=1
  log "No display: started Xvfb on $DISPLAY (1280x900); it stops when this script ends"
}

# The UI, built by Vite into ui/dist (embedded into the app when the app is compiled).
build_ui() {
  log "Building the UI (npm run build in ui/)"
  npm --prefix "$ROOT/ui" run build
}

# The desktop app: `build_app` (debug, opens the embedded UI), `build_app e2e` (the end-to-end
# build: own identifier and data folder, into $CARGO_TARGET_DIR/e2e), `build_app release`.
# Prints nothing on stdout; the binaries are at app_binary's answer.
build_app() {
  case "${1:-dev}" in
    dev)
      log "Building the app (cargo build -p release-pilot)"
      cargo build --locked -p release-pilot ;;
    e2e)
      log "Building the app for the end-to-end test (--features e2e, identifier dev.release-pilot.e2e)"
      TAURI_CONFIG='{"identifier":"dev.release-pilot.e2e"}' \
        cargo build --locked -p release-pilot --features e2e --target-dir "$CARGO_TARGET_DIR/e2e" ;;
    release)
      log "Building the app (release, --features custom-protocol)"
      cargo build --locked --release -p release-pilot --features custom-protocol ;;
    *) echo "error: build_app [dev|e2e|release], not '$1'" >&2; return 1 ;;
  esac
}

# Where build_app $1 puts the binary.
app_binary() {
  case "${1:-dev}" in
    dev) echo "$CARGO_TARGET_DIR/debug/release-pilot" ;;
    e2e) echo "$CARGO_TARGET_DIR/e2e/debug/release-pilot" ;;
    release) echo "$CARGO_TARGET_DIR/release/release-pilot" ;;
  esac
}
