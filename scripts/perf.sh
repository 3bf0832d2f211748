#!/usr/bin/env bash
# perf.sh: regenerates docs/performance.md in one go.
#
#   bash scripts/perf.sh            # full sizes, 3 passes (about 15-20 minutes on 2 quiet cores)
#   bash scripts/perf.sh --quick    # smaller sizes, a smoke run (about 2 minutes)
#
# 1. describes the machine (nproc, CPU model, load average now, kernel,
#    rustc) and the versions;
# 2. runs scripts/redis_baseline.sh (a private redis-server on a free
#    loopback port, stopped by PID) -> target/perf/redis.tsv;
# 3. builds and runs `compare` in release with those Redis figures;
# 4. replaces what lies between the generated markers of
#    docs/performance.md (other sections of the file are kept).
# Timings are only meaningful on a quiet machine: check the load average
# printed in the document.
# Env: PERF_DOC (docs/performance.md), CARGO_TARGET_DIR (target).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
QUICK=()
# Three passes per workload, alternating the engines' order, each cell the
# median over them (see compare's --repeat); a smoke run makes one.
REPEAT=(--repeat 3)
if [ "${1:-}" = "--quick" ]; then QUICK=(--quick); REPEAT=(); shift; fi
DOC=${PERF_DOC:-$ROOT/docs/performance.md}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$TARGET/perf
mkdir -p "$WORK"
START=$(date +%s)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

echo "perf.sh: building compare (release)" >&2
cargo build --release -p compare --quiet

echo "perf.sh: redis baseline" >&2
bash scripts/redis_baseline.sh "${QUICK[@]}" "$WORK/redis.tsv" > "$WORK/redis.md"

echo "perf.sh: compare" >&2
"$TARGET/release/compare" "${QUICK[@]}" "${REPEAT[@]}" --redis "$WORK/redis.tsv" "$@" > "$WORK/compare.md"

CPU=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
{
    echo "<!-- generated:begin -->"
    echo "<!-- Written by \`bash scripts/perf.sh\`; edits between these markers are lost. -->"
    echo
    echo "Generated $(date -u '+%F %H:%M UTC') in $(( ($(date +%s) - START) / 60 )) min"
    if [ ${#QUICK[@]} -gt 0 ]; then echo "with \`--quick\` (smaller sizes: a smoke run, not the figures to quote)"; fi
    echo "on $(nproc) cores of ${CPU:-an unknown CPU} ($(uname -sr)),"
    echo "load average $LOAD at the start; embedis at commit"
    echo "\`$(git rev-parse --short HEAD)\`$(git diff --quiet HEAD -- src Cargo.toml || echo ' (with local changes)'),"
    echo "$(rustc --version | cut -d' ' -f1-2)."
    echo
    cat "$WORK/compare.md"
    echo
    cat "$WORK/redis.md"
    echo
    echo "<!-- generated:end -->"
} > "$WORK/generated.md"

if [ -f "$DOC" ] && grep -q '<!-- generated:begin -->' "$DOC" && grep -q '<!-- generated:end -->' "$DOC"; then
    awk -v gen="$WORK/generated.md" '
        /<!-- generated:begin -->/ { while ((getline l < gen) > 0) print l; skip = 1; next }
        /<!-- generated:end -->/ { skip = 0; next }
        !skip { print }' "$DOC" > "$WORK/performance.md"
else
    { echo "# Performance"; echo; cat "$WORK/generated.md"; } > "$WORK/performance.md"
fi
mv "$WORK/performance.md" "$DOC"
echo "perf.sh: wrote $DOC in $(( $(date +%s) - START )) s" >&2
