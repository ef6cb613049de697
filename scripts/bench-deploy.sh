#!/usr/bin/env bash
# Measures the deploy overhead — the share of a deploy's wall time the engine spends outside
# Docker's own operations (API calls and waiting for the container's health) — over several
# recreates of the sample service, and records it in the "Deploy" section of
# docs/benchmarks.md (replacing that section, leaving the others). Target: under 5 %.
#
# Usage: scripts/bench-deploy.sh [ROUNDS]   (needs Docker: started when missing, see lib/docker.sh)
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/docker.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/benchmarks.sh"
cd "$ROOT"
ensure_rust
ensure_docker
rounds="${1:-6}"
doc="docs/benchmarks.md"

log "Building the static sample service"
binary_dir="$CARGO_TARGET_DIR/sample-static"
RUSTFLAGS='-C target-feature=+crt-static' CARGO_TARGET_DIR="$binary_dir" \
  cargo build --release -p sample-service --target x86_64-unknown-linux-gnu
export RELEASE_PILOT_SAMPLE_BINARY="$binary_dir/x86_64-unknown-linux-gnu/release/sample-service"

command="cargo run --release -p pilot-engine --example bench_deploy -- $rounds"
log "Running: $command"
output="$($command)"
printf '%s\n' "$output" >&2
result="$(printf '%s\n' "$output" | grep '^deploy: ' | tail -n 1)"
[[ -n "$result" ]] || { echo "The benchmark printed no 'deploy:' line" >&2; exit 1; }
rounds_text="$(printf '%s\n' "$output" | grep '^round ' | sed 's/^/    /')"

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
machine="$(uname -sm), ${cpu:-unknown CPU}, $(getconf _NPROCESSORS_ONLN) cores"
engine="$(curl -s --unix-socket "$DOCKER_SOCKET" http://localhost/version | sed -n 's/.*"Version":"\([^"]*\)".*"ApiVersion":"\([^"]*\)".*/Docker \1, API \2/p')"

section="$(mktemp)"
trap 'rm -f "$section"' EXIT
cat >"$section" <<SECTION
## Deploy

The engine's overhead in a deploy (\`deploy.recreate\` of the sample service, N → N+1 and back,
each a full stop / keep / create / start / wait-for-health): the wall time minus the time inside
Docker API calls and the time waiting for the container's health check, as counted by the
connection (\`docker::Connection::docker_time\`). Target: under 5 % of the deploy's wall time.
The health wait polls every 100 ms, so up to 0.1 s per deploy is poll granularity, counted as
waiting, not as overhead.

- Command: \`scripts/bench-deploy.sh $rounds\` (\`$command\`, release profile)
- Machine: $machine; ${engine:-Docker}
- Date: $(date -u +%Y-%m-%d)
- Result: \`${result#deploy: }\`
- Rounds:

$rounds_text
SECTION

record_section "$doc" "Deploy" "$section"
log "Updated $doc"
