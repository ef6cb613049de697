#!/usr/bin/env bash
# Generate a large repository for benchmarking `pilot inspect`:
#   >= 100,000 commits, ~3,000 tags (semver annotated and lightweight, some non-semver),
#   ~30,000 files, a few hundred changed/staged/untracked/deleted files in the work tree,
#   a VERSION file, a CHANGELOG with an entry for it, and an upstream one commit behind HEAD.
#
# Usage: scripts/make-large-repo.sh DIR
# Idempotent: when DIR already holds a complete repository (marker .git/pilot-bench-complete)
# it is reused as is; an incomplete one is removed and made again.
# Uses `git fast-import`, so it takes about a minute on 2 cores. Needs git and awk.
set -euo pipefail

DIR=${1:?usage: make-large-repo.sh DIR}
COMMITS=${COMMITS:-100000}
MARKER="$DIR/.git/pilot-bench-complete"

if [[ -f "$MARKER" ]]; then
    echo "reusing the complete benchmark repository in $DIR"
    exit 0
fi

# Isolate git from the user's configuration so the repository is the same everywhere.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com

rm -rf "$DIR"
mkdir -p "$DIR"
git init -q -b main "$DIR"
started=$(date +%s)

# The whole history as one fast-import stream, written by awk (a bash loop is far slower).
# Commit 1 imports 30 x 30 x 34 = 30,600 files; every later commit changes one of 50 small
# files under history/. Every 33rd commit gets a tag k: every 10th of them is a non-semver
# `deploy-k`, the rest are v1.<k/100>.<k%100> (increasing with history), one in three annotated.
# The last commit writes VERSION (the next minor) and the CHANGELOG.
awk -v commits="$COMMITS" '
function header(mark, when, message) {
    printf "commit refs/heads/main\nmark :%d\n", mark
    printf "author Bench <bench@example.com> %d +0100\n", when
    printf "committer Bench <bench@example.com> %d +0100\n", when
    printf "data <<EOM\n%s\nEOM\n", message
    if (mark > 1) printf "from :%d\n", mark - 1
}
BEGIN {
    base = 1600000000
    header(1, base, "Initial import")
    for (m = 0; m < 30; m++) for (p = 0; p < 30; p++) for (f = 0; f < 34; f++)
        printf "M 100644 inline src/m%d/p%d/f%d.txt\ndata <<EOM\nmodule %d part %d file %d\nEOM\n", m, p, f, m, p, f
    for (i = 2; i <= commits; i++) {
        when = base + i * 60
        header(i, when, "Change " i)
        printf "M 100644 inline history/h%d.txt\ndata <<EOM\nchange %d\nEOM\n", i % 50, i
        if (i == commits) {
            k = int((commits - 1) / 33)
            next_version = sprintf("1.%d.0", int(k / 100) + 1)
            printf "M 100644 inline VERSION\ndata <<EOM\n%s\nEOM\n", next_version
            printf "M 100644 inline CHANGELOG.md\ndata <<EOM\n# Changelog\n\n## [%s] - 2026-01-07\n- the next release\n", next_version
            for (t = k; t > k - 200 && t > 0; t--)
                if (t % 10 != 9) printf "\n## [1.%d.%d]\n- release %d\n", int(t / 100), t % 100, t
            printf "EOM\n"
        }
        if (i % 33 == 0) {
            k = i / 33
            if (k % 10 == 9) {
                printf "reset refs/tags/deploy-%d\nfrom :%d\n\n", k, i
            } else if (k % 3 == 0) {
                printf "tag v1.%d.%d\nfrom :%d\ntagger Bench <bench@example.com> %d +0100\ndata <<EOM\nRelease 1.%d.%d\nEOM\n", int(k / 100), k % 100, i, when + 30, int(k / 100), k % 100
            } else {
                printf "reset refs/tags/v1.%d.%d\nfrom :%d\n\n", int(k / 100), k % 100, i
            }
        }
    }
}' | git -C "$DIR" fast-import --quiet

echo "imported $COMMITS commits in $(( $(date +%s) - started ))s; checking out"
git -C "$DIR" reset -q --hard main
# Pack refs and write the commit-graph, as `git gc` leaves a repository that has been in use.
git -C "$DIR" pack-refs --all
git -C "$DIR" commit-graph write --reachable --no-progress

# An upstream one commit behind HEAD: main is one commit ahead of origin/main.
git -C "$DIR" remote add origin https://example.invalid/bench.git
git -C "$DIR" update-ref refs/remotes/origin/main main~1
git -C "$DIR" config branch.main.remote origin
git -C "$DIR" config branch.main.merge refs/heads/main

# A few hundred work-tree changes: 200 modified, 50 staged, 10 deleted, 60 untracked.
for p in $(seq 0 29); do
    for f in 0 1 2 3 4 5; do printf 'edited\n' >> "$DIR/src/m1/p$p/f$f.txt"; done
done
for p in $(seq 0 9); do
    for f in 0 1 2 3 4; do printf 'staged\n' >> "$DIR/src/m2/p$p/f$f.txt"; done
done
git -C "$DIR" add src/m2
for p in $(seq 0 9); do rm "$DIR/src/m3/p$p/f0.txt"; done
mkdir -p "$DIR/scratch/nested"
for n in $(seq 0 29); do
    printf 'new\n' > "$DIR/scratch/new$n.txt"
    printf 'new\n' > "$DIR/scratch/nested/new$n.txt"
done
# Let the files' times fall before the index's, then let git refresh it, so that neither tool
# pays for racily-clean entries a real repository would not have.
sleep 1.1
git -C "$DIR" status --porcelain >/dev/null

touch "$MARKER"
echo "benchmark repository ready in $DIR ($(( $(date +%s) - started ))s):" \
    "$(git -C "$DIR" rev-list --count HEAD) commits," \
    "$(git -C "$DIR" tag | wc -l) tags, $(git -C "$DIR" ls-files | wc -l) files"
