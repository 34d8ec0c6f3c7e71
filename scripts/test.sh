#!/usr/bin/env bash
# test.sh [LAB...] - build and run the kit's tests; what `make test` runs.
#
#   LAB is a lab number (4), a folder name (04-sync-send), "common" (kit.h's
#   unit tests) or "scripts" (scripts/selftest.sh: measure.sh/compare.sh end to end).  No LAB: all.
#   ARCH=aarch64|armv7 runs everything through qemu-user; checks that need
#   valgrind, perf or sanitizers are then skipped and counted as skipped.
#
# Prints one line per check (ok / FAIL / skip), then "N passed, N failed, N skipped".
# Exit status 0 only when nothing failed.
set -u
KIT_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$KIT_TOP/scripts/lib.sh"

case "${1:-}" in -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

dirs=()
if [ $# -eq 0 ]; then
    dirs=(common)
    for d in "$KIT_TOP"/labs/[0-9][0-9]-*/; do d=${d%/}; dirs+=("labs/${d##*/}"); done
    dirs+=(scripts)
else
    for a in "$@"; do
        case $a in
            common|scripts) dirs+=("$a") ;;
            *[!0-9]*) [ -d "$KIT_TOP/labs/$a" ] && dirs+=("labs/$a") || { echo "test.sh: no lab '$a'" >&2; exit 2; } ;;
            *) m=( "$KIT_TOP"/labs/"$(printf %02d "$((10#$a))")"-* )
               [ -d "${m[0]}" ] || { echo "test.sh: no lab '$a'" >&2; exit 2; }
               d=${m[0]}; dirs+=("labs/${d##*/}") ;;
        esac
    done
fi

export KIT_TALLY; KIT_TALLY=$(mktemp)
trap 'rm -f "$KIT_TALLY"' EXIT
start=$(date +%s)
for d in "${dirs[@]}"; do
    name=${d##*/}
    if [ "$d" != scripts ]; then
        if ! kit_build "$KIT_TOP/$d"; then kit_fail "$name: build"; continue; fi
    fi
    t=test.sh; [ "$d" = scripts ] && t=selftest.sh   # scripts/test.sh is this file
    if [ ! -x "$KIT_TOP/$d/$t" ]; then kit_skip "$name" "no $t"; continue; fi
    echo "--- $name"
    t0=$(date +%s)
    (cd "$KIT_TOP/$d" && "./$t") || kit_fail "$name: $t exited $?"
    echo "--- $name: $(( $(date +%s) - t0 )) s"
done

p=$(grep -c '^pass$' "$KIT_TALLY"); f=$(grep -c '^fail$' "$KIT_TALLY"); s=$(grep -c '^skip$' "$KIT_TALLY")
echo "--- ARCH=${ARCH:-$(uname -m)}, $(( $(date +%s) - start )) s"
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
