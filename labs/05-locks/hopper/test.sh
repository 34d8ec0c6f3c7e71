#!/usr/bin/env bash
# Hopper's tests (lab 5, second half).  Standalone: cd labs/05-locks/hopper && ./test.sh
# (builds first; prints "N passed, N failed, N skipped" and exits 1 on a failure).
# Called from the lab's test.sh it reports into the caller's tally.
# Every program runs under timeout; queue directories go under a private
# TMPDIR that is removed at the end.
set -u
cd "$(dirname "$0")" || exit 1
. ../../../scripts/lib.sh
OWN_TALLY=0
if [ -z "${KIT_TALLY:-}" ]; then export KIT_TALLY; KIT_TALLY=$(mktemp); OWN_TALLY=1; fi
KIT_OUT=$(mktemp); TMP=$(mktemp -d)
trap 'rm -rf "$KIT_OUT" "$TMP"; [ $OWN_TALLY = 1 ] && rm -f "$KIT_TALLY"' EXIT
export TMPDIR="$TMP"
L="lab5 hopper"
kit_build . || { kit_fail "$L: build"; exit 1; }
kit_env .
PROGS="hopper_deque_stress hopper_deque_stress_unannotated hopper_deque_stress_relaxed hopper_test hopper_example hopper_strand hopper_qc hopper_loop hopper_afl hopper_bench"
native() { [ "$KIT_NATIVE" = 1 ]; }
# Smaller counts under qemu (ARM code emulated on this host: slower, and with
# the host's memory ordering, so no ordering result from qemu counts).
if native; then N=1000000; NQ=100; LOOP=2501; else N=1000000; NQ=50; LOOP=250; fi

# --- conventions: --help, and bad input is one line + exit 2 ---------------------
for p in $PROGS; do
    kit_run 10 "$p" --help; rc=$?
    kit_check "$L $p: --help exits 0 with usage" test "$rc" -eq 0 -a -n "$(grep -m1 '^usage:' "$KIT_OUT")"
    for bad in "--bogus" "--threads=x --reads=x" "extra-operand" "--help-me"; do
        # shellcheck disable=SC2086
        kit_run 10 "$p" $bad </dev/null; rc=$?
        lines=$(wc -l <"$KIT_OUT")
        [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] || { kit_fail "$L $p: rejects '$bad' with one line and exit 2" "exit $rc, $lines lines: $(head -c 200 "$KIT_OUT")"; continue 2; }
    done
    kit_ok "$L $p: rejects bad options and operands with one line and exit 2"
done
for a in "hopper_deque_stress --items 0" "hopper_deque_stress --producers 65" "hopper_example --reads 12x" \
         "hopper_strand --count -1" "hopper_loop --iters 99999999999999999999" "hopper_qc --only nosuch"; do
    # shellcheck disable=SC2086
    kit_run 10 $a; rc=$?
    kit_check "$L ${a%% *}: '${a#* }' exits 2 naming the value" test "$rc" -eq 2 -a -n "$(grep -F -- "'${a##* }'" "$KIT_OUT")"
done

