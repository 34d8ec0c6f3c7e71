#!/usr/bin/env bash
# Lab 4 tests (scripts/test.sh runs this; `make test LAB=4`).
# Every program runs under timeout; racy ones are judged by outcome counts and
# by real tools (helgrind, ThreadSanitizer), never by a single lucky run.
set -u
. ../../scripts/lib.sh
kit_env . ; KIT_OUT=$(mktemp); TMP=$(mktemp -d); trap 'rm -rf "$KIT_OUT" "$TMP"' EXIT
L="lab4"
PROGS="rc_race arc_count ring_racy ring_racy_checked ring_mutex ring_chan"

# --- conventions: --help, and bad input is one line + exit 2 ---------------------
for p in $PROGS; do
    kit_run 10 "$p" --help; rc=$?
    kit_check "$L $p: --help exits 0 with usage" test "$rc" -eq 0 -a -n "$(grep -m1 '^usage:' "$KIT_OUT")"
    for bad in "--bogus" "--threads=x --reads=x" "extra-operand" "--help-me"; do
        # shellcheck disable=SC2086
        kit_run 10 "$p" $bad; rc=$?
        lines=$(wc -l <"$KIT_OUT")
        [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] || { kit_fail "$L $p: rejects '$bad' with one line and exit 2" "exit $rc, $lines lines: $(head -c 200 "$KIT_OUT")"; continue 2; }
    done
    kit_ok "$L $p: rejects bad options and operands with one line and exit 2"
done
for a in "--reads -1" "--reads 12x" "--capacity 0" "--reads 99999999999999999999"; do
    # shellcheck disable=SC2086
    kit_run 10 ring_mutex $a; rc=$?
    kit_check "$L ring_mutex: '$a' exits 2 naming the value" test "$rc" -eq 2 -a -n "$(grep -F -- "'${a#* }'" "$KIT_OUT")"
done
kit_run 10 arc_count --threads 0; rc=$?
kit_check "$L arc_count: '--threads 0' exits 2" test "$rc" -eq 2

# --- the twins that are right: exact results ---------------------------------------
in_order() { # PROG N: ran to completion and read 0..N-1 in order
    grep -q "^$1: read $2 values in order (0\.\.$(($2 - 1)))" "$KIT_OUT"
}
kit_run 300 ring_mutex; rc=$?
kit_check "$L ring_mutex: reads 0..999,999 in order" eval '[ $rc -eq 0 ] && in_order ring_mutex 1000000'
kit_run 300 ring_mutex --reads 200000 --unlock-before-yield; rc=$?
kit_check "$L ring_mutex --unlock-before-yield: reads 0..199,999 in order" eval '[ $rc -eq 0 ] && in_order ring_mutex 200000'
kit_run 300 ring_chan; rc=$?
kit_check "$L ring_chan: reads 0..999,999 in order, writer ends on 'receiver gone'" eval '[ $rc -eq 0 ] && in_order ring_chan 1000000'
kit_run 60 ring_chan --capacity 1 --reads 50000; rc=$?
kit_check "$L ring_chan --capacity 1: reads 0..49,999 in order" eval '[ $rc -eq 0 ] && in_order ring_chan 50000'
ok=1
for t in 2 4 2 4 8; do
    kit_run 60 arc_count --threads $t --iters 1000000; rc=$?
    grep -q "^refcount = 1 after $t threads x 1000000 clones and drops (expected 1): exact" "$KIT_OUT" &&
        grep -q "value freed" "$KIT_OUT" && [ $rc -eq 0 ] || { ok=0; break; }
done
kit_check "$L arc_count: refcount exactly 1 and freed once, 5 runs of 2-8 threads x 10^6" test $ok = 1

# --- the broken ones: the flaw shows ---------------------------------------------------
kit_run 10 rc_race --replay; rc=$?
kit_check "$L rc_race --replay: the book's 7 steps, ending 'counter = 9 (expected 12)' (exact output)" \
    eval '[ $rc -eq 0 ] && diff -u expected/rc_race_replay.txt "$KIT_OUT" >/dev/null'
lost=0
for i in 1 2 3 4 5; do
    kit_run 60 rc_race --threads 2 --iters 5000000
    grep -q 'LOST UPDATES' "$KIT_OUT" && lost=$((lost + 1))
done
kit_check "$L rc_race: plain counter loses updates ($lost of 5 runs wrong)" test $lost -ge 1

for p in ring_racy ring_racy_checked; do
    pass=0 fail=0 hang=0 other=0 bad=""
    for i in 1 2 3 4 5 6; do
        kit_run 30 "$p" --reads 100000 --seconds 3; rc=$?
        head -1 "$KIT_OUT" | grep -q "^$p: BROKEN ON PURPOSE" || other=$((other + 1))
        case $rc in
            0) pass=$((pass + 1)) ;;
            101) fail=$((fail + 1))
                 # a failed assertion reads a value from another lap: |left - right| = k * capacity
                 l=$(sed -n 's/^  left: `\([0-9]*\)`,$/\1/p' "$KIT_OUT" | head -1)
                 r=$(sed -n 's/^ right: `\([0-9]*\)`.*/\1/p' "$KIT_OUT" | head -1)
                 if [ -n "$l" ] && [ $(( (l - r) % 10 )) -ne 0 ]; then bad="left $l right $r"; fi ;;
            124) hang=$((hang + 1)) ;;
            *) other=$((other + 1)); bad="exit $rc" ;;
        esac
    done
    kit_check "$L $p: the race shows (6 runs: $pass passed, $fail assertion, $hang hung)" \
        test $((fail + hang)) -ge 1 -a $other -eq 0 -a -z "$bad"
    [ -z "$bad" ] || echo "      $bad"
