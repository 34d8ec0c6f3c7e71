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
# A flavour build (SAN set) is the lab's own, without its sub-labs: each
# sub-lab's tests build the flavours they need.
kit_build() {
    local dir=$1 san=${2:-} log
    log=$(make -s --no-print-directory -j"${KIT_JOBS:-$(nproc)}" -C "$dir" ARCH="${ARCH:-}" SAN="$san" ${san:+SUBLABS=} 2>&1) ||
        { printf '%s\n' "$log" >&2; return 1; }
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

# kit_valgrind SECS TOOL LOG PROG [ARGS...]: run PROG's valgrind-flavour build
# (SAN=valgrind: helgrind annotations compiled in) under valgrind; TOOL is the
# tool and its options as one word list ("memcheck --leak-check=full").
# valgrind's report goes to LOG, the program's output to $KIT_OUT; returns the
# program's exit status.  Call kit_vg_ready first.  --fair-sched: a program
# that yields while holding a lock can otherwise starve under valgrind.
kit_valgrind() {
    local secs=$1 log=$3 prog=$4 vt; read -r -a vt <<<"$2"; shift 4
    timeout -k 5 "$secs" valgrind --tool="${vt[0]}" "${vt[@]:1}" --fair-sched=try --log-file="$log" \
        "$KIT_TOP/build/$KIT_ARCH-valgrind/$KIT_LAB/$prog" "$@" >"$KIT_OUT" 2>&1
}

# kit_vg_ready WHAT: true when valgrind can run this lab's programs: native,
# installed, and the valgrind flavour built (once; make is incremental).
# Otherwise reports WHAT as skipped and returns 1.
kit_vg_ready() {
    if ! kit_have valgrind; then kit_skip "$1" "needs valgrind and a native build"; return 1; fi
    if [ -z "${KIT_VG_BUILT:-}" ]; then
        if ! kit_build "$KIT_TOP/$KIT_LABDIR" valgrind 2>"$TMP/vg-build.txt"; then
            kit_skip "$1" "valgrind build failed: $(head -c 200 "$TMP/vg-build.txt")"; return 1
        fi
        KIT_VG_BUILT=1
    fi
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
# near-miss option each with one line on stderr and exit 2 (CONTRIBUTING.md).
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
    KIT_OUT=$TMP/kit_out   # where kit_run and kit_valgrind put a program's output
    # shellcheck disable=SC2064
    trap "rm -rf '$TMP'" EXIT
    KIT_SUMMARY=()
    [ "$KIT_NATIVE" = 1 ] || echo "Running ARCH=$KIT_ARCH binaries under qemu-user: qemu runs ARM code with this host's memory ordering and speed, so nothing here is an ARM result."
}
# kit_show PROG ARGS...: print the command line, then run it (qemu when cross, 300 s cap).
# A crash the demo expects is the demo's to describe: the shell's own job notice
# ("line N: PID Aborted ...") goes to the subshell's silenced stderr, while the
# program's stderr reaches the terminal through fd 3.  Returns the program's status.
kit_show() {
    echo "\$ $*"
    # shellcheck disable=SC2086
    ( timeout -k 5 300 $KIT_RUN "$KIT_BIN/$1" "${@:2}" 2>&3; exit $? ) 3>&2 2>/dev/null
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

# kit_unit LABEL MIN SECS PROG [ARGS...]: run a test program written with
# common/check.h ("ok <check>" / "FAIL <check>: <detail>" lines, then the
# closing "# N checks, F failed"), relay each check as a suite line
# "LABEL: <check>", and fail if it ran fewer than MIN checks, did not reach its
# closing line, or exited non-zero without reporting a FAIL (a crash mid-way).
kit_unit() {
    local label=$1 min=$2 secs=$3 rc n=0 failed=0 line; shift 3
    kit_run "$secs" "$@"; rc=$?
    while IFS= read -r line; do
        case $line in
            "ok "*) kit_ok "$label: ${line#ok }"; n=$((n + 1)) ;;
            "FAIL "*) kit_fail "$label: ${line#FAIL }"; n=$((n + 1)); failed=1 ;;
        esac
    done <"$KIT_OUT"
    if { [ $rc -ne 0 ] && [ $failed = 0 ]; } || [ $n -lt "$min" ] || ! grep -Eq '^# [0-9]+ checks, [0-9]+ failed$' "$KIT_OUT"; then
        kit_fail "$label: ran all its checks (at least $min) to its closing line" "exit $rc, $n checks: $(tail -n 3 "$KIT_OUT")"
    fi
}

