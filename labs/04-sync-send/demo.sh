#!/usr/bin/env bash
# demo.sh - lab 4's guided tour (what `make lab-4` runs): every program of the
# chapter in the book's order, one line of explanation before each, the racy
# ones under their watchdog, helgrind's verdicts when valgrind is installed,
# and a summary at the end.  About a minute on a 2-core machine.
set -u
cd "$(dirname "$0")" || exit 1
. ../../scripts/lib.sh
kit_demo_init
KIT_OUT=$TMP/prog.txt # kit_valgrind puts the program's own output here
helgrind_verdict() { # PROG ARGS...: helgrind's summary line and the first race it reports
    kit_vg_ready "helgrind $1" || return 0
    echo "\$ valgrind --tool=helgrind --fair-sched=try --history-level=full $* (the valgrind build flavour)"
    kit_valgrind 120 "helgrind --history-level=full" "$TMP/hg.txt" "$@"
    grep -m1 -A9 'Possible data race' "$TMP/hg.txt" | sed 's/^==[0-9]*== /  /' | grep -v 'helgrind-.*\.so\|start_thread\|clone'
    grep 'ERROR SUMMARY' "$TMP/hg.txt" | sed 's/^==[0-9]*== /  /'
    echo "  (the program itself, under helgrind: $(grep -v '^METRIC' "$KIT_OUT" | tail -n 1))"
    kit_note "helgrind $1" "$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1 errors/p' "$TMP/hg.txt")"
}

kit_say "1. rc_race --replay: the book's schedule of two threads on Rc's plain counter (ch. 4.2)"
kit_show rc_race --replay
kit_say "2. rc_race: the same race for real - two threads clone and drop a plain refcount 10^6 times each"
kit_show rc_race | tee "$TMP/out"; kit_note rc_race "$(sed -n 's/.*: \(LOST UPDATES\|correct this time, by luck\)$/\1/p' "$TMP/out")"
kit_say "3. arc_count: the fix - an atomic count (relaxed clone, release drop + acquire fence), like Arc"
kit_show arc_count | tee "$TMP/out"; kit_note arc_count "$(sed -n 's/.*(expected 1): //p' "$TMP/out")"

kit_say "4. ring_racy (data_race00): a ring shared with no synchronization; 3 runs - fails, hangs or passes by luck"
for i in 1 2 3; do
    kit_show ring_racy --seconds 3; rc=$?
    case $rc in 0) o="passed (lucky)";; 101) o="assertion failed";; 124) o="hung";; *) o="exit $rc";; esac
    echo "  -> run $i: $o"; kit_note "ring_racy run $i" "$o"
done
kit_say "5. helgrind sees the race on every run, even one whose assertion passed"
helgrind_verdict ring_racy
kit_say "6. ring_racy_checked (data_race01): the writer checks the slot it fills is empty"
kit_show ring_racy_checked --seconds 3; rc=$?
case $rc in 0) o="passed (lucky)";; 101) o="assertion failed";; 124) o="hung";; *) o="exit $rc";; esac
kit_note ring_racy_checked "$o"

perf_run() { # PROG: run under perf stat (software events work even in VMs) when available
    if kit_have perf && perf stat -e task-clock true >/dev/null 2>&1; then
        echo "\$ perf stat -e task-clock,context-switches $1"
        perf stat -e task-clock,context-switches -o "$TMP/perf.txt" "$KIT_BIN/$1" | tee "$TMP/out"
        grep -E 'task-clock|context-switches|elapsed' "$TMP/perf.txt"
        kit_note "$1" "$(awk '/context-switches/{gsub(",","",$1); printf "%s context switches", $1}' "$TMP/perf.txt"), $(sed -n 's/^METRIC elapsed_s \([0-9.]*\).*/\1 s/p' "$TMP/out")"
    else
        kit_show "$1" | tee "$TMP/out"
        kit_note "$1" "$(sed -n 's/^METRIC elapsed_s \([0-9.]*\).*/\1 s/p' "$TMP/out")"
    fi
}
kit_say "7. ring_mutex (data_race02): one pthread mutex; 10^6 reads in order (book: 0.509 s, 8,005 context switches)"
perf_run ring_mutex
kit_say "8. helgrind on ring_mutex: clean (short run; valgrind serializes threads)"
helgrind_verdict ring_mutex --reads 5000 --unlock-before-yield
kit_say "9. ring_chan (data_race03): a bounded channel of 10; ~2 x 10^6/10 context switches (book: 200,011)"
perf_run ring_chan
kit_say "10. helgrind on ring_chan: clean"
helgrind_verdict ring_chan --reads 20000

kit_say "11. chan_test: the channel ring_chan uses, tested against a model and with 16 producers"
kit_show chan_test --quick | tee "$TMP/out" | tail -4
kit_note chan_test "$(grep -c '^ok' "$TMP/out") checks ok, $(grep -c '^FAIL' "$TMP/out") failed"
kit_say "12. ckms_test: CKMS quantiles (the quantiles 0.7 crate telem uses), exact on the crate's vectors"
kit_show ckms_test | head -4

kit_say "13. telem: the telemetry server, live - the book's session driven by telem_send (flush every 0.5 s)"
rm -f "$TMP/telem.err"; : >"$TMP/telem.err"
# shellcheck disable=SC2086
$KIT_RUN "$KIT_BIN/telem" --port 0 --flush-ms 500 2>>"$TMP/telem.err" &
TPID=$!
for _ in $(seq 50); do PORT=$(sed -n 's/.*port \([0-9]*\)$/\1/p' "$TMP/telem.err"); [ -n "$PORT" ] && break; sleep 0.1; done
send() { echo "\$ telem_send $*"; $KIT_RUN "$KIT_BIN/telem_send" --port "$PORT" "$@"; sleep 0.8; }
send a 10; send a 55; send b 1000; send b 2000; send b 3000; send x 100
echo "(hostile input: no output, just counted)"; send --raw 'a -1'; send --raw 'bad'
kill -TERM $TPID; wait $TPID; grep stopped "$TMP/telem.err"
kit_note telem "$(sed -n 's/.*; \(datagrams.*\)/\1/p' "$TMP/telem.err" | cut -d, -f1-3)"
kit_say "14. telem_bench: a flood against a slow sink - unbounded channels grow, bounded ones drop (ch. 4.8.10)"
if [ "$KIT_NATIVE" = 1 ]; then
    for b in "" "--bounded 1000"; do
        # shellcheck disable=SC2086
        kit_show telem_bench --seconds 2 $b | tee "$TMP/out" | grep -v '^METRIC'
        kit_note "telem_bench ${b:-unbounded}" "RSS +$(sed -n 's/^METRIC rss_growth_kib \([0-9-]*\).*/\1/p' "$TMP/out") KiB, dropped: $(sed -n 's/^METRIC dropped_full \([0-9]*\).*/\1/p' "$TMP/out") by full channels, $(sed -n 's/^METRIC dropped_kernel \(-\?[0-9]*\).*/\1/p' "$TMP/out") in the kernel"
    done
else
    echo "(telem_bench execs telem, which qemu-user cannot do: skipped)"
fi

kit_summary 04-sync-send