done

# --- helgrind: the race on every run; the twins clean -----------------------------------
if kit_have valgrind; then
    cd "$TMP" || exit 1
    outcomes=""; ok=1
    for i in 1 2 3; do
        timeout -k 5 120 valgrind --tool=helgrind --history-level=full --log-file=hg$i.txt \
            "$KIT_BIN/ring_racy" >"$KIT_OUT" 2>&1; rc=$?
        outcomes="$outcomes $rc"
        awk '/Possible data race/{r=1; w=0; rd=0; lk=0}
             r && /Locks held: none/{lk++}
             r && / at .*: writer \(/{w=1}
             r && / at .*: reader \(/{rd=1}
             r && w && rd && lk>=2 {found=1}
             END{exit !found}' hg$i.txt &&
            grep -q 'inside a block of size 80 alloc' hg$i.txt &&
            grep -q 'inside a block of size 24 alloc' hg$i.txt || { ok=0; cp hg$i.txt "$KIT_TOP/build/lab4-helgrind-failed.txt"; }
    done
    kit_check "$L ring_racy: helgrind reports writer/reader race, locks held: none, on the 80-byte slots and 24-byte ring, every run (exits:$outcomes; 0 = assertion passed)" test $ok = 1
    for run in "ring_mutex --reads 5000" "ring_chan --reads 20000" "arc_count --iters 20000"; do
        # shellcheck disable=SC2086
        timeout -k 5 300 valgrind --tool=helgrind --log-file=hg.txt "$KIT_BIN/"$run >"$KIT_OUT" 2>&1; rc=$?
        kit_check "$L ${run%% *}: helgrind ERROR SUMMARY: 0 errors ($run)" \
            eval '[ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors from 0 contexts" hg.txt'
    done
    timeout -k 5 120 valgrind --tool=helgrind --log-file=hg.txt "$KIT_BIN/rc_race" --iters 10000 >"$KIT_OUT" 2>&1
    kit_check "$L rc_race: helgrind reports the race on the counter" \
        eval 'grep -q "Possible data race" hg.txt && grep -q "clone_and_drop (rc_race.c" hg.txt'
    for run in "ring_chan --reads 10000" "arc_count --iters 10000"; do
        # shellcheck disable=SC2086
        timeout -k 5 120 valgrind --leak-check=full --error-exitcode=9 --log-file=mc.txt "$KIT_BIN/"$run >"$KIT_OUT" 2>&1; rc=$?
        kit_check "$L ${run%% *}: memcheck 0 errors, all heap blocks freed" \
            eval '[ $rc -eq 0 ] && grep -q "All heap blocks were freed" mc.txt && grep -q "ERROR SUMMARY: 0 errors" mc.txt'
    done
    cd - >/dev/null || exit 1
else
    kit_skip "$L helgrind/memcheck verdicts" "valgrind not available for ARCH=$KIT_ARCH"
fi

# --- sanitizers: TSan flags the racy ones and passes the twins; ASan/UBSan clean ----------
if [ "$KIT_NATIVE" = 1 ]; then
    for san in thread address undefined; do
        if ! kit_build . $san 2>"$TMP/build.txt"; then
            kit_skip "$L SAN=$san checks" "sanitizer build failed: $(head -c 200 "$TMP/build.txt")"; continue
        fi
        kit_env . $san
        for run in "ring_mutex --reads 100000" "ring_chan --reads 100000" "arc_count --iters 100000" "rc_race --replay"; do
            # shellcheck disable=SC2086
            kit_run 120 $run; rc=$?
            kit_check "$L ${run%% *}: clean under SAN=$san ($run)" \
                eval '[ $rc -eq 0 ] && ! grep -q "Sanitizer\|runtime error" "$KIT_OUT"'
        done
        if [ $san = thread ]; then
            for p in ring_racy ring_racy_checked; do
                kit_run 60 $p --seconds 5
                kit_check "$L $p: ThreadSanitizer reports a data race in writer/reader" \
                    eval 'grep -q "WARNING: ThreadSanitizer: data race" "$KIT_OUT" && grep -q "#0 writer" "$KIT_OUT" && grep -q "#0 reader" "$KIT_OUT"'
            done
            kit_run 60 rc_race --iters 10000
            kit_check "$L rc_race: ThreadSanitizer reports the counter race" grep -q "WARNING: ThreadSanitizer: data race" "$KIT_OUT"
        fi
        kit_env .
    done
else
    kit_skip "$L sanitizer checks" "not run under qemu (ARCH=$KIT_ARCH)"
fi
