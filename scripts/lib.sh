# lib.sh - shell helpers shared by scripts/*.sh and the labs' demo.sh/test.sh.
# Source it:  . "$KIT_TOP/scripts/lib.sh"   (KIT_TOP is found if unset).

: "${KIT_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export KIT_TOP

# kit_env LABDIR [SAN]: set KIT_BIN, KIT_RUN, KIT_ARCH, KIT_NATIVE ... for a lab,
# asking make so that the shell and the Makefiles never disagree.
kit_env() {
    local dir=$1 san=${2:-}
    eval "$(make -s --no-print-directory -C "$dir" print-env ARCH="${ARCH:-}" SAN="$san")"
}

# kit_build LABDIR [SAN]: build a lab quietly; prints the compiler output on failure.
kit_build() {
    local dir=$1 san=${2:-} log
    log=$(make -s --no-print-directory -C "$dir" ARCH="${ARCH:-}" SAN="$san" 2>&1) || { printf '%s\n' "$log" >&2; return 1; }
}

# kit_have TOOL: true if TOOL is installed and usable for this ARCH's binaries.
# valgrind and perf only run native binaries (not through qemu).
kit_have() {
    case $1 in
        valgrind|perf) [ "${KIT_NATIVE:-1}" = 1 ] && command -v "$1" >/dev/null 2>&1 ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

# kit_run SECS PROG [ARGS...]: run a lab program (through qemu when cross) under
# timeout.  stdout+stderr go to $KIT_OUT (a file); the exit status is returned
# (124 = timed out, i.e. hung).
kit_run() {
    local secs=$1 prog=$2; shift 2
    # shellcheck disable=SC2086
    timeout -k 5 "$secs" $KIT_RUN "$KIT_BIN/$prog" "$@" >"$KIT_OUT" 2>&1
}

# kit_valgrind SECS TOOL LOG PROG [ARGS...]: run under valgrind --tool=TOOL,
# valgrind's own report in LOG, program output in $KIT_OUT.  --fair-sched: a
# program that yields while holding a lock can otherwise starve under valgrind.
kit_valgrind() {
    local secs=$1 tool=$2 log=$3 prog=$4; shift 4
    timeout -k 5 "$secs" valgrind --tool="$tool" --fair-sched=try --log-file="$log" "$KIT_BIN/$prog" "$@" >"$KIT_OUT" 2>&1
}

# ---- test reporting: one line per check, tallied in $KIT_TALLY --------------
# kit_ok WHAT / kit_fail WHAT [DETAIL...] / kit_skip WHAT WHY
# WHAT reads "lab program: what was checked".
kit_ok()   { printf 'ok    %s\n' "$1"; [ -n "${KIT_TALLY:-}" ] && echo pass >>"$KIT_TALLY"; return 0; }
kit_fail() {
    printf 'FAIL  %s\n' "$1"; shift
    local d; for d in "$@"; do printf '      %s\n' "$d"; done
    [ -n "${KIT_TALLY:-}" ] && echo fail >>"$KIT_TALLY"; return 0
}
kit_skip() { printf 'skip  %s (%s)\n' "$1" "$2"; [ -n "${KIT_TALLY:-}" ] && echo skip >>"$KIT_TALLY"; return 0; }

# kit_check WHAT CMD...: ok if CMD succeeds, FAIL (showing $KIT_OUT's tail) otherwise.
kit_check() {
    local what=$1; shift
    if "$@"; then kit_ok "$what"; else kit_fail "$what" "$(tail -n 5 "$KIT_OUT" 2>/dev/null)"; fi
}

# kit_say TEXT: a demo's one-line explanation, set off from program output.
kit_say() {
    if [ -t 1 ]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi
}