# ---- assertions: one call per check --------------------------------------------

# kit_expect WHAT SECS RC [+REGEX | -REGEX]... -- PROG [ARGS...]: run PROG (kit_run);
# ok when it exits RC (124: hung until the timeout; "any": whatever it exits),
# every +REGEX matches a line of its output and no -REGEX does (grep -E).  The
# output stays in $KIT_OUT for further checks.  Returns 0 when ok.
kit_expect() {
    local what=$1 secs=$2 want=$3 rc re miss=""; shift 3
    local pats=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do pats+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    kit_run "$secs" "$@"; rc=$?
    [ "$want" = any ] || [ "$rc" -eq "$want" ] || miss="exit $rc, want $want"
    for re in ${pats[@]+"${pats[@]}"}; do
        case $re in
            +*) grep -Eq -- "${re#+}" "$KIT_OUT" || miss="${miss:+$miss; }no line matches '${re#+}'" ;;
            -*) grep -Eq -- "${re#-}" "$KIT_OUT" && miss="${miss:+$miss; }a line matches '${re#-}'" ;;
            *) miss="${miss:+$miss; }kit_expect: pattern '$re' needs a + or - prefix" ;;
        esac
    done
    if [ -z "$miss" ]; then kit_ok "$what"; return 0; fi
    kit_fail "$what" "$miss" "$(tail -n 5 "$KIT_OUT")"; return 1
}

# kit_same WHAT FILE SECS PROG [ARGS...]: ok when PROG exits 0 and prints exactly FILE.
kit_same() {
    local what=$1 want=$2 secs=$3 rc; shift 3
    kit_run "$secs" "$@"; rc=$?
    if [ "$rc" -eq 0 ] && diff -q "$want" "$KIT_OUT" >/dev/null; then kit_ok "$what"; return 0; fi
    kit_fail "$what" "exit $rc" "$(diff "$want" "$KIT_OUT" | head -n 8)"; return 1
}

