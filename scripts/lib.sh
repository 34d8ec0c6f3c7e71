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
# (124 = timed out, i.e. hung; 128+N = killed by signal N).  The subshell keeps
# bash's own "Segmentation fault" notice for crashes that are expected out of
# the test output.
kit_run() {
    local secs=$1 prog=$2; shift 2
    # shellcheck disable=SC2086
    ( timeout -k 5 "$secs" $KIT_RUN "$KIT_BIN/$prog" "$@" >"$KIT_OUT" 2>&1; exit $? ) 2>/dev/null
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

# ---- shared pieces of the labs' test.sh and demo.sh -----------------------------

# kit_test_init: a lab test's prologue: this lab's variables, $KIT_OUT and $TMP
# (both removed at exit).
kit_test_init() {
    kit_env .
    KIT_OUT=$(mktemp); TMP=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$KIT_OUT' '$TMP'" EXIT
}

# kit_conventions LABEL PROG...: every program answers --help with usage on
# stdout and exit 0, and rejects an unknown option, a stray operand and a
# near-miss option each with one line on stderr and exit 2 (SPEC section 4).
kit_conventions() {
    local label=$1 p bad rc lines; shift
    for p in "$@"; do
        kit_run 10 "$p" --help; rc=$?
        kit_check "$label $p: --help exits 0 with usage" test "$rc" -eq 0 -a -n "$(grep -m1 '^usage:' "$KIT_OUT")"
        for bad in --bogus extra-operand --help-me; do
            kit_run 10 "$p" "$bad"; rc=$?
            lines=$(wc -l <"$KIT_OUT")
            if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ]; then
                kit_fail "$label $p: rejects '$bad' with one line and exit 2" "exit $rc, $lines lines: $(head -c 200 "$KIT_OUT")"
                continue 2
            fi
        done
        kit_ok "$label $p: rejects bad options and operands with one line and exit 2"
    done
}

# kit_bad_values LABEL "PROG ARGS..." ...: each command exits 2 with one line
# that quotes its last argument (the bad value).
kit_bad_values() {
    local label=$1 a rc; shift
    for a in "$@"; do
        # shellcheck disable=SC2086
        kit_run 10 $a; rc=$?
        kit_check "$label ${a%% *}: '${a#* }' exits 2 with one line naming the value" \
            test "$rc" -eq 2 -a "$(wc -l <"$KIT_OUT")" -eq 1 -a -n "$(grep -F -- "'${a##* }'" "$KIT_OUT")"
    done
}

# kit_san_build SAN: build this lab with the sanitizer and switch KIT_BIN to it;
# on failure report a skip and return 1.  kit_env . switches back.
kit_san_build() {
    if ! kit_build . "$1" 2>"$TMP/san-build.txt"; then
        kit_skip "${L:-lab} SAN=$1 checks" "sanitizer build failed: $(head -c 200 "$TMP/san-build.txt")"
        return 1
    fi
    kit_env . "$1"
}

# kit_san_clean LABEL SAN "PROG ARGS..." ...: each run exits 0 with no
# sanitizer report (the build from kit_san_build).
kit_san_clean() {
    local label=$1 san=$2 run rc; shift 2
    for run in "$@"; do
        # shellcheck disable=SC2086
        kit_run 120 $run; rc=$?
        kit_check "$label ${run%% *}: clean under SAN=$san (${run:0:48})" \
            eval '[ $rc -eq 0 ] && ! grep -q "Sanitizer\|runtime error" "$KIT_OUT"'
    done
}

# kit_demo_init: a demo's prologue: variables, $TMP, the summary list, and the
# qemu caveat when the binaries are cross-built.
kit_demo_init() {
    kit_env .
    TMP=$(mktemp -d)
    # shellcheck disable=SC2064
    trap "rm -rf '$TMP'" EXIT
    KIT_SUMMARY=()
    [ "$KIT_NATIVE" = 1 ] || echo "Running ARCH=$KIT_ARCH binaries under qemu-user: qemu runs ARM code with this host's memory ordering and speed, so nothing here is an ARM result."
}
# kit_show PROG ARGS...: print the command line, then run it (qemu when cross, 300 s cap).
kit_show() {
    echo "\$ $*"
    # shellcheck disable=SC2086
    timeout -k 5 300 $KIT_RUN "$KIT_BIN/$1" "${@:2}"
}
# kit_note NAME TEXT: one line for the closing summary.
kit_note() { KIT_SUMMARY+=("$(printf "%-${KIT_NOTE_WIDTH:-22}s %s" "$1" "$2")"); }
# kit_summary LAB: print the summary and where to read more.
kit_summary() {
    kit_say "Summary"
    printf '  %s\n' "${KIT_SUMMARY[@]}"
    local n=${1%%-*}
    echo "Next: labs/$1/README.md explains what to look for; scripts/measure.sh $((10#$n)) records the numbers."
}

# kit_libfuzzer LABEL BINARY CORPUS RUNS SECS MAXLEN: build the lab's libFuzzer
# target (`make fuzz-libfuzzer-build`, which writes build/fuzz/<lab>/BINARY)
# and run it from a copy of CORPUS for at most RUNS inputs or SECS seconds;
# ok if it ends without a crash.  Skips without clang's fuzzer or under qemu.
kit_libfuzzer() {
    local label=$1 bin=$2 corpus=$3 runs=$4 secs=$5 maxlen=$6 rc
    if [ "$KIT_NATIVE" != 1 ] || ! command -v clang >/dev/null 2>&1; then
        kit_skip "$label: libFuzzer run" "needs clang and a native build"; return
    fi
    if ! make -s --no-print-directory fuzz-libfuzzer-build >"$TMP/fbuild.txt" 2>&1; then
        kit_skip "$label: libFuzzer run" "clang's fuzzer runtime is missing: $(tail -1 "$TMP/fbuild.txt")"; return
    fi
    rm -rf "$TMP/lf"; mkdir -p "$TMP/lf" && cp "$corpus"/* "$TMP/lf/"
    (cd "$TMP" && timeout -k 5 $((secs + 60)) "$KIT_TOP/build/fuzz/$KIT_LAB/$bin" -seed=1 -runs="$runs" \
        -max_total_time="$secs" -max_len="$maxlen" "$TMP/lf") >"$KIT_OUT" 2>&1; rc=$?
    kit_check "$label: libFuzzer (ASan+UBSan) runs up to $runs inputs ($secs s) with no crash or contract failure" \
        eval '[ $rc -eq 0 ] && grep -q "^Done [0-9]* runs" "$KIT_OUT"'
}

# kit_unit LABEL MIN SECS PROG [ARGS...]: run a test program that prints one
# "ok <check>" or "FAIL <check>: <detail>" line per check, relay each as a
# suite line "LABEL: <check>", and fail if it ran fewer than MIN checks or
# exited non-zero without reporting a FAIL (a crash mid-way, say).
kit_unit() {
    local label=$1 min=$2 secs=$3 rc n=0 failed=0 line; shift 3
    kit_run "$secs" "$@"; rc=$?
    while IFS= read -r line; do
        case $line in
            "ok "*) kit_ok "$label: ${line#ok }"; n=$((n + 1)) ;;
            "FAIL "*) kit_fail "$label: ${line#FAIL }"; n=$((n + 1)); failed=1 ;;
        esac
    done <"$KIT_OUT"
    if { [ $rc -ne 0 ] && [ $failed = 0 ]; } || [ $n -lt "$min" ]; then
        kit_fail "$label: ran all its checks (at least $min)" "exit $rc, $n checks: $(tail -n 3 "$KIT_OUT")"
    fi
}
