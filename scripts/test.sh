#!/usr/bin/env bash
# test.sh [LAB...] - build and run the kit's tests; what `make test` runs.
#
#   LAB is a lab number (4), a folder name (04-sync-send), a folder path
#   (labs/05-locks/hopper), "common" (common/'s unit tests) or "scripts"
#   (scripts/selftest.sh: measure.sh/compare.sh end to end).  No LAB: all.
#   A lab's sub-labs (its Makefile's SUBLABS) are tested with it.
#   ARCH=aarch64|armv7 runs everything through qemu-user; checks that need
#   valgrind, perf or sanitizers are then skipped and counted as skipped.
#   KIT_TIER=full (make test-all) adds the long checks (fuzzing campaigns):
#   without it they are reported as skipped.
#
# For each lab: the build, the checks every lab gets (lib.sh kit_lab_checks:
# role names, conventions of every program, fuzz corpora), then its test.sh.
# Prints one line per check (ok / FAIL / skip), then "N passed, N failed, N skipped".
# Exit status 0 only when nothing failed.
set -u
KIT_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$KIT_TOP/scripts/lib.sh"

case "${1:-}" in -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

dirs=()
if [ $# -eq 0 ]; then
    dirs=(common)
    for d in "$KIT_TOP"/labs/[0-9][0-9]-*/; do d=${d%/}; dirs+=("labs/${d##*/}"); done
    dirs+=(scripts)
else
    for a in "$@"; do
        a=${a%/}
        case $a in
            common|scripts) dirs+=("$a") ;;
            labs/*) [ -f "$KIT_TOP/$a/Makefile" ] && dirs+=("$a") || { echo "test.sh: no lab '$a'" >&2; exit 2; } ;;
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

# test_dir DIR: one lab (then its sub-labs) or common/.
test_dir() {
    local d=$1 name=${1##*/} t0 sub
    [ "$d" = scripts ] || name=$(cd "$KIT_TOP/$d" && make -s --no-print-directory print-env ARCH="${ARCH:-}" | sed -n "s/.*KIT_LAB='\([^']*\)'.*/\1/p")
    echo "--- $name"
    t0=$(date +%s)
    if [ "$d" = scripts ]; then
        (cd "$KIT_TOP/scripts" && ./selftest.sh) || kit_fail "scripts: selftest.sh exited $?"
    elif ! kit_build "$KIT_TOP/$d"; then
        kit_fail "$name: build"
    else
        (cd "$KIT_TOP/$d" && kit_test_init && kit_lab_checks) || kit_fail "$name: the shared lab checks exited $?"
        if [ -x "$KIT_TOP/$d/test.sh" ]; then
            (cd "$KIT_TOP/$d" && ./test.sh) || kit_fail "$name: test.sh exited $?"
        else
            kit_fail "$name: has a test.sh"
        fi
    fi
    echo "--- $name: $(( $(date +%s) - t0 )) s"
    [ "$d" = scripts ] && return
    for sub in $(cd "$KIT_TOP/$d" && make -s --no-print-directory print-env ARCH="${ARCH:-}" | sed -n "s/.*KIT_SUBLABS='\([^']*\)'.*/\1/p"); do
        test_dir "$d/$sub"
    done
}
for d in "${dirs[@]}"; do test_dir "$d"; done

p=$(grep -c '^pass$' "$KIT_TALLY"); f=$(grep -c '^fail$' "$KIT_TALLY"); s=$(grep -c '^skip$' "$KIT_TALLY")
echo "--- ARCH=${ARCH:-$(uname -m)}, tier ${KIT_TIER:-fast}, $(( $(date +%s) - start )) s"
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