# vg_errors LOG: the count of valgrind's "ERROR SUMMARY: N errors" (empty if none).
kit_vg_errors() { sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$1" | tail -n 1; }

# The verdict helpers leave valgrind's report in $TMP/hg.log (helgrind) or
# $TMP/mc.log (memcheck) for further checks, e.g. "All heap blocks were freed".

# kit_helgrind_clean WHAT SECS PROG [ARGS...]: helgrind reports 0 errors and PROG exits 0.
kit_helgrind_clean() {
    local what=$1 secs=$2 rc n; shift 2
    kit_vg_ready "$what" || return 0
    kit_valgrind "$secs" helgrind "$TMP/hg.log" "$@"; rc=$?
    n=$(kit_vg_errors "$TMP/hg.log")
    if [ "$rc" -eq 0 ] && [ "$n" = 0 ]; then kit_ok "$what"; else
        kit_fail "$what" "exit $rc, helgrind errors ${n:-none}" "$(grep -m 3 -A 3 'Possible data race\|lock order' "$TMP/hg.log")"; fi
}

# kit_helgrind_races WHAT SECS FUNC PROG [ARGS...]: helgrind reports at least one
# possible data race with FUNC in its stack (the flaw of a broken-on-purpose program).
kit_helgrind_races() {
    local what=$1 secs=$2 fn=$3 n; shift 3
    kit_vg_ready "$what" || return 0
    kit_valgrind "$secs" helgrind "$TMP/hg.log" "$@"
    n=$(grep -c 'Possible data race' "$TMP/hg.log")
    if [ "$n" -gt 0 ] && grep -A 12 'Possible data race' "$TMP/hg.log" | grep -q "[ :]$fn[ (]"; then kit_ok "$what"; else
        kit_fail "$what" "$n race reports, $fn in a race stack: $(grep -A 12 'Possible data race' "$TMP/hg.log" | grep -c "[ :]$fn[ (]")"; fi
}

# kit_memcheck_clean WHAT SECS PROG [ARGS...]: memcheck finds 0 errors, nothing
# definitely, indirectly or possibly lost, and PROG exits 0.
kit_memcheck_clean() {
    local what=$1 secs=$2 rc n; shift 2
    kit_vg_ready "$what" || return 0
    kit_valgrind "$secs" "memcheck --leak-check=full" "$TMP/mc.log" "$@"; rc=$?
    n=$(kit_vg_errors "$TMP/mc.log")
    if [ "$rc" -eq 0 ] && [ "$n" = 0 ] && ! grep -Eq '(definitely|indirectly|possibly) lost: [1-9]' "$TMP/mc.log"; then
        kit_ok "$what"; else kit_fail "$what" "exit $rc, memcheck errors ${n:-none}" "$(grep -m 4 'lost:\|Invalid\|uninitialised' "$TMP/mc.log")"; fi
}

# kit_memcheck_finds WHAT SECS REGEX PROG [ARGS...]: memcheck's report matches
# REGEX (grep -E): the flaw of a broken-on-purpose program shows.
kit_memcheck_finds() {
    local what=$1 secs=$2 re=$3; shift 3
    kit_vg_ready "$what" || return 0
    kit_valgrind "$secs" memcheck "$TMP/mc.log" "$@"
    if grep -Eq -- "$re" "$TMP/mc.log"; then kit_ok "$what"; else
        kit_fail "$what" "memcheck's report has no line matching '$re'" "$(grep -m 3 'ERROR SUMMARY\|lost:' "$TMP/mc.log")"; fi
}

# ---- the checks every lab gets without listing anything -------------------------

# kit_lab_checks: run by scripts/test.sh in each lab's folder before its
# test.sh (CONTRIBUTING.md, "Roles"): program names carry their Makefile
# group's role, test.sh runs every test program, measure.conf every benchmark,
# every fuzz target has a seed corpus that replays clean under ASan and UBSan,
# and every program follows the command-line conventions.
kit_lab_checks() {
    local L=$KIT_LAB p bad="" all="$KIT_PROGS $KIT_TESTS $KIT_BENCHES $KIT_FUZZ"
    for p in $KIT_PROGS; do case $p in *_test|*_prop|*_stress|*_bench|*_fuzz) bad="$bad $p(PROGS)" ;; esac; done
    for p in $KIT_TESTS; do case $p in *_test|*_prop|*_stress) ;; *) bad="$bad $p(TESTS)" ;; esac; done
    for p in $KIT_BENCHES; do case $p in *_bench) ;; *) bad="$bad $p(BENCHES)" ;; esac; done
    for p in $KIT_FUZZ; do case $p in *_fuzz) ;; *) bad="$bad $p(FUZZ)" ;; esac; done
    [ -z "$bad" ] && kit_ok "$L: every program's name carries its Makefile group's role" ||
        kit_fail "$L: every program's name carries its Makefile group's role" "misnamed:$bad"
    if [ -n "$KIT_TESTS" ]; then
        bad=""; for p in $KIT_TESTS; do grep -v '^ *#' test.sh 2>/dev/null | grep -qw -- "$p" || bad="$bad $p"; done
        [ -z "$bad" ] && kit_ok "$L: test.sh runs every test program ($KIT_TESTS)" ||
            kit_fail "$L: test.sh runs every test program" "not run:$bad"
    fi
    if [ -n "$KIT_BENCHES" ]; then
        bad=""; for p in $KIT_BENCHES; do grep -v '^ *#' measure.conf 2>/dev/null | grep -qw -- "$p" || bad="$bad $p"; done
        [ -z "$bad" ] && kit_ok "$L: measure.conf runs every benchmark ($KIT_BENCHES)" ||
            kit_fail "$L: measure.conf runs every benchmark" "not measured:$bad"
    fi
    # units of the kit_metric calls written with a literal unit (kit_metric aborts at run time too)
    local units u; units=$(sed -n 's/^#define KIT_UNITS "\(.*\)"$/\1/p' "$KIT_TOP/common/kit.h")
    bad=""
    for u in $(cat ./*.c 2>/dev/null | tr '\n' ' ' | grep -oP 'kit_metric\([^;]*?,\s*"\K[^"]*(?="\s*\)\s*;)' | sort -u); do
        case " $units " in *" $u "*) ;; *) bad="$bad '$u'" ;; esac
    done
    [ -z "$bad" ] && kit_ok "$L: every METRIC unit is one of KIT_UNITS" || kit_fail "$L: every METRIC unit is one of KIT_UNITS" "found:$bad"
    # shellcheck disable=SC2086
    kit_conventions "$L" $all
    [ -n "$KIT_FUZZ" ] && kit_fuzz_replay
    return 0
}

# kit_fuzz_replay: every FUZZ target's seed corpus (corpus/NAME/) replays
# through its entry point with exit 0 and no report under SAN=address and
# SAN=undefined.  Inputs that crash on purpose live elsewhere (crashes/).
kit_fuzz_replay() {
    local L=$KIT_LAB p san rc
    for p in $KIT_FUZZ; do
        if [ -z "$(ls -A "corpus/$p" 2>/dev/null)" ]; then kit_fail "$L $p: has a seed corpus in corpus/$p/"; fi
    done
    if [ "$KIT_NATIVE" != 1 ]; then kit_skip "$L: fuzz corpus replays under ASan/UBSan" "sanitizers run native builds only"; return; fi
    for san in address undefined; do
        kit_san_build "$san" || continue
        for p in $KIT_FUZZ; do
            [ -d "corpus/$p" ] || continue
            kit_run 300 "$p" corpus/"$p"/*; rc=$?
            kit_check "$L $p: its corpus ($(ls "corpus/$p" | wc -l) inputs) replays clean under SAN=$san" \
                eval '[ $rc -eq 0 ] && ! grep -q "Sanitizer\|runtime error" "$KIT_OUT"'
        done
    done
    kit_env .
}

# kit_long WHAT: true in the full tier (`make test-all`, KIT_TIER=full);
# otherwise reports WHAT as skipped, left to the full tier, and returns 1.
# For checks whose cost is time rather than coverage (fuzzing campaigns,
# soaks), so that `make test` stays inside its budget (CONTRIBUTING.md).
kit_long() {
    [ "${KIT_TIER:-}" = full ] && return 0
    kit_skip "$1" "long check: make test-all runs it"; return 1
}

# kit_libfuzzer WHAT TARGET RUNS SECS MAXLEN: (full tier only: kit_long) build the lab's libFuzzer flavour
# (SAN=libfuzzer) and run TARGET from a copy of corpus/TARGET/ for at most RUNS
# inputs or SECS seconds; ok if it ends without a crash.  Skips without clang's
# fuzzer runtime or under qemu.
kit_libfuzzer() {
    local what=$1 bin=$2 runs=$3 secs=$4 maxlen=$5 rc
    kit_long "$what" || return 0
    if [ "$KIT_NATIVE" != 1 ] || ! command -v clang >/dev/null 2>&1; then
        kit_skip "$what" "needs clang and a native build"; return
    fi
    if ! kit_build . libfuzzer 2>"$TMP/fbuild.txt"; then
        kit_skip "$what" "clang's fuzzer runtime is missing: $(tail -n 1 "$TMP/fbuild.txt")"; return
    fi
    rm -rf "$TMP/lf"; mkdir -p "$TMP/lf" && cp "corpus/$bin"/* "$TMP/lf/"
    (cd "$TMP" && timeout -k 5 $((secs + 60)) "$KIT_TOP/build/$KIT_ARCH-libfuzzer/$KIT_LAB/$bin" -seed=1 -runs="$runs" \
        -max_total_time="$secs" -max_len="$maxlen" "$TMP/lf") >"$KIT_OUT" 2>&1; rc=$?
    kit_check "$what" eval '[ $rc -eq 0 ] && grep -q "^Done [0-9]* runs" "$KIT_OUT"'
}