# --- the deque alone ---------------------------------------------------------------
fifo() { grep -q "^$1: $2 producer(s) x $3 items through $4 slots: FIFO per producer, none lost, none duplicated$" "$KIT_OUT"; }
kit_run 120 hopper_deque_stress --items $N; rc=$?
kit_check "$L hopper_deque_stress: 1 producer x $N items, FIFO, none lost or duplicated" eval '[ $rc -eq 0 ] && fifo hopper_deque_stress 1 $N 16'
kit_run 120 hopper_deque_stress --producers 4 --items $((N / 5)) --capacity 4; rc=$?
kit_check "$L hopper_deque_stress: 4 producers x $((N / 5)) items through 4 slots, per-producer FIFO" eval '[ $rc -eq 0 ] && fifo hopper_deque_stress 4 $((N / 5)) 4'
kit_run 120 hopper_deque_stress --producers 2 --items $((N / 5)) --capacity 1; rc=$?
kit_check "$L hopper_deque_stress: 2 producers through 1 slot (every push meets full or empty)" eval '[ $rc -eq 0 ] && fifo hopper_deque_stress 2 $((N / 5)) 1'
kit_run 60 hopper_deque_stress_relaxed --items 1000; rc=$?
kit_check "$L hopper_deque_stress_relaxed: says BROKEN ON PURPOSE in its first line" eval 'head -1 "$KIT_OUT" | grep -q "^hopper_deque_stress_relaxed: BROKEN ON PURPOSE: size accessed with memory_order_relaxed"'
if native && [ "$KIT_ARCH" != x86_64 ]; then
    # real ARM: the relaxed size lets the consumer see the count before the slot
    bad=0
    for _ in 1 2 3 4 5; do
        kit_run 120 hopper_deque_stress_relaxed --producers 2 --items 2000000 --capacity 2; rc=$?
        [ $rc -ne 0 ] && bad=$((bad + 1))
    done
    if [ $bad -gt 0 ]; then kit_ok "$L hopper_deque_stress_relaxed: the unordered hand-off fails on this ARM CPU ($bad of 5 runs)"
    else kit_skip "$L hopper_deque_stress_relaxed: the unordered hand-off fails on ARM" "5 runs passed by luck; TSan decides"; fi
else
    kit_skip "$L hopper_deque_stress_relaxed: fails on weakly ordered hardware" \
        "$( native && echo "x86 is TSO: the stores stay in order" || echo "qemu runs ARM code with the host's ordering")"
fi

# --- hopper's semantics, scenario by scenario (exact) --------------------------------
kit_unit "$L hopper_test" 25 120 hopper_test

# --- the book's example ------------------------------------------------------------
kit_run 300 hopper_example; rc=$?
kit_check "$L hopper_example: reads 0..999,999 in order through 10 slots + 1 MiB files (writer retries on FULL)" \
    eval '[ $rc -eq 0 ] && grep -q "^hopper_example: read 1000000 values in order (0..999999)$" "$KIT_OUT" && grep -q "queue files created [1-9]" "$KIT_OUT"'
kit_run 300 hopper_example --exit-on-full; rc=$?
acc=$(sed -n 's/^hopper_example: writer: \([0-9]*\) sends accepted.*/\1/p' "$KIT_OUT")
stuck=$(sed -n 's/^hopper_example: reader stuck at \([0-9]*\) of.*TIMEDOUT.*/\1/p' "$KIT_OUT")
if [ $rc -eq 3 ]; then
    kit_check "$L hopper_example --exit-on-full: the book's writer stops at FULL; the reader got all $acc accepted values, then starves (exit 3)" \
        eval '[ -n "$acc" ] && [ "$stuck" = "$acc" ] && grep -q "writer stops at its first error (FULL)" "$KIT_OUT"'
else
    kit_check "$L hopper_example --exit-on-full: the writer never met FULL this run; reader completed" eval '[ $rc -eq 0 ] && grep -q "^hopper_example: read 1000000 values in order" "$KIT_OUT"'
fi

# --- the lazy flip ------------------------------------------------------------------
kit_run 30 hopper_strand --wait-ms 300; rc=$?
kit_check "$L hopper_strand: without flush value 10 is stranded: exactly 0..9 of 11 received, 1 unannounced" \
    eval '[ $rc -eq 0 ] && grep -q "after the last send 1 value(s) are on disk but unannounced" "$KIT_OUT" && grep -q "^hopper_strand: received 10 of 11 values in order (0..9); receiver waited 300 ms for value 10: STRANDED" "$KIT_OUT"'
kit_run 30 hopper_strand --wait-ms 300 --flush; rc=$?
kit_check "$L hopper_strand --flush: all 11 received in order" eval '[ $rc -eq 0 ] && grep -q "^hopper_strand: received all 11 values in order (0..10)$" "$KIT_OUT"'
kit_run 30 hopper_strand --wait-ms 300 --count 9; rc=$?
kit_check "$L hopper_strand --count 9: nothing stranded when the last send lands in memory" eval '[ $rc -eq 0 ] && grep -q "^hopper_strand: received all 9 values in order (0..8)$" "$KIT_OUT"'

