#!/usr/bin/env bash
# Lab 5 tests: scripts/test.sh runs this after the checks every lab gets
# (`make test LAB=5`).  The chapter's rwlock, channel, condvar and barrier
# programs, the rocket and the rope bridge; hopper is the sub-lab hopper/,
# which scripts/test.sh tests after this lab.
set -u
. ../../scripts/lib.sh
kit_test_init
L=$KIT_LAB

kit_bad_values "$L" "rocket --tick-ms 1x" "rocket_racy --seconds 1h" "rope_bridge --seconds -1" "barrier_leader --threads 0" \
    "mpsc_fanout --wraps 0" "condvar_flag --seconds 0" "condvar_pingpong --writes 9999999999"
ROCKET_TICK_MS=abc kit_expect "$L rocket: a bad ROCKET_TICK_MS exits 2, naming the variable and the value" 10 2 \
    +"ROCKET_TICK_MS.*'abc'" -'ACQUIRE|T-11' -- rocket

# --- rwlock_spin: five (failures, successes) lines, each reader saw 100 zeros -----------
for mode in "" --prefer-writer; do
    what="$L rwlock_spin ${mode:-(reader preference)}"
    # shellcheck disable=SC2086
    kit_expect "$what: exits 0, lines '(failures, successes)', none with successes < 100" 120 0 \
        +'^\([0-9]+, [0-9]+\)$' -'^\([0-9]+, [0-9]{1,2}\)$' -- rwlock_spin $mode
    kit_check "$what: one line per reader (5)" test "$(grep -cE '^\([0-9]+, [0-9]+\)$' "$KIT_OUT")" -eq 5
done

# --- mpsc_fanout: deterministic counts ---------------------------------------------------
for w in 10 3; do
    n=$((w * 65536))
    kit_run 120 mpsc_fanout --wraps $w; rc=$?
    kit_check "$L mpsc_fanout --wraps $w: exits 0; each of the 5 readers saw exactly $n values" \
        test "$rc: $(grep -v '^METRIC' "$KIT_OUT" | tr '\n' ' ')" = "0: $n $n $n $n $n "
done

# --- condition variables -----------------------------------------------------------------
kit_expect "$L condvar_flag --seconds 1: ends by itself; every reader woken >= 100 times" 30 0 \
    +'^[0-9]+( |$)' -'^[0-9]{1,2}( |$)' -- condvar_flag --seconds 1
kit_check "$L condvar_flag: one line per reader (5)" test "$(grep -cE '^[0-9]+( |$)' "$KIT_OUT")" -eq 5
kit_expect "$L condvar_pingpong --writes 65536: every write consumed exactly once, value sums match" 120 0 \
    +'^writes 65536, consumed 65536, zeros seen 1 of 1, value sums match$' -- condvar_pingpong --writes 65536
wakes=$(awk '/^[0-9]+$/ { n++; s += $1 } END { print n + 0 ":" s + 0 }' "$KIT_OUT")
kit_check "$L condvar_pingpong: the 5 readers' wakes sum to the 65536 writes (readers:sum $wakes)" test "$wakes" = 5:65536

# --- barriers --------------------------------------------------------------------------------
for tr in "4 2000" "7 500" "1 10"; do
    read -r t r <<<"$tr"
    kit_expect "$L barrier_leader --threads $t --rounds $r: exactly one leader each round, nobody leaves early" 60 0 \
        +"^$t threads x $r rounds: rounds with exactly one leader $r, early departures 0\$" -- barrier_leader --threads "$t" --rounds "$r"
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
for _ in 1 2 3 4 5; do
    if ! kit_run 60 rocket --tick-ms 5 || ! rocket_ok; then ok=0; break; fi
done
kit_check "$L rocket: 9 ACQUIRE lines (each rocket FUEL < OXIDIZER < ASTRONAUTS), T-11, %4d 10..1, 3 LIFT OFF; main then stops and joins the producer (5 runs)" test $ok = 1
t0=$(date +%s%N); ROCKET_TICK_MS=40 kit_run 60 rocket; rc=$?; ms=$(( ($(date +%s%N) - t0) / 1000000 ))
rocket_slow_ok() { [ "$rc" -eq 0 ] && rocket_ok && [ "$ms" -ge 400 ]; }
kit_check "$L rocket: ROCKET_TICK_MS=40 gives the book's output and a countdown of at least 10 ticks ($ms ms)" rocket_slow_ok
kit_run 60 rocket_racy --tick-ms 5 --seconds 30
kit_check "$L rocket_racy: its first line says it is BROKEN ON PURPOSE" grep -q '^rocket_racy: BROKEN ON PURPOSE: ' <(head -n 1 "$KIT_OUT")

# --- the rope bridge ---------------------------------------------------------------------------
for args in "--seconds 1" "--seconds 1 --yield" "--iters 200000"; do
    # shellcheck disable=SC2086
    kit_expect "$L rope_bridge $args: invariants held on every transition, 1..5 on the rope, crossings counted" 60 0 \
        +'^invariants: held on every transition$' +'^max on rope [1-5] \(limit 5\)' \
        +'^crossed left->right [0-9]+, right->left [0-9]+' -- rope_bridge $args
    # One side may starve the other (the book's fairness point, worst with --yield
    # or on a busy machine): the counts are reported, not judged.
    echo "      $(grep -o 'left->right [0-9]*, right->left [0-9]*' "$KIT_OUT"); $(grep -o 'longest one-direction streak [0-9]*' "$KIT_OUT")"
done

# --- helgrind (the valgrind flavour): clean programs, the racy rocket caught ----------------------
for run in "rocket --tick-ms 10" "rope_bridge --iters 20000" "condvar_pingpong --writes 3000" "barrier_leader --rounds 200" \
    "condvar_flag --seconds 2"; do
    # shellcheck disable=SC2086
    kit_helgrind_clean "$L ${run%% *}: helgrind reports 0 errors ($run)" 300 $run
done
# The race has two sides: the producer's write without the lock, the rocket's
# read with it.  kit_helgrind_races checks the first; its log gives the second.
rm -f "$TMP/hg.log"
kit_helgrind_races "$L rocket_racy: helgrind reports a race with the producer's unlocked flag write in its stack" 300 \
    producer rocket_racy --tick-ms 10 --seconds 60
if [ -s "$TMP/hg.log" ]; then
    kit_check "$L rocket_racy: ... and the rockets' locked flag access on its other side" \
        grep -q ': rocket (rocket\.c:' <(grep -A 12 'Possible data race' "$TMP/hg.log")
fi

# --- sanitizers ------------------------------------------------------------------------------------
if [ "$KIT_NATIVE" = 1 ]; then
    for san in thread address undefined; do
        kit_san_build $san || continue
        kit_san_clean "$L" $san "rocket --tick-ms 5" "rope_bridge --iters 100000" "condvar_pingpong --writes 20000" \
            "barrier_leader --rounds 500" "mpsc_fanout --wraps 1" "condvar_flag --seconds 1"
        if [ $san = thread ]; then
            kit_expect "$L rocket_racy: ThreadSanitizer reports a data race with the producer in its stacks" 60 any \
                +'WARNING: ThreadSanitizer: data race' +'#[0-9]+ producer .*rocket\.c' -- rocket_racy --tick-ms 5 --seconds 30
        fi
    done
    kit_env .
else
    kit_skip "$L sanitizer checks" "not run under qemu (ARCH=$KIT_ARCH)"
fi
