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

# Debian packages needed to build and test the engine and the CLI.
ENGINE_PACKAGES=(build-essential pkg-config git sqlite3 ca-certificates curl)

# Install the Debian packages given that are not installed yet.
ensure_packages() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
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