# --- property tests -------------------------------------------------------------------
kit_run 300 hopper_qc --tests $NQ; rc=$?
seed=$(sed -n 's/.*seed \([0-9]*\)$/\1/p' "$KIT_OUT" | head -1)
kit_check "$L hopper_qc: single/multi sender round trips, per-sender FIFO, round_trip ($NQ cases, book rules) and ingress_shedding's exact 393,266 FULLs (seed $seed)" \
    eval '[ $rc -eq 0 ] && [ $(grep -c "^prop .*: OK" "$KIT_OUT") -eq 5 ] && grep -q "393266 FULL (expected 393266" "$KIT_OUT"'
lrc=0; : >"$TMP/large.txt"
for prop in single_sender_round_trip multi_sender_round_trip multi_sender_fifo round_trip; do
    kit_run 300 hopper_qc --large --tests $NQ --only $prop || lrc=$?
    cat "$KIT_OUT" >>"$TMP/large.txt"
done
cp "$TMP/large.txt" "$KIT_OUT"
# each property's report line: "... exercised: F FULL returns, R file roll-overs" with F, R > 0
kit_check "$L hopper_qc --large: the four properties pass with FULL-then-resume and roll-over exercised in each" \
    eval '[ $lrc -eq 0 ] && [ $(grep -c "exercised: [1-9][0-9]* FULL returns, [1-9][0-9]* file roll-overs" "$KIT_OUT") -eq 4 ]'

# --- the repeat loops -----------------------------------------------------------------
kit_run 600 hopper_loop --iters $LOOP; rc=$?
note=""; [ $LOOP -lt 2501 ] && note=" (qemu: $LOOP of the book's 2,501)"
kit_check "$L hopper_loop: single and multi round trips x $LOOP, zero failures$note" \
    eval '[ $rc -eq 0 ] && grep -q "^hopper_loop single: $LOOP runs, 0 failed" "$KIT_OUT" && grep -q "^hopper_loop multi: $LOOP runs, 0 failed" "$KIT_OUT"'

# --- the fuzz harness: corpus replay ---------------------------------------------------
afl_replay() { # LABEL: every corpus file exits 0 with no sanitizer report
    local f rc bad=""
    for f in corpus/hopper_afl/*; do
        timeout -k 5 60 $KIT_RUN "$KIT_BIN/hopper_afl" <"$f" >"$KIT_OUT" 2>&1; rc=$?
        if [ $rc -ne 0 ] || grep -q "Sanitizer\|runtime error\|VIOLATED" "$KIT_OUT"; then bad="$bad ${f##*/}(exit $rc)"; fi
    done
    kit_check "$L hopper_afl: corpus ($(ls corpus/hopper_afl | wc -l) inputs) replays clean$1" test -z "$bad"
    [ -z "$bad" ] || echo "      failed:$bad"
}
afl_replay ""
HOPPER_AFL_VERBOSE=1 timeout 60 $KIT_RUN "$KIT_BIN/hopper_afl" <corpus/hopper_afl/one_slot >"$KIT_OUT" 2>&1
kit_check "$L hopper_afl: the one-slot seed drives sends through disk and reads, checked against the model" \
    eval 'grep -q "^hopper_afl: 1 slots; [0-9]* steps, [1-9][0-9]* sends accepted ([1-9][0-9]* to disk.*[1-9][0-9]* values received.*model checked" "$KIT_OUT"'

