#!/bin/sh
# Screenshots of every screen from the mock build, for looking at the UI without the shell.
# Needs a Chromium (`chromium` on Debian). Usage: scripts/shots.sh [OUT_DIR] [scene...]
# Writes OUT_DIR/<scene>.png (light) and OUT_DIR/<scene>-dark.png with DARK=1.
set -eu
cd "$(dirname "$0")/.."
out=${1:-shots}
shift 2>/dev/null || true
scenes=${*:-"welcome project checks checks-failed waive backup deploy confirm deploy-running validation signoff signoff-done report history rollback error empty"}
mkdir -p "$out"
npx vite build --mode mock --logLevel warn
npx vite preview --mode mock --outDir dist-mock --port 4173 --strictPort >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
sleep 2
for scene in $scenes; do
  extra=""
  suffix=""
  if [ "${DARK:-0}" = 1 ]; then extra="--force-dark-mode --blink-settings=preferredColorScheme=0"; suffix="-dark"; fi
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
    $extra --virtual-time-budget=20000 --window-size=1180,820 \
    --screenshot="$out/$scene$suffix.png" "http://localhost:4173/?scene=$scene&step=40" >/dev/null 2>&1 || echo "failed: $scene"
done
