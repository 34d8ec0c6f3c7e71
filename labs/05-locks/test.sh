#!/usr/bin/env bash
# Lab 5 tests (scripts/test.sh runs this; `make test LAB=5`).  The classic
# problems here; hopper's own tests are in hopper/test.sh, run at the end.
set -u
. ../../scripts/lib.sh
kit_test_init
L="lab5"
PROGS="rwlock_spin mpsc_fanout condvar_flag condvar_pingpong barrier_leader rocket rocket_racy rope_bridge"

kit_conventions "$L" $PROGS
kit_bad_values "$L" "rocket --tick-ms 1x" "rope_bridge --seconds -1" "barrier_leader --threads 0" "mpsc_fanout --wraps 0" \
    "condvar_pingpong --writes 9999999999"
ROCKET_TICK_MS=abc kit_run 10 rocket; rc=$?
kit_check "$L rocket: a bad ROCKET_TICK_MS exits 2" test $rc -eq 2

# --- rwlock_spin: five (failures, successes) lines, each reader saw 100 zeros -----------
for mode in "" --prefer-writer; do
    kit_run 120 rwlock_spin $mode; rc=$?
    kit_check "$L rwlock_spin ${mode:-(reader preference)}: 5 lines '(failures, successes)', successes >= 100" \
        eval '[ $rc -eq 0 ] && [ $(grep -cE "^\([0-9]+, [0-9]+\)$" "$KIT_OUT") -eq 5 ] && ! awk -F"[(, )]+" "/^\(/ && \$3 < 100 {bad=1} END{exit !bad}" "$KIT_OUT"'
done

# --- mpsc_fanout: deterministic counts ---------------------------------------------------
for w in 10 3; do
    kit_run 120 mpsc_fanout --wraps $w; rc=$?
    n=$((w * 65536))
    kit_check "$L mpsc_fanout --wraps $w: every one of 5 readers saw exactly $n values" \
        eval '[ $rc -eq 0 ] && [ "$(grep -vc "^METRIC" "$KIT_OUT")" -eq 5 ] && [ "$(grep -v "^METRIC" "$KIT_OUT" | sort -u)" = "$n" ]'
done

# --- condition variables -----------------------------------------------------------------
kit_run 30 condvar_flag --seconds 1; rc=$?
kit_check "$L condvar_flag --seconds 1: ends by itself; 5 readers, each woken >= 100 times" \
    eval '[ $rc -eq 0 ] && [ $(grep -cE "^[0-9]+" "$KIT_OUT") -eq 5 ] && ! awk "/^[0-9]/ && \$1 < 100 {bad=1} END{exit !bad}" "$KIT_OUT"'
kit_run 120 condvar_pingpong --writes 65536; rc=$?
sum=$(grep -E '^[0-9]+$' "$KIT_OUT" | paste -sd+ | bc 2>/dev/null || echo 0)
kit_check "$L condvar_pingpong: every one of 65,536 writes consumed exactly once (wakes sum to $sum, value sums match)" \
    eval '[ $rc -eq 0 ] && [ "$sum" = 65536 ] && grep -q "^writes 65536, consumed 65536, zeros seen 1 of 1, value sums match" "$KIT_OUT"'

