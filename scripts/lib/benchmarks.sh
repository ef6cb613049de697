# docs/benchmarks.md for the bench-*.sh scripts: each script owns one "## …" section of it.
# Sourced, not run; needs nothing else.

# record_section DOC HEADING FILE: FILE holds a Markdown section starting with "## HEADING"; put
# it into DOC in place of the section with that heading (up to the next "## "), where it
# stood, or at the end when DOC has none yet. The other sections are kept as they are. DOC is
# created when missing and replaced in one move, never left half-written.
record_section() {
  local doc=$1 heading=$2 file=$3
  mkdir -p "$(dirname "$doc")"
  [[ -f "$doc" ]] || printf '# Benchmarks\n\nFigures recorded by the scripts in `scripts/`; each script owns one section.\n' >"$doc"
  awk -v heading="## $heading" -v file="$file" '
    function section() { while ((getline line < file) > 0) print line; done = 1 }
    /^## / { skipping = ($0 == heading); if (skipping) { section(); print "" } }
    skipping { next }
    { print }
    END { if (!done) { print ""; section() } }
  ' "$doc" | cat -s >"$doc.tmp"
  mv "$doc.tmp" "$doc"
}
