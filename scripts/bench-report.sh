#!/usr/bin/env bash
# Benchmarks report rendering (1,000 steps, 10,000 events) and records the figures in the
# "Report rendering" section of docs/benchmarks.md, replacing that section if it exists and
# leaving every other section as it is.
#
# Usage: scripts/bench-report.sh   (from anywhere inside the repository)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/lib/benchmarks.sh"
cd "$root"
doc="docs/benchmarks.md"
command="cargo bench -p pilot-engine --bench report"

echo "Running: $command" >&2
output="$($command 2>/dev/null)"
result="$(printf '%s\n' "$output" | grep '^report: ' | tail -n 1)"
huge="$(printf '%s\n' "$output" | grep '^report-huge: ' | tail -n 1)"
if [[ -z "$result" || -z "$huge" ]]; then
    echo "The benchmark printed no 'report:' line; its output was:" >&2
    printf '%s\n' "$output" >&2
    exit 1
fi
echo "$result" >&2
echo "$huge" >&2

cpu="unknown CPU"
if [[ -r /proc/cpuinfo ]]; then
    cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
elif command -v sysctl >/dev/null 2>&1; then
    cpu="$(sysctl -n machdep.cpu.brand_string 2>/dev/null || echo "unknown CPU")"
fi
cores="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')"
machine="$(uname -sm), $cpu, $cores cores"
rustc_version="$(rustc --version)"
date_utc="$(date -u +%Y-%m-%d)"

section="$(mktemp)"
trap 'rm -f "$section"' EXIT
cat >"$section" <<SECTION
## Report rendering

Rendering the Markdown report of a run with 1,000 steps (each with facts, a measurement, a
command with output and a file) and 10,000 events. Target: under 50 ms per render. And a run
a hundred times larger (100,000 steps, 200,000 events), to show the report stays linear in its
size. Target: under 2 s per render.

- Command: \`$command\` (release profile)
- Machine: $machine
- Toolchain: $rustc_version
- Date: $date_utc
- Result: \`${result#report: }\`
- Result, 100,000 steps: \`${huge#report-huge: }\`
SECTION

record_section "$doc" "Report rendering" "$section"
echo "Updated $doc" >&2