# --- the benchmark: runs, reports every metric (performance is recorded, never asserted) --
kit_run 120 hopper_bench --samples 3 --warmup-ms 0 --measure-ms 30 --raw-mib 4; rc=$?
kit_check "$L hopper_bench: short run reports Melem/s for the 4 configurations, disk MB/s, raw MB/s and both ratios" \
    eval '[ $rc -eq 0 ] && [ $(grep -c "^METRIC \(mpsc_baseline_melem_per_s\|hopper_memory_melem_per_s\|hopper_swap_melem_per_s\|hopper_disk_melem_per_s\|hopper_disk_mb_per_s\|raw_write_mb_per_s\|memory_time_ratio_vs_chan\|disk_fraction_of_raw_write\) [0-9.e+-]* " "$KIT_OUT") -eq 8 ]'

# --- helgrind: annotated deque clean, unannotated one shows the false positives -------
if kit_have valgrind; then
    for p in hopper_deque_stress hopper_deque_stress_unannotated; do
        timeout -k 5 180 valgrind --tool=helgrind --fair-sched=try --log-file="$TMP/hg-$p.txt" "$KIT_BIN/$p" --producers 2 --items 20000 >"$KIT_OUT" 2>&1
        echo $? >"$TMP/hg-$p.rc"
    done
    kit_check "$L hopper_deque_stress: helgrind ERROR SUMMARY: 0 errors (hand-offs annotated)" \
        eval '[ "$(cat "$TMP/hg-hopper_deque_stress.rc")" = 0 ] && grep -q "ERROR SUMMARY: 0 errors from 0 contexts" "$TMP/hg-hopper_deque_stress.txt"'
    kit_check "$L hopper_deque_stress_unannotated: helgrind reports the false races on slots (push_back vs pop_front) it cannot see ordered" \
        eval 'grep -q "Possible data race" "$TMP/hg-hopper_deque_stress_unannotated.txt" && grep -q "hq_deque_push_back (deque.c" "$TMP/hg-hopper_deque_stress_unannotated.txt" && grep -q "hq_deque_pop_front (deque.c" "$TMP/hg-hopper_deque_stress_unannotated.txt"'
    timeout -k 5 300 valgrind --tool=helgrind --fair-sched=try --log-file="$TMP/hg-loop.txt" "$KIT_BIN/hopper_loop" --iters 20 >"$KIT_OUT" 2>&1; rc=$?
    kit_check "$L hopper_loop --iters 20: whole hopper (deque, sender, receiver) helgrind 0 errors" \
        eval '[ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors from 0 contexts" "$TMP/hg-loop.txt"'
else
    kit_skip "$L helgrind verdicts" "valgrind not available for ARCH=$KIT_ARCH"
fi

# --- sanitizers ---------------------------------------------------------------------------
if native; then
    for san in thread address undefined; do
        kit_san_build $san || continue
        kit_san_clean "$L" $san "hopper_deque_stress --producers 3 --items 100000 --capacity 2" \
            "hopper_deque_stress_unannotated --producers 2 --items 50000 --capacity 2" "hopper_test" \
            "hopper_example --reads 200000" "hopper_strand --flush --wait-ms 300" "hopper_qc --tests 20" \
            "hopper_qc --large --tests 10" "hopper_loop --iters 50"
        if [ $san = thread ]; then
            kit_run 120 hopper_deque_stress_relaxed --producers 2 --items 100000 --capacity 2
            kit_check "$L hopper_deque_stress_relaxed: ThreadSanitizer reports the slot race between push_back and pop_front" \
                eval 'grep -q "WARNING: ThreadSanitizer: data race" "$KIT_OUT" && grep -q "hq_deque_push_back" "$KIT_OUT" && grep -q "hq_deque_pop_front" "$KIT_OUT"'
        else
            afl_replay " under SAN=$san"
        fi
        kit_env .
    done
else
    kit_skip "$L sanitizer checks" "not run under qemu (ARCH=$KIT_ARCH)"
fi

if [ $OWN_TALLY = 1 ]; then
    p=$(grep -c '^pass$' "$KIT_TALLY"); f=$(grep -c '^fail$' "$KIT_TALLY"); s=$(grep -c '^skip$' "$KIT_TALLY")
    echo "$p passed, $f failed, $s skipped"
    [ "$f" -eq 0 ] || exit 1
fi
exit 0
