#!/usr/bin/env bash
# Benchmark `pilot inspect --json` against the git command line reading the same facts, on the
# large repository from make-large-repo.sh, and record the result in docs/benchmarks.md
# (section "Repository facts", replaced on every run).
#
# Usage: scripts/bench-inspect.sh            (BENCH_DIR defaults to target/bench)
# Needs: cargo, git, awk; hyperfine when installed (apt-get install hyperfine), else a plain
# timing loop. Until `pilot inspect` exists, the engine's `inspect` example (same call, same
# JSON) is measured instead.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench}
source "$ROOT/scripts/lib/benchmarks.sh"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
REPO="$BENCH_DIR/large-repo"
RUNS=${RUNS:-20}
pilot_sd=0
git_sd=0
mkdir -p "$BENCH_DIR"

cd "$ROOT"
cargo build --release -q -p pilot-cli
PILOT=("$TARGET/release/pilot" inspect --json --repo "$REPO")
PILOT_LABEL="pilot inspect --json --repo \$BENCH_DIR/large-repo"
"$ROOT/scripts/make-large-repo.sh" "$REPO"
# The facts JSON is recognised by one of its fields; anything else means the command is missing.
facts=$("${PILOT[@]}" 2>/dev/null || true)
if [[ $facts != *'"commits_since_previous_release"'* ]]; then
    echo "pilot inspect is not available yet: measuring the engine's inspect example instead"
    cargo build --release -q -p pilot-engine --example inspect
    PILOT=("$TARGET/release/examples/inspect" "$REPO")
    PILOT_LABEL="examples/inspect \$BENCH_DIR/large-repo (same call and JSON as pilot inspect)"
    "${PILOT[@]}" >/dev/null
fi

# The same facts with git: HEAD and branch, status, tags, tags at HEAD, the previous release
# tag, ahead/behind the upstream, the commits since that tag, VERSION and the CHANGELOG entry.
GIT_FACTS="$BENCH_DIR/git-facts.sh"
cat > "$GIT_FACTS" <<'SCRIPT'
#!/usr/bin/env bash
set -euo pipefail
r=$1
git -C "$r" log -1 --format='%H %h %s %an <%ae> %aI'
git -C "$r" symbolic-ref -q --short HEAD || true
git -C "$r" status --porcelain=v1 -z --untracked-files=all
git -C "$r" for-each-ref refs/tags \
    --format='%(refname:strip=2) %(objecttype) %(objectname) %(*objectname) %(creatordate:iso-strict)'
git -C "$r" tag --points-at HEAD
previous=$(git -C "$r" describe --tags --abbrev=0 --match 'v[0-9]*')
git -C "$r" rev-list --left-right --count '@{u}...HEAD'
git -C "$r" rev-list --format='%H %h %s %an <%ae> %aI' "$previous..HEAD"
version=$(git -C "$r" show HEAD:VERSION)
git -C "$r" show HEAD:CHANGELOG.md | grep -m1 -n "^## \[$version\]"
SCRIPT
chmod +x "$GIT_FACTS"
GIT_CMD=(bash "$GIT_FACTS" "$REPO")

pilot_text="${PILOT[*]}"
git_text="${GIT_CMD[*]}"
if command -v hyperfine >/dev/null; then
    hyperfine --warmup 3 --runs "$RUNS" --shell=none --export-csv "$BENCH_DIR/inspect.csv" \
        --command-name pilot "$pilot_text" --command-name git "$git_text" >&2
    # CSV columns: command,mean,stddev,median,user,system,min,max (seconds).
    pilot_mean=$(awk -F, '$1 == "pilot" { print $2 }' "$BENCH_DIR/inspect.csv")
    git_mean=$(awk -F, '$1 == "git" { print $2 }' "$BENCH_DIR/inspect.csv")
    pilot_sd=$(awk -F, '$1 == "pilot" { print $3 }' "$BENCH_DIR/inspect.csv")
    git_sd=$(awk -F, '$1 == "git" { print $3 }' "$BENCH_DIR/inspect.csv")
    tool="hyperfine $(hyperfine --version | awk '{print $2}'), 3 warm-ups, $RUNS runs"
else
    mean_of() {
        local start end
        for _ in 1 2 3; do "$@" >/dev/null; done
        start=$(date +%s%N)
        for _ in $(seq "$RUNS"); do "$@" >/dev/null; done
        end=$(date +%s%N)
        awk -v ns=$((end - start)) -v runs="$RUNS" 'BEGIN { printf "%.6f", ns / runs / 1e9 }'
    }
    pilot_mean=$(mean_of "${PILOT[@]}")
    git_mean=$(mean_of "${GIT_CMD[@]}")
    tool="bash timing loop, 3 warm-ups, $RUNS runs"
fi
ratio=$(awk -v p="$pilot_mean" -v g="$git_mean" 'BEGIN { printf "%.2f", p / g }')
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
echo "pilot $(ms "$pilot_mean"), git $(ms "$git_mean"), ratio pilot/git = $ratio"

# Replace the "Repository facts" section of docs/benchmarks.md (or append it).
DOC="$ROOT/docs/benchmarks.md"
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || uname -m)
shape="$(git -C "$REPO" rev-list --count HEAD) commits, $(git -C "$REPO" tag | wc -l | tr -d ' ') tags, $(git -C "$REPO" ls-files | wc -l | tr -d ' ') files, $(git -C "$REPO" status --porcelain=v1 --untracked-files=all | wc -l | tr -d ' ') work-tree changes"
section=$(cat <<SECTION
## Repository facts

Reading every repository fact of a large repository ($shape; made by
\`scripts/make-large-repo.sh\`), compared with the git command line reading the same facts
(\`\$BENCH_DIR/git-facts.sh\`, written by the script: log, symbolic-ref, status, for-each-ref, tag --points-at, describe,
rev-list --left-right --count, rev-list since the previous tag, show VERSION, CHANGELOG grep).

- Command: \`scripts/bench-inspect.sh\` (measured: \`$PILOT_LABEL\` vs \`bash git-facts.sh\`)
- Machine: $(nproc) cores, $cpu, $(uname -sr)
- Tool: $tool
- Date: $(date -u +%Y-%m-%d)

| reader | mean | σ |
|---|---|---|
| pilot | $(ms "$pilot_mean") | $(ms "$pilot_sd") |
| git | $(ms "$git_mean") | $(ms "$git_sd") |
| ratio pilot/git | $ratio | |

The machine's other load shows in σ: compare the means only when σ is small next to them.
SECTION
)
mkdir -p "$BENCH_DIR"
printf '%s\n' "$section" >"$BENCH_DIR/section.md"
record_section "$DOC" "Repository facts" "$BENCH_DIR/section.md"
echo "recorded in $DOC"