# --- barriers --------------------------------------------------------------------------------
for args in "--threads 4 --rounds 2000" "--threads 7 --rounds 500" "--threads 1 --rounds 10"; do
    # shellcheck disable=SC2086
    kit_run 60 barrier_leader $args; rc=$?
    r=${args##* }
    kit_check "$L barrier_leader $args: exactly one leader each round, nobody leaves early" \
        eval '[ $rc -eq 0 ] && grep -q "rounds with exactly one leader $r, early departures 0" "$KIT_OUT"'
done

# --- the rocket ---------------------------------------------------------------------------------
rocket_ok() { # the book's output shape in $KIT_OUT (after an optional first line)
    awk '
        /^BROKEN|^rocket_racy:/ { next }
        /^(KSC   |VAB   |WSMR  ) ACQUIRE (FUEL|OXIDIZER|ASTRONAUTS)$/ {
            if (phase != 0) exit 1
            n = $1; r = $3; want = (r == "FUEL") ? 0 : (r == "OXIDIZER") ? 1 : 2
            if (got[n] + 0 != want) exit 1      # FUEL, then OXIDIZER, then ASTRONAUTS
            got[n]++; acq++; next }
        /^T-11$/ { if (phase != 0 || acq != 9) exit 1; phase = 1; tick = 10; next }
        phase == 1 && /^ *[0-9]+$/ { if ($0 != sprintf("%4d", tick)) exit 1; tick--; next }
        /^(KSC   |VAB   |WSMR  ) LIFT OFF$/ { if (phase != 1 || tick != 0 || lift[$1]++) exit 1; lifts++; next }
        { exit 1 }
        END { exit !(acq == 9 && lifts == 3 && got["KSC"] == 3 && got["VAB"] == 3 && got["WSMR"] == 3) }' "$KIT_OUT"
}
ok=1
for i in 1 2 3 4 5; do
    kit_run 60 rocket --tick-ms 5 && rocket_ok || { ok=0; break; }
done
kit_check "$L rocket: 9 ACQUIRE lines (each rocket FUEL < OXIDIZER < ASTRONAUTS), T-11, %4d 10..1, 3 LIFT OFF; main then stops and joins the producer (5 runs)" test $ok = 1
t0=$(date +%s%N); ROCKET_TICK_MS=40 kit_run 60 rocket; rc=$?; t1=$(date +%s%N)
kit_check "$L rocket: ROCKET_TICK_MS=40 gives a countdown of at least 10 ticks ($(( (t1 - t0) / 1000000 )) ms)" \
    eval '[ $rc -eq 0 ] && rocket_ok && [ $(( (t1 - t0) / 1000000 )) -ge 400 ]'

# --- the rope bridge ---------------------------------------------------------------------------
for args in "--seconds 1" "--seconds 1 --yield" "--iters 200000"; do
    # shellcheck disable=SC2086
    kit_run 60 rope_bridge $args; rc=$?
    # One side may starve the other (the book's fairness point, worst with --yield
    # or on a busy machine): the counts are reported, not required to be even.
    kit_check "$L rope_bridge $args: invariants held on every transition, 1..5 on the rope ($(grep -o 'left->right [0-9]*, right->left [0-9]*' "$KIT_OUT"))" \
        eval '[ $rc -eq 0 ] && grep -q "^invariants: held on every transition" "$KIT_OUT" && grep -qE "^max on rope [1-5] \(limit 5\)" "$KIT_OUT" && grep -qE "^crossed left->right [0-9]+, right->left [0-9]+" "$KIT_OUT"'
done

# --- helgrind: clean twins, the racy rocket caught -------------------------------------------------
if kit_have valgrind; then
    hg() { # LOG PROG ARGS...
        local log=$1; shift
        timeout -k 5 300 valgrind --tool=helgrind --fair-sched=try --log-file="$TMP/$log" "$KIT_BIN/$1" "${@:2}" >"$KIT_OUT" 2>&1
    }
    for run in "rocket --tick-ms 10" "rope_bridge --iters 20000" "condvar_pingpong --writes 3000" "barrier_leader --rounds 200" "condvar_flag --seconds 2"; do
        # shellcheck disable=SC2086
        hg hg.txt $run; rc=$?
        kit_check "$L ${run%% *}: helgrind ERROR SUMMARY: 0 errors ($run)" \
            eval '[ $rc -eq 0 ] && grep -q "ERROR SUMMARY: 0 errors from 0 contexts" "$TMP/hg.txt"'
    done
    hg racy.txt rocket_racy --tick-ms 10 --seconds 60; rc=$?
    kit_check "$L rocket_racy: helgrind reports the flag race between producer and rocket (exit $rc)" \
        eval 'grep -q "Possible data race" "$TMP/racy.txt" && grep -q "producer (rocket.c" "$TMP/racy.txt" && grep -q "rocket (rocket.c" "$TMP/racy.txt"'
else
    kit_skip "$L helgrind verdicts" "valgrind not available for ARCH=$KIT_ARCH"
fi

# --- sanitizers ------------------------------------------------------------------------------------
if [ "$KIT_NATIVE" = 1 ]; then
    for san in thread address undefined; do
        kit_san_build $san || continue
        kit_san_clean "$L" $san "rocket --tick-ms 5" "rope_bridge --iters 100000" "condvar_pingpong --writes 20000" \
            "barrier_leader --rounds 500" "mpsc_fanout --wraps 1" "condvar_flag --seconds 1"
        if [ $san = thread ]; then
            kit_run 60 rocket_racy --tick-ms 5 --seconds 30
            kit_check "$L rocket_racy: ThreadSanitizer reports a data race on the flag" \
                eval 'grep -q "WARNING: ThreadSanitizer: data race" "$KIT_OUT" && grep -q "producer" "$KIT_OUT"'
        fi
        kit_env .
    done
else
    kit_skip "$L sanitizer checks" "not run under qemu (ARCH=$KIT_ARCH)"
fi

# --- hopper ------------------------------------------------------------------------------------------
if [ -x hopper/test.sh ]; then
    if kit_build hopper; then (cd hopper && ./test.sh); else kit_fail "$L hopper: build"; fi
fi
